package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallingServer answers with the given behaviour on each call (1-based):
// "headers" sends a 200 with a partial body and then stalls, "silent"
// stalls before any header, anything else answers "ok". Stalled handlers
// return when the client goes away or the test ends.
func stallingServer(t *testing.T, plan func(call int64) string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch plan(n.Add(1)) {
		case "headers":
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		case "silent":
		default:
			_, _ = io.WriteString(w, "ok")
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees stalled handlers
	return srv, &n
}

// within fails the test if f has not returned by the test's own bound; it
// asserts nothing about speed, only that the call does not hang.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the call hung")
	}
}

func assertTimeout(t *testing.T, err error, scope string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	var te *TimeoutError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, scope, te.Scope)
}

func TestDeadlineCoversTheBody(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		scope   string
		stalled string
	}{
		{"attempt deadline, headers then stall", Config{AttemptTimeout: 50 * time.Millisecond, Timeout: -1}, "attempt", "headers"},
		{"call deadline, headers then stall", Config{AttemptTimeout: -1, Timeout: 50 * time.Millisecond}, "call", "headers"},
		{"attempt deadline, no headers", Config{AttemptTimeout: 50 * time.Millisecond, Timeout: -1, RetryMax: -1}, "attempt", "silent"},
		{"call deadline, no headers", Config{AttemptTimeout: -1, Timeout: 50 * time.Millisecond}, "call", "silent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := stallingServer(t, func(int64) string { return tt.stalled })
			c := NewClient(tt.cfg)
			within(t, func() {
				resp, err := c.Get(srv.URL)
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				assertTimeout(t, err, tt.scope)
			})
		})
	}
}

func TestStalledAttemptIsRetriedWhenIdempotent(t *testing.T) {
	srv, calls := stallingServer(t, func(n int64) string {
		if n == 1 {
			return "silent"
		}
		return "answer"
	})
	c := NewClient(Config{AttemptTimeout: 50 * time.Millisecond, RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	within(t, func() {
		req, _ := http.NewRequestWithContext(WithIdempotent(context.Background()), http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, "ok", string(body))
	})
	assert.EqualValues(t, 2, calls.Load())
}

func TestCallersContextIsNotReportedAsOurTimeout(t *testing.T) {
	srv, _ := stallingServer(t, func(int64) string { return "silent" })
	c := NewClient(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	within(t, func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		_, err := c.Do(req)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		var te *TimeoutError
		assert.False(t, errors.As(err, &te))
	})
}

func TestDefaultDeadlines(t *testing.T) {
	tests := []struct {
		name              string
		cfg               Config
		call, attempt     time.Duration
		noCall, noAttempt bool
	}{
		{"zero config has both", Config{}, DefaultTimeout, DefaultAttemptTimeout, false, false},
		{"set values win", Config{Timeout: time.Minute, AttemptTimeout: time.Second}, time.Minute, time.Second, false, false},
		{"negative turns them off", Config{Timeout: -1, AttemptTimeout: -1}, 0, 0, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(tt.cfg)
			call, ok := c.Transport.(*deadline)
			require.Equal(t, !tt.noCall, ok)
			if ok {
				assert.Equal(t, tt.call, call.d)
			}
			attempt, ok := findAttemptDeadline(c)
			require.Equal(t, !tt.noAttempt, ok)
			if ok {
				assert.Equal(t, tt.attempt, attempt.d)
			}
		})
	}
}

// findAttemptDeadline digs the attempt layer out of a client NewClient built.
func findAttemptDeadline(c *http.Client) (*deadline, bool) {
	for rt := c.Transport; rt != nil; {
		switch l := rt.(type) {
		case *deadline:
			if l.scope == "attempt" {
				return l, true
			}
			rt = l.next
		case *retryablehttp.RoundTripper:
			rt = l.Client.HTTPClient.Transport
		case *limitRT:
			rt = l.next
		case *meterRT:
			rt = l.next
		default:
			return nil, false
		}
	}
	return nil, false
}
