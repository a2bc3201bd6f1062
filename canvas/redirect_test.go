package canvas_test

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

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/internal/redact/redacttest"
)

// hostileToken is shaped like a Canvas token but carries every character
// an encoder may touch.
const hostileToken = `7~'&7%+>-"6(+!56$0>345<tok>ABCDEFGH`

// bystander records whatever reaches it: a redirect target on another
// origin must see nothing.
func bystander(t *testing.T) (*httptest.Server, *atomic.Int64, *atomic.Value) {
	t.Helper()
	var hits atomic.Int64
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		auth.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{"id":1,"name":"stolen"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits, &auth
}

func TestRedirectsNeverLeaveTheOrigin(t *testing.T) {
	away, awayHits, awayAuth := bystander(t)
	awayURL, _ := url.Parse(away.URL)
	tests := []struct {
		name   string
		status int
		// location is built from the Canvas server's own URL.
		location func(self *url.URL) string
		call     func(ctx context.Context, c *canvas.Client) error
		// followed: the redirect stays on the origin and is followed.
		followed bool
	}{
		{"same host, another port keeps no token", http.StatusFound,
			func(self *url.URL) string {
				return "http://" + self.Hostname() + ":" + awayURL.Port() + "/api/v1/courses/1?t=" + url.QueryEscape(hostileToken)
			}, getCourse, false},
		{"another host", http.StatusMovedPermanently,
			func(*url.URL) string {
				return "http://localhost:" + awayURL.Port() + "/" + url.PathEscape(hostileToken)
			}, getCourse, false},
		{"307 re-sending a POST body", http.StatusTemporaryRedirect,
			func(self *url.URL) string { return self.String() + "/api/v1/accounts/self/courses-again" }, createCourse, false},
		{"308 re-sending a PUT body", http.StatusPermanentRedirect,
			func(self *url.URL) string { return self.String() + "/api/v1/courses/1-again" }, updateCourse, false},
		{"same origin GET is followed", http.StatusFound,
			func(self *url.URL) string { return self.String() + "/api/v1/courses/1-again" }, getCourse, true},
	}
	for _, tt := range tests {
		for _, custom := range []bool{false, true} {
			name := tt.name
			if custom {
				name += " (WithHTTPClient)"
			}
			t.Run(name, func(t *testing.T) {
				awayHits.Store(0)
				var landed atomic.Int64
				var srv *httptest.Server
				srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, "-again") {
						landed.Add(1)
						_, _ = io.WriteString(w, `{"id":1,"name":"X"}`)
						return
					}
					self, _ := url.Parse(srv.URL)
					w.Header().Set("Location", tt.location(self))
					w.WriteHeader(tt.status)
				}))
				defer srv.Close()
				opts := fastOpts()
				if custom {
					opts = append(opts, canvas.WithHTTPClient(&http.Client{}))
				}
				c, err := canvas.New(srv.URL, hostileToken, opts...)
				require.NoError(t, err)

				err = tt.call(t.Context(), c)
				if tt.followed {
					require.NoError(t, err)
					assert.EqualValues(t, 1, landed.Load())
					return
				}
				require.Error(t, err)
				assert.ErrorIs(t, err, canvas.ErrRedirect)
				assert.Zero(t, landed.Load(), "no body is sent again")
				assert.Zero(t, awayHits.Load(), "nothing reaches another origin")
				if v, _ := awayAuth.Load().(string); v != "" {
					assert.NotContains(t, v, "7~")
				}
				redacttest.AssertNoLeak(t, "error", err.Error(), hostileToken)
			})
		}
	}
}

func getCourse(ctx context.Context, c *canvas.Client) error {
	_, err := c.Courses.Get(ctx, canvas.ID(1))
	return err
}

func createCourse(ctx context.Context, c *canvas.Client) error {
	_, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("learner data")})
	return err
}

func updateCourse(ctx context.Context, c *canvas.Client) error {
	_, err := c.Courses.Update(ctx, canvas.ID(1), canvas.CourseParams{Name: canvas.Ptr("learner data")})
	return err
}
