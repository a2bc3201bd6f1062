package httpx

import (
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/transport"
)

func TestSettingsRetries(t *testing.T) {
	def := transport.RetryPolicy{MaxRetries: 4, MinWait: 250 * time.Millisecond, MaxWait: 30 * time.Second}
	tests := []struct {
		name string
		in   transport.RetryPolicy
		want transport.RetryPolicy
	}{
		{"zero is the default", transport.RetryPolicy{}, def},
		{"negative MaxRetries is none, waits default", transport.NoRetries(), transport.RetryPolicy{MaxRetries: -1, MinWait: def.MinWait, MaxWait: def.MaxWait}},
		{"set fields win", transport.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond}, transport.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: def.MaxWait}},
		{"a MinWait above the default MaxWait lifts it", transport.RetryPolicy{MinWait: time.Minute}, transport.RetryPolicy{MaxRetries: 4, MinWait: time.Minute, MaxWait: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settings{Service: "x", DefaultRetry: def}
			require.NoError(t, s.SetRetry(tt.in))
			assert.Equal(t, tt.want, s.Retries())
		})
	}
}

func TestSettingsRateLimit(t *testing.T) {
	s := Settings{Service: "x"}
	shared := rate.NewLimiter(1, 1)
	require.NoError(t, s.SetLimiter(shared))
	assert.Same(t, shared, s.Limiter)
	require.NoError(t, s.SetRateLimit(rate.Inf, 0), "rate.Inf ignores the burst")
	assert.Nil(t, s.Limiter, "the last of WithRateLimit and WithLimiter wins")
	require.NoError(t, s.SetRateLimit(5, 2))
	assert.Equal(t, rate.Limit(5), s.Limiter.Limit())
	for _, bad := range []struct {
		r rate.Limit
		b int
	}{{0, 1}, {-1, 1}, {5, 0}} {
		err := s.SetRateLimit(bad.r, bad.b)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "x: invalid rate limit")
	}
}

func TestSettingsClientKeepsTheCallersClientUnderTheStack(t *testing.T) {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	theirs := &http.Client{Timeout: 7 * time.Second, Jar: jar}
	tests := []struct {
		name     string
		timeout  *time.Duration
		wantCall time.Duration
	}{
		{"the caller's Timeout bounds a call", nil, 7 * time.Second},
		{"WithTimeout wins over it", ptr(time.Minute), time.Minute},
		{"WithTimeout(0) turns the bound off", ptr(time.Duration(0)), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settings{Service: "x"}
			require.NoError(t, s.SetHTTPClient(theirs))
			if tt.timeout != nil {
				require.NoError(t, s.SetTimeout(*tt.timeout))
			}
			c := s.Client(Config{}, nil)
			assert.Equal(t, tt.wantCall, deadlineOf(c, "call"))
			assert.Equal(t, DefaultAttemptTimeout, deadlineOf(c, "attempt"))
			assert.Same(t, jar, c.Jar, "the caller's cookie jar is used")
			assert.Zero(t, c.Timeout, "the call deadline replaces http.Client.Timeout")
			assert.NotNil(t, c.CheckRedirect, "the redirect guard is on")
			assert.Nil(t, theirs.CheckRedirect, "the caller's client is not modified")
			assert.Equal(t, 7*time.Second, theirs.Timeout)
		})
	}
}

func ptr[T any](v T) *T { return &v }
