package canvas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/internal/redact/redacttest"
)

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Servers that echo the token back, in every encoding their stack would
// use, must not get it into an error, a log line or a JSON report.
func TestTokenNeverLeaksInAnyEncoding(t *testing.T) {
	tok := hostileToken
	tests := []struct {
		name      string
		status    int
		body      string
		transport http.RoundTripper
		wantType  any
	}{
		{"decode error Go-quoting the token", 200, `{"id":` + jsonText(tok) + `,"name":"x"}`, nil, new(*canvas.DecodeError)},
		{"decode error on a body holding the token", 200, `{"id":1,"name":` + jsonText(tok) + `,`, nil, new(*canvas.DecodeError)},
		{"400 echoing it JSON-escaped in messages and fields", 400,
			jsonText(map[string]any{
				"message": "bad token " + tok,
				"errors":  map[string]any{"token": []any{map[string]any{"attribute": "token", "type": "invalid", "message": tok}}},
			}), nil, new(*canvas.Error)},
		{"500 HTML page echoing it HTML-escaped", 500, "<html><body>token " + html.EscapeString(tok) + "</body></html>", nil, new(*canvas.Error)},
		{"400 with an unknown shape, XML-escaped", 400, `<error token="` + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(tok) + `"/>`, nil, new(*canvas.Error)},
		{"transport error Go-quoting it", 0, "", roundTrip(func(*http.Request) (*http.Response, error) {
			return nil, fmt.Errorf("proxy refused header %q", "Bearer "+tok)
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := echo(t, tt.status, tt.body)
			var clientLog, userLog bytes.Buffer
			opts := append(fastOpts(), canvas.WithLogger(slog.New(slog.NewTextHandler(&clientLog, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if tt.transport != nil {
				opts = append(opts, canvas.WithTransport(tt.transport))
			}
			c, err := canvas.New(srv.URL, tok, opts...)
			require.NoError(t, err)

			_, err = c.Courses.Get(t.Context(), canvas.ID(1))
			require.Error(t, err)
			if tt.wantType != nil {
				require.ErrorAs(t, err, tt.wantType)
			}
			// What a caller does with it: log it, put it in a JSON report.
			slog.New(slog.NewJSONHandler(&userLog, nil)).Error("sync failed", "err", err)
			var ce *canvas.Error
			var de *canvas.DecodeError
			var oe *canvas.OperationError
			errors.As(err, &ce)
			errors.As(err, &de)
			require.ErrorAs(t, err, &oe, "every path ends in the operation error")
			assert.Equal(t, "GET courses/{id}", oe.Operation)
			report := jsonText(map[string]any{"error": err.Error(), "canvas_error": ce, "decode_error": de, "operation_error": oe, "cause": oe.Err.Error()})

			assert.Contains(t, err.Error(), redact.Mask)
			redacttest.AssertNoLeak(t, "err.Error()", err.Error(), tok)
			redacttest.AssertNoLeak(t, "client log", clientLog.String(), tok)
			redacttest.AssertNoLeak(t, "caller's log", userLog.String(), tok)
			redacttest.AssertNoLeak(t, "JSON report", report, tok)
		})
	}
}

// A server's 1 MB message must not reach a report whole; the cut never
// leaves part of the token behind.
func TestServerTextIsCapped(t *testing.T) {
	tok := hostileToken
	huge := strings.Repeat("x", redact.MaxExcerpt-10) + tok + strings.Repeat("y", 1<<20)
	tests := []struct{ name, body string }{
		{"one huge message", jsonText(map[string]any{"errors": []any{map[string]any{"message": huge}}})},
		{"many messages", jsonText(map[string]any{"errors": strings.Split(strings.Repeat("a long message "+tok+";", 5000), ";")})},
		{"a huge plain-text page", huge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := echo(t, http.StatusBadRequest, tt.body)
			c, err := canvas.New(srv.URL, tok, fastOpts()...)
			require.NoError(t, err)
			_, err = c.Courses.Get(t.Context(), canvas.ID(1))
			var ce *canvas.Error
			require.ErrorAs(t, err, &ce)
			assert.Less(t, len(err.Error()), 2*redact.MaxExcerpt)
			assert.Contains(t, err.Error(), "…[truncated, ")
			assert.LessOrEqual(t, len(ce.Body), redact.MaxExcerpt+64)
			report := jsonText(ce)
			assert.Less(t, len(report), 16*redact.MaxExcerpt, "a JSON report of the error stays small")
			redacttest.AssertNoLeak(t, "err.Error()", err.Error(), tok)
			redacttest.AssertNoLeak(t, "JSON report", report, tok)
		})
	}
}

// echo answers every request with status and body.
func echo(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
