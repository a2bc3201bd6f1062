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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// scripted serves the given statuses in order, then 200s, counting calls.
func scripted(t *testing.T, steps []struct {
	status int
	body   string
	header map[string]string
}) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(steps) {
			for k, v := range steps[i].header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(steps[i].status)
			_, _ = io.WriteString(w, steps[i].body)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type step = struct {
	status int
	body   string
	header map[string]string
}

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name       string
		steps      []step
		idempotent bool
		wantStatus int
		wantCalls  int64
	}{
		{"429 retried even for writes", []step{{429, "", nil}}, false, 200, 2},
		{"403 rate limit retried", []step{{403, `{"errors":"403 Forbidden (Rate Limit Exceeded)"}`, nil}}, false, 200, 2},
		{"plain 403 not retried", []step{{403, `{"errors":[{"message":"user not authorized"}]}`, nil}}, true, 403, 1},
		{"503 retried when idempotent", []step{{503, "", nil}, {502, "", nil}}, true, 200, 3},
		{"503 not retried for writes", []step{{503, "", nil}}, false, 503, 1},
		{"soap fault never retried", []step{{500, `<soap:Envelope><soap:Body><soap:Fault/></soap:Body></soap:Envelope>`, nil}}, true, 500, 1},
		{"plain 500 retried when idempotent", []step{{500, "oops", nil}}, true, 200, 2},
		{"404 final", []step{{404, "", nil}}, true, 404, 1},
		{"exhausted keeps last response", []step{{503, "a", nil}, {503, "b", nil}, {503, "c", nil}}, true, 503, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := scripted(t, tt.steps)
			c := NewClient(Config{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
			ctx := context.Background()
			if tt.idempotent {
				ctx = WithIdempotent(ctx)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("x"))
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, tt.wantCalls, calls.Load())
			if tt.wantStatus == 403 {
				assert.Contains(t, string(body), "not authorized", "body must survive the peek")
			}
		})
	}
}

func TestClassifyOverrides(t *testing.T) {
	srv, calls := scripted(t, []step{{418, "", nil}})
	c := NewClient(Config{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		Classify: func(r *http.Response, _ []byte) Decision {
			if r.StatusCode == 418 {
				return Throttled
			}
			return Default
		}})
	resp, err := c.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.EqualValues(t, 2, calls.Load())
}

func TestTransportErrorRetriedOnlyWhenIdempotent(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // drop the connection
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := NewClient(Config{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})

	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, strings.NewReader("x"))
	_, err := c.Do(req)
	require.Error(t, err, "a dropped write is not repeated")

	req, _ = http.NewRequestWithContext(WithIdempotent(context.Background()), http.MethodPost, srv.URL, strings.NewReader("x"))
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}

func TestLimiterHonoursContext(t *testing.T) {
	srv, _ := scripted(t, nil)
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	c := NewClient(Config{Limiter: lim})
	resp, err := c.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err = c.Do(req)
	require.Error(t, err)
}

func TestMeterCounts(t *testing.T) {
	srv, _ := scripted(t, []step{{503, "", nil}})
	m := NewMeter(nil)
	c := NewClient(Config{Meter: m, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	req, _ := http.NewRequestWithContext(WithIdempotent(context.Background()), http.MethodGet, srv.URL+"/a", nil)
	resp, err := c.Do(req)
	require.NoError(t, err)
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	req, _ = http.NewRequestWithContext(WithWrite(context.Background(), false), http.MethodPost, srv.URL+"/soap", strings.NewReader("<x/>"))
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	s := m.Snapshot()
	assert.EqualValues(t, 3, s.Reads, "retries are counted; a POST marked as a read is a read")
	assert.EqualValues(t, 0, s.Writes)
	assert.EqualValues(t, 1, s.Failures)
	assert.EqualValues(t, 2, s.ByOp["GET /a"])
	assert.EqualValues(t, 4, s.BytesOut)
	assert.EqualValues(t, 2, s.BytesIn)
}

func TestBackoff(t *testing.T) {
	hdr := func(v string) *http.Response { return &http.Response{Header: http.Header{"Retry-After": {v}}} }
	assert.Equal(t, 2*time.Second, Backoff(time.Millisecond, time.Minute, 0, hdr("2")))
	assert.Equal(t, 10*time.Second, Backoff(time.Millisecond, 10*time.Second, 0, hdr("3600")), "Retry-After is capped")
	for attempt := range 10 {
		d := Backoff(100*time.Millisecond, time.Second, attempt, nil)
		assert.GreaterOrEqual(t, d, 100*time.Millisecond)
		assert.LessOrEqual(t, d, time.Second)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5", 5 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{"", 0, false},
		{"-3", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestReadLimited(t *testing.T) {
	b, err := ReadLimited(strings.NewReader("hello"), 5)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	_, err = ReadLimited(strings.NewReader("hello!"), 5)
	assert.ErrorIs(t, err, ErrBodyTooLarge)
}

func TestSanitizeURL(t *testing.T) {
	u, _ := url.Parse("https://user:pw@canvas.example/api/v1/courses?access_token=abc&per_page=10")
	got := SanitizeURL(u)
	assert.NotContains(t, got, "abc")
	assert.NotContains(t, got, "pw")
	assert.Contains(t, got, "per_page=10")
	assert.Equal(t, "", SanitizeURL(nil))
}
