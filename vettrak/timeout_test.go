package vettrak_test

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

	"github.com/vtsync/vtsync/vettrak"
)

// A server that sends headers and then stalls must not hold a call (and a
// sync run's lock) for ever: the client's own deadlines cover the body.
func TestStalledServerTimesOut(t *testing.T) {
	tests := []struct {
		name   string
		silent bool // stall before any header
		opts   []vettrak.Option
	}{
		{"attempt deadline, headers then stall", false, []vettrak.Option{vettrak.WithAttemptTimeout(50 * time.Millisecond)}},
		{"call deadline, headers then stall", false, []vettrak.Option{vettrak.WithTimeout(50 * time.Millisecond)}},
		{"call deadline from WithHTTPClient", false, []vettrak.Option{vettrak.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond})}},
		{"attempt deadline, no headers", true, []vettrak.Option{vettrak.WithAttemptTimeout(30 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.silent {
					w.Header().Set("Content-Type", "text/xml; charset=utf-8")
					w.Header().Set("Content-Length", "10000")
					_, _ = io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><soap:Envelope`)
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			defer srv.Close()
			defer close(release)
			api, err := vettrak.New(srv.URL+"/VT_API.asmx", vettrak.Credentials{Username: "u", Password: "pw-123456"}, append([]vettrak.Option{fastRetry}, tt.opts...)...)
			require.NoError(t, err)

			done := make(chan error, 1)
			go func() { done <- api.Login(context.Background()) }()
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
	for _, opt := range []vettrak.Option{vettrak.WithTimeout(-time.Second), vettrak.WithAttemptTimeout(-time.Second)} {
		_, err := vettrak.New("https://vettrak.example/VT_API.asmx", vettrak.Credentials{Username: "u", Password: "pw-123456"}, opt)
		assert.Error(t, err)
	}
}
