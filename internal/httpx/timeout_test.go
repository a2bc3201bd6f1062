package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/httpx/httpxtest"
)

func TestDeadlineCoversTheBody(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		scope string
		stall httpxtest.Behaviour
	}{
		{"attempt deadline, headers then stall", Config{AttemptTimeout: 50 * time.Millisecond, Timeout: -1}, "attempt", httpxtest.StallAfterHeaders},
		{"call deadline, headers then stall", Config{AttemptTimeout: -1, Timeout: 50 * time.Millisecond}, "call", httpxtest.StallAfterHeaders},
		{"attempt deadline, no headers", Config{AttemptTimeout: 50 * time.Millisecond, Timeout: -1, RetryMax: -1}, "attempt", httpxtest.StallBeforeHeaders},
		{"call deadline, no headers", Config{AttemptTimeout: -1, Timeout: 50 * time.Millisecond}, "call", httpxtest.StallBeforeHeaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := httpxtest.Server(t, httpxtest.Always(tt.stall), "partial")
			c := NewClient(tt.cfg)
			err := httpxtest.Within(t, func() error {
				resp, err := c.Get(srv.URL)
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				_, err = io.ReadAll(resp.Body)
				return err
			})
			httpxtest.AssertTimeout(t, err)
			var te *TimeoutError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.scope, te.Scope)
		})
	}
}

func TestStalledAttemptIsRetriedWhenIdempotent(t *testing.T) {
	srv, calls := httpxtest.Server(t, func(n int64) httpxtest.Behaviour {
		if n == 1 {
			return httpxtest.StallBeforeHeaders
		}
		return httpxtest.Answer
	}, "ok")
	c := NewClient(Config{AttemptTimeout: 50 * time.Millisecond, RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	err := httpxtest.Within(t, func() error {
		req, _ := http.NewRequestWithContext(WithIdempotent(context.Background()), http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		assert.Equal(t, "ok", string(body))
		return err
	})
	require.NoError(t, err)
	assert.EqualValues(t, 2, calls.Load())
}

func TestCallersContextIsNotReportedAsOurTimeout(t *testing.T) {
	srv, _ := httpxtest.Server(t, httpxtest.Always(httpxtest.StallBeforeHeaders), "")
	c := NewClient(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	err := httpxtest.Within(t, func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		_, err := c.Do(req)
		return err
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	var te *TimeoutError
	assert.False(t, errors.As(err, &te))
}

func TestDefaultDeadlines(t *testing.T) {
	tests := []struct {
		name          string
		cfg           Config
		call, attempt time.Duration // 0: no such layer
	}{
		{"zero config has both", Config{}, DefaultTimeout, DefaultAttemptTimeout},
		{"set values win", Config{Timeout: time.Minute, AttemptTimeout: time.Second}, time.Minute, time.Second},
		{"negative turns them off", Config{Timeout: -1, AttemptTimeout: -1}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(tt.cfg)
			assert.Equal(t, tt.call, deadlineOf(c, "call"))
			assert.Equal(t, tt.attempt, deadlineOf(c, "attempt"))
		})
	}
	var s Settings
	require.NoError(t, s.SetTimeout(0))
	require.NoError(t, s.SetAttemptTimeout(time.Second))
	assert.Equal(t, time.Duration(-1), s.Timeout, "an option's 0 turns the deadline off")
	assert.Equal(t, time.Second, s.AttemptTimeout)
}

// deadlineOf digs the deadline layer of scope out of a client NewClient
// built; 0 when there is none.
func deadlineOf(c *http.Client, scope string) time.Duration {
	for rt := c.Transport; rt != nil; {
		switch l := rt.(type) {
		case *deadline:
			if l.scope == scope {
				return l.d
			}
			rt = l.next
		case *retryablehttp.RoundTripper:
			rt = l.Client.HTTPClient.Transport
		case *limitRT:
			rt = l.next
		case *meterRT:
			rt = l.next
		default:
			return 0
		}
	}
	return 0
}
