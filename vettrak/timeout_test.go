package vettrak_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/httpx/httpxtest"
	"github.com/vtsync/vtsync/vettrak"
)

// A server that sends headers and then stalls must not hold a call (and a
// sync run's lock) for ever: the client's own deadlines cover the body.
func TestStalledServerTimesOut(t *testing.T) {
	tests := []struct {
		name  string
		stall httpxtest.Behaviour
		opts  []vettrak.Option
	}{
		{"attempt deadline, headers then stall", httpxtest.StallAfterHeaders, []vettrak.Option{vettrak.WithAttemptTimeout(50 * time.Millisecond)}},
		{"call deadline, headers then stall", httpxtest.StallAfterHeaders, []vettrak.Option{vettrak.WithTimeout(50 * time.Millisecond)}},
		{"call deadline from WithHTTPClient", httpxtest.StallAfterHeaders, []vettrak.Option{vettrak.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond})}},
		{"attempt deadline, no headers", httpxtest.StallBeforeHeaders, []vettrak.Option{vettrak.WithAttemptTimeout(30 * time.Millisecond)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := httpxtest.Server(t, httpxtest.Always(tt.stall), `<?xml version="1.0" encoding="utf-8"?><soap:Envelope`)
			api, err := vettrak.New(srv.URL+"/VT_API.asmx", vettrak.Credentials{Username: "u", Password: "pw-123456"}, append([]vettrak.Option{fastRetry}, tt.opts...)...)
			require.NoError(t, err)
			err = httpxtest.Within(t, func() error { return api.Login(context.Background()) })
			httpxtest.AssertTimeout(t, err)
		})
	}
}

func TestTimeoutOptionsRejectNegatives(t *testing.T) {
	for _, opt := range []vettrak.Option{vettrak.WithTimeout(-time.Second), vettrak.WithAttemptTimeout(-time.Second)} {
		_, err := vettrak.New("https://vettrak.example/VT_API.asmx", vettrak.Credentials{Username: "u", Password: "pw-123456"}, opt)
		assert.Error(t, err)
	}
}
