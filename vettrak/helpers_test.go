package vettrak_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// fastRetry keeps retry tests quick.
var fastRetry = vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})

// pair starts a fake and a client for it.
func pair(t *testing.T, srvOpts []vettraktest.Option, opts ...vettrak.Option) (*vettrak.Client, *vettraktest.Server) {
	t.Helper()
	srv := vettraktest.NewTestServer(t, srvOpts...)
	api, err := vettrak.New(srv.URL(), srv.Credentials(), append([]vettrak.Option{fastRetry}, opts...)...)
	require.NoError(t, err)
	return api, srv
}

// logBuffer collects slog output at debug level.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

const okLogin = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ValidateClientResponse xmlns="http://www.ozsoft.com.au/VETtrak/api/complete"><ValidateClientResult><ID>7</ID><Token>'&amp;7%+&gt;-"6(+!56$0&gt;345</Token><Status>1</Status><Identifier>07</Identifier><TokenType>03</TokenType></ValidateClientResult></ValidateClientResponse></soap:Body></soap:Envelope>`

// cannedToken is the token okLogin issues, unescaped.
const cannedToken = `'&7%+>-"6(+!56$0>345`

// canned answers logins with okLogin and every other call with the body
// (and status) answer returns for the operation.
type canned struct {
	mu       sync.Mutex
	answer   func(op string, req []byte) (int, string)
	requests []*capturedRequest
}

type capturedRequest struct {
	op     string
	header http.Header
	body   string
}

func (c *canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet { // ?WSDL, before the first write: none here
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Header: http.Header{},
			Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	}
	body, _ := io.ReadAll(req.Body)
	op := strings.TrimPrefix(strings.Trim(req.Header.Get("SOAPAction"), `"`), vettrak.Namespace+"/")
	c.mu.Lock()
	c.requests = append(c.requests, &capturedRequest{op: op, header: req.Header.Clone(), body: string(body)})
	c.mu.Unlock()
	status, text := http.StatusOK, okLogin
	if op != "ValidateClient" {
		status, text = c.answer(op, body)
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status),
		Header:  http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body:    io.NopCloser(strings.NewReader(text)),
		Request: req,
	}, nil
}

func (c *canned) last(op string) *capturedRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.requests) - 1; i >= 0; i-- {
		if c.requests[i].op == op {
			return c.requests[i]
		}
	}
	return nil
}

func cannedAPI(t testing.TB, answer func(op string, req []byte) (int, string), opts ...vettrak.Option) (*vettrak.Client, *canned) {
	t.Helper()
	c := &canned{answer: answer}
	api, err := vettrak.New("https://vettrak.example/ABC_API/VT_API.asmx", vettrak.Credentials{Username: "u", Password: "hunter2-secret"},
		append([]vettrak.Option{vettrak.WithHTTPClient(&http.Client{Transport: c}), fastRetry}, opts...)...)
	require.NoError(t, err)
	return api, c
}

// respond wraps result XML (the inside of <OpResult>) in an envelope.
func respond(op, result string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><` +
		op + `Response xmlns="http://www.ozsoft.com.au/VETtrak/api/complete"><` + op + `Result>` + result + `</` + op + `Result></` + op + `Response></soap:Body></soap:Envelope>`
}

const okAuth = `<Auth><ID>7</ID><Token>x</Token><Status>1</Status><Identifier>07</Identifier><TokenType>03</TokenType></Auth>`

func authWith(status int, msg string) string {
	s := `<Auth><ID>7</ID><Status>` + strconv.Itoa(status) + `</Status>`
	if msg != "" {
		s += `<StatusMessage>` + msg + `</StatusMessage>`
	}
	return s + `</Auth>`
}
