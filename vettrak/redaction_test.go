package vettrak_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/internal/redact/redacttest"
	"github.com/vtsync/vtsync/vettrak"
)

// hostilePassword carries every character an XML, JSON, URL or Go encoder
// touches, like the VETtrak tokens do.
const hostilePassword = `pw'&7%+>-"6(+!5<x>`

// dotNetXML escapes the way .NET's XmlWriter writes text: &, <, > only.
func dotNetXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// fullXML escapes quotes with named entities too.
func fullXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

func soapFault(faultstring, detail string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>` +
		faultstring + `</faultstring><detail>` + detail + `</detail></soap:Fault></soap:Body></soap:Envelope>`
}

// hostile answers each operation as answer says (the login included) and
// can fail the transport itself.
type hostile func(op string, body string) (int, string, error)

func (h hostile) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	op := strings.TrimPrefix(strings.Trim(req.Header.Get("SOAPAction"), `"`), vettrak.Namespace+"/")
	status, text, err := h(op, string(body))
	if err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:  http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body:    io.NopCloser(strings.NewReader(text)),
		Request: req,
	}, nil
}

// loginThen logs in with okLogin (which issues cannedToken) and answers
// every other operation with then.
func loginThen(then func(op string) (int, string)) hostile {
	return func(op, _ string) (int, string, error) {
		if op == "ValidateClient" {
			return http.StatusOK, okLogin, nil
		}
		s, b := then(op)
		return s, b, nil
	}
}

// Servers that echo the password or the session token back, in every
// encoding their stack would use, must not get it into an error, a log
// line or a JSON report.
func TestSecretsNeverLeakInAnyEncoding(t *testing.T) {
	pw, tok := hostilePassword, cannedToken
	tests := []struct {
		name string
		srv  hostile
		call func(*vettrak.Client) error
	}{
		{"login fault echoing the password XML-escaped the .NET way and with entities",
			func(string, string) (int, string, error) {
				return 500, soapFault("Login failed for "+dotNetXML(pw), "<pw>"+fullXML(pw)+"</pw><num>&#39;&#38;7&#x25;</num>"), nil
			}, login},
		{"login status echoing the password",
			func(string, string) (int, string, error) {
				return 200, respond("ValidateClient", `<ID>0</ID><Status>-1</Status><StatusMessage>bad password `+dotNetXML(pw)+`</StatusMessage>`), nil
			}, login},
		{"decode error Go-quoting the token",
			loginThen(func(op string) (int, string) {
				return 200, respond(op, `<Auth><ID>`+dotNetXML(tok)+`</ID><Status>1</Status></Auth>`)
			}), resultTypes},
		{"HTTP error page echoing the token HTML-escaped",
			loginThen(func(string) (int, string) {
				return 502, "<html><body>upstream said token=" + html.EscapeString(tok) + "</body></html>"
			}), resultTypes},
		{"status message echoing the token with numeric references",
			loginThen(func(op string) (int, string) {
				return 200, respond(op, authWith(-1, "token &#39;&#x26;amp;7%+&#62;-&quot;6(+!56$0&gt;345 is not valid here"))
			}), resultTypes},
		{"transport error Go-quoting the password",
			func(string, body string) (int, string, error) {
				return 0, "", fmt.Errorf("proxy rejected body %q", body)
			}, login},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var clientLog, userLog logBuffer
			api, err := vettrak.New("https://vettrak.example/ABC_API/VT_API.asmx", vettrak.Credentials{Username: "u", Password: pw},
				vettrak.WithHTTPClient(&http.Client{Transport: tt.srv}), fastRetry, vettrak.WithLogger(clientLog.logger()))
			require.NoError(t, err)

			err = tt.call(api)
			require.Error(t, err)
			// Every path ends in the operation error, which names the
			// operation and must mask like its cause.
			var oe *vettrak.OperationError
			require.ErrorAs(t, err, &oe)
			assert.NotEmpty(t, oe.Operation)
			// What a caller does with it: log it, put it in a JSON report.
			slog.New(slog.NewJSONHandler(&userLog, nil)).Error("sync failed", "err", err)
			report := map[string]any{"error": err.Error(), "operation_error": oe, "cause": oe.Err.Error()}
			var (
				fe *vettrak.FaultError
				se *vettrak.StatusError
				he *vettrak.HTTPError
				de *vettrak.DecodeError
			)
			if errors.As(err, &fe) {
				report["fault"] = fe
			}
			if errors.As(err, &se) {
				report["status"] = se
			}
			if errors.As(err, &he) {
				report["http"] = he
			}
			if errors.As(err, &de) {
				report["decode"] = de
			}
			js, jerr := json.Marshal(report)
			require.NoError(t, jerr)

			assert.Contains(t, err.Error(), redact.Mask)
			for _, secret := range []string{pw, tok} {
				redacttest.AssertNoLeak(t, "err.Error()", err.Error(), secret)
				redacttest.AssertNoLeak(t, "client log", clientLog.String(), secret)
				redacttest.AssertNoLeak(t, "caller's log", userLog.String(), secret)
				redacttest.AssertNoLeak(t, "JSON report", string(js), secret)
			}
		})
	}
}

// A server's 1 MB message must not reach a report whole, and the cut
// never leaves part of a secret behind.
func TestServerTextIsCapped(t *testing.T) {
	huge := strings.Repeat("x", redact.MaxExcerpt-8) + dotNetXML(cannedToken) + strings.Repeat("y", 1<<20)
	tests := []struct {
		name string
		then func(op string) (int, string)
	}{
		{"status message", func(op string) (int, string) { return 200, respond(op, authWith(-1, huge)) }},
		{"fault string and detail", func(string) (int, string) { return 500, soapFault(huge, "<d>"+huge+"</d>") }},
		{"HTTP error body", func(string) (int, string) { return 503, huge }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, err := vettrak.New("https://vettrak.example/ABC_API/VT_API.asmx", vettrak.Credentials{Username: "u", Password: hostilePassword},
				vettrak.WithHTTPClient(&http.Client{Transport: loginThen(tt.then)}), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: -1}))
			require.NoError(t, err)
			err = resultTypes(api)
			require.Error(t, err)
			assert.Less(t, len(err.Error()), 2*redact.MaxExcerpt)
			assert.Contains(t, err.Error(), "…[truncated, ")
			js, _ := json.Marshal(err)
			var fe *vettrak.FaultError
			if errors.As(err, &fe) {
				js, _ = json.Marshal(fe)
			}
			assert.Less(t, len(js), 4*redact.MaxExcerpt)
			redacttest.AssertNoLeak(t, "err.Error()", err.Error(), cannedToken)
			redacttest.AssertNoLeak(t, "JSON report", string(js), cannedToken)
		})
	}
}

func login(api *vettrak.Client) error { return api.Login(context.Background()) }

func resultTypes(api *vettrak.Client) error {
	_, err := api.ResultTypes(context.Background())
	return err
}
