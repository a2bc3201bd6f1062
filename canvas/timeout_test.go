package canvas_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/internal/httpx/httpxtest"
)

// A server that sends headers and then stalls must not hold a call for
// ever: the client's own deadlines cover reading the body.
func TestStalledServerTimesOut(t *testing.T) {
	tests := []struct {
		name  string
		stall httpxtest.Behaviour
		opt   canvas.Option
	}{
		{"attempt deadline, headers then stall", httpxtest.StallAfterHeaders, canvas.WithAttemptTimeout(50 * time.Millisecond)},
		{"call deadline, headers then stall", httpxtest.StallAfterHeaders, canvas.WithTimeout(50 * time.Millisecond)},
		{"attempt deadline, no headers, retried then given up", httpxtest.StallBeforeHeaders, canvas.WithAttemptTimeout(30 * time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := httpxtest.Server(t, httpxtest.Always(tt.stall), `{"id":1,`)
			c, err := canvas.New(srv.URL, "tok-12345", append(fastOpts(), tt.opt)...)
			require.NoError(t, err)
			err = httpxtest.Within(t, func() error {
				_, err := c.Courses.Get(context.Background(), canvas.ID(1))
				return err
			})
			httpxtest.AssertTimeout(t, err)
		})
	}
}

func TestTimeoutOptionsRejectNegatives(t *testing.T) {
	for _, opt := range []canvas.Option{canvas.WithTimeout(-time.Second), canvas.WithAttemptTimeout(-time.Second)} {
		_, err := canvas.New("https://canvas.example", "tok-12345", opt)
		assert.Error(t, err)
	}
}
