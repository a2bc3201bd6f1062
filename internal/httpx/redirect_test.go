package httpx

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
)

// landing records what reaches a redirect target.
type landing struct {
	hits    atomic.Int64
	auth    atomic.Value // string
	body    atomic.Value // string
	methods atomic.Value // string
}

func newLanding(t *testing.T) (*httptest.Server, *landing) {
	t.Helper()
	l := &landing{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		l.auth.Store(r.Header.Get("Authorization"))
		l.body.Store(string(b))
		l.methods.Store(r.Method)
		_, _ = io.WriteString(w, "landed")
	}))
	t.Cleanup(srv.Close)
	return srv, l
}

// redirector answers every request under /go with status to location, and
// serves the target itself under /here.
func redirector(t *testing.T, status int, location func(self string) string) (*httptest.Server, *landing) {
	t.Helper()
	l := &landing{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/go") {
			w.Header().Set("Location", location(srv.URL))
			w.WriteHeader(status)
			return
		}
		l.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		l.body.Store(string(b))
		l.methods.Store(r.Method)
		_, _ = io.WriteString(w, "landed")
	}))
	t.Cleanup(srv.Close)
	return srv, l
}

// otherPort is the same host as self on another port: Go would keep the
// Authorization header there.
func otherPort(self, target string) string {
	u, _ := url.Parse(target)
	s, _ := url.Parse(self)
	return "http://" + s.Hostname() + ":" + u.Port() + "/stolen?x=1"
}

func TestRedirectPolicy(t *testing.T) {
	elsewhere, away := newLanding(t)
	tests := []struct {
		name     string
		status   int
		method   string
		location func(self string) string
		// wantErr is the refusal reason's start; "" means followed.
		wantErr    string
		wantMethod string
	}{
		{"same origin GET followed", 302, "GET", func(self string) string { return self + "/here" }, "", "GET"},
		{"relative location followed", 301, "GET", func(string) string { return "/here" }, "", "GET"},
		{"303 after POST followed as GET without body", 303, "POST", func(self string) string { return self + "/here" }, "", "GET"},
		{"same host, other port refused", 302, "GET", func(self string) string { return otherPort(self, elsewhere.URL) }, "another origin", ""},
		{"other host refused", 302, "GET", func(string) string {
			return strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1) + "/stolen"
		}, "another origin", ""},
		{"https to http refused", 302, "GET", func(self string) string { return strings.Replace(self, "http:", "https:", 1) + "/here" }, "another origin", ""},
		{"307 with a body refused", 307, "POST", func(self string) string { return self + "/here" }, "it would send the request body again", ""},
		{"308 with a body refused", 308, "PUT", func(self string) string { return self + "/here" }, "it would send the request body again", ""},
		{"307 other origin with a body refused", 307, "POST", func(self string) string { return otherPort(self, elsewhere.URL) }, "another origin", ""},
		{"loop refused", 302, "GET", func(self string) string { return self + "/go/again" }, "more than 5 redirects", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			away.hits.Store(0)
			srv, here := redirector(t, tt.status, tt.location)
			c := NewClient(Config{RetryMax: -1, Redact: func(s string) string { return strings.ReplaceAll(s, "stolen", "[M]") }})
			var body io.Reader
			if tt.method != "GET" {
				body = strings.NewReader("learner data")
			}
			req, err := http.NewRequestWithContext(context.Background(), tt.method, srv.URL+"/go", body)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer sekret-token")
			resp, err := c.Do(req)
			if tt.wantErr == "" {
				require.NoError(t, err)
				resp.Body.Close()
				assert.EqualValues(t, 1, here.hits.Load())
				assert.Equal(t, tt.wantMethod, here.methods.Load())
				assert.Empty(t, here.body.Load(), "a body is never sent twice")
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRedirect)
			var re *RedirectError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.status, re.StatusCode)
			assert.True(t, strings.HasPrefix(re.Reason, tt.wantErr), re.Reason)
			assert.NotContains(t, re.Error(), "stolen", "Location is masked (the clients drop *url.Error's raw URL)")
			assert.Zero(t, here.hits.Load(), "nothing followed")
			assert.Zero(t, away.hits.Load(), "nothing reached another origin")
		})
	}
}

func TestGuardRedirectsKeepsTheCallersPolicyAndClient(t *testing.T) {
	elsewhere, away := newLanding(t)
	srv, _ := redirector(t, 302, func(self string) string { return otherPort(self, elsewhere.URL) })
	var theirs atomic.Int64
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { theirs.Add(1); return nil }}
	g := GuardRedirects(hc, nil)
	_, err := g.Get(srv.URL + "/go")
	assert.ErrorIs(t, err, ErrRedirect)
	assert.Zero(t, away.hits.Load())
	assert.Zero(t, theirs.Load(), "ours refuses first")
	assert.NotNil(t, hc.CheckRedirect)
	resp, err := hc.Get(srv.URL + "/go")
	require.NoError(t, err, "the caller's client is not modified")
	resp.Body.Close()
	assert.EqualValues(t, 1, theirs.Load())
}

func TestSameOrigin(t *testing.T) {
	u := func(s string) *url.URL { v, _ := url.Parse(s); return v }
	assert.True(t, SameOrigin(u("https://Canvas.example/a"), u("https://canvas.example:443/b")))
	assert.True(t, SameOrigin(u("http://h/a"), u("http://h:80/b")))
	assert.False(t, SameOrigin(u("https://h/a"), u("https://h:8443/a")))
	assert.False(t, SameOrigin(u("https://h/a"), u("http://h/a")))
	assert.False(t, SameOrigin(u("https://h/a"), u("https://h.evil/a")))
}
