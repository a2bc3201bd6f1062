package canvas_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
)

// stalling sends a 200 with headers and the start of a body, then stalls
// until the client goes away (or, with silent, stalls before any header).
func stalling(t *testing.T, silent bool) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !silent {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			_, _ = io.WriteString(w, `{"id":1,`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

// A server that sends headers and then stalls must not hold a call for
// ever: the client's own deadlines cover reading the body.
func TestStalledServerTimesOut(t *testing.T) {
	tests := []struct {
		name   string
		silent bool
		opt    canvas.Option
	}{
		{"attempt deadline, headers then stall", false, canvas.WithAttemptTimeout(50 * time.Millisecond)},
		{"call deadline, headers then stall", false, canvas.WithTimeout(50 * time.Millisecond)},
		{"attempt deadline, no headers, retried then given up", true, canvas.WithAttemptTimeout(30 * time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := stalling(t, tt.silent)
			c, err := canvas.New(srv.URL, "tok-12345", append(fastOpts(), tt.opt)...)
			require.NoError(t, err)
			done := make(chan error, 1)
			go func() {
				_, err := c.Courses.Get(context.Background(), canvas.ID(1))
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the call hung on a stalled server")
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout())
		})
	}
}

func TestTimeoutOptionsRejectNegatives(t *testing.T) {
	for _, opt := range []canvas.Option{canvas.WithTimeout(-time.Second), canvas.WithAttemptTimeout(-time.Second)} {
		_, err := canvas.New("https://canvas.example", "tok-12345", opt)
		assert.Error(t, err)
	}
}
