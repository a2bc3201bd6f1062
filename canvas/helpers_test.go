package canvas_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// fastOpts keep tests quick: no client-side rate limit, millisecond retry
// waits, no pacing.
func fastOpts() []canvas.Option {
	return []canvas.Option{
		canvas.WithRateLimit(rate.Inf, 0),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 4, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
		canvas.WithPacing(canvas.Pacing{}),
		canvas.WithMaxInFlight(0),
	}
}

func newFake(t *testing.T, opts ...canvastest.Option) (*canvas.Client, *canvastest.Server) {
	t.Helper()
	// The SDK's own tests run the fake strict: an undocumented parameter
	// fails the test.
	srv := canvastest.NewServer(append([]canvastest.Option{canvastest.WithStrict()}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := canvas.New(srv.URL(), srv.AdminToken(), fastOpts()...)
	require.NoError(t, err)
	return c, srv
}

func clientFor(t *testing.T, srv *canvastest.Server, token string, extra ...canvas.Option) *canvas.Client {
	t.Helper()
	c, err := canvas.New(srv.URL(), token, append(fastOpts(), extra...)...)
	require.NoError(t, err)
	return c
}
