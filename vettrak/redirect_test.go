package vettrak_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/redact/redacttest"
	"github.com/vtsync/vtsync/vettrak"
)

// The password (in the ValidateClient body) and the token (in every other
// body) must never reach another origin, and a body is never sent twice.
func TestRedirectsAreRefused(t *testing.T) {
	var awayHits atomic.Int64
	var awayBody atomic.Value
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		awayHits.Add(1)
		b, _ := io.ReadAll(r.Body)
		awayBody.Store(string(b))
		_, _ = io.WriteString(w, okLogin)
	}))
	defer away.Close()
	awayURL, _ := url.Parse(away.URL)

	tests := []struct {
		name     string
		status   int
		location func(self *url.URL) string
		// onLogin redirects the login; otherwise the login succeeds and
		// the next call (carrying the token) is redirected.
		onLogin bool
	}{
		{"login 307 to another port of the same host", http.StatusTemporaryRedirect,
			func(self *url.URL) string { return "http://" + self.Hostname() + ":" + awayURL.Port() + "/VT_API.asmx" }, true},
		{"login 302 to another host", http.StatusFound,
			func(*url.URL) string {
				return "http://localhost:" + awayURL.Port() + "/VT_API.asmx?p=" + url.QueryEscape(hostilePassword)
			}, true},
		{"login 308 on the same origin would send the password again", http.StatusPermanentRedirect,
			func(self *url.URL) string { return self.String() + "/again" }, true},
		{"call 307 to another origin with the token", http.StatusTemporaryRedirect,
			func(self *url.URL) string { return "http://" + self.Hostname() + ":" + awayURL.Port() + "/VT_API.asmx" }, false},
		{"call 301 to https on the same host", http.StatusMovedPermanently,
			func(self *url.URL) string { return "https://" + self.Host + "/VT_API.asmx" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			awayHits.Store(0)
			var again atomic.Int64
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/again") {
					again.Add(1)
				}
				login := strings.Contains(r.Header.Get("SOAPAction"), "ValidateClient")
				if login && !tt.onLogin {
					_, _ = io.WriteString(w, okLogin)
					return
				}
				self, _ := url.Parse(srv.URL)
				w.Header().Set("Location", tt.location(self))
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			api, err := vettrak.New(srv.URL+"/VT_API.asmx", vettrak.Credentials{Username: "u", Password: hostilePassword}, fastRetry)
			require.NoError(t, err)

			_, err = api.ResultTypes(context.Background())
			require.Error(t, err)
			assert.ErrorIs(t, err, vettrak.ErrRedirect)
			assert.Zero(t, awayHits.Load(), "nothing reaches another origin")
			assert.Zero(t, again.Load(), "no body is sent twice")
			redacttest.AssertNoLeak(t, "error", err.Error(), hostilePassword, cannedToken)
		})
	}
}
