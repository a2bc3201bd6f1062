package canvas_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// bucketTransport answers every request after a short wait with fixed
// throttle headers, and counts the requests in flight at once.
type bucketTransport struct {
	remaining, cost string
	mu              sync.Mutex
	now, most       int
}

func (b *bucketTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	b.now++
	b.most = max(b.most, b.now)
	b.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	b.mu.Lock()
	b.now--
	b.mu.Unlock()
	h := http.Header{"Content-Type": {"application/json"}, "X-Rate-Limit-Remaining": {b.remaining}, "X-Request-Cost": {b.cost}}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(`{"id":1,"name":"X"}`)), Request: r}, nil
}

// The requests in flight follow the bucket: many while it is empty and
// requests are cheap, fewer as requests get dear, one as it nears high
// water; never more than the hard cap. (The old client held two in flight
// whatever the bucket said.)
func TestInFlightFollowsTheBucket(t *testing.T) {
	for _, tc := range []struct {
		name            string
		remaining, cost string
		atLeast, atMost int
	}{
		// (600 - 150) / 50 = 9 shares of the up-front cost.
		{"empty bucket, cheap requests", "600", "0.5", 3, 9},
		// A request costing 200 holds 200 once done: (600-150)/200 = 2.
		{"empty bucket, dear requests", "600", "200", 1, 2},
		// 220 - 150 leaves room for one up-front cost.
		{"nearly full bucket", "220", "0.5", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &bucketTransport{remaining: tc.remaining, cost: tc.cost}
			c, err := canvas.New("https://canvas.example.edu", "token", canvas.WithTransport(tr),
				canvas.WithRetry(canvas.NoRetries()))
			require.NoError(t, err)
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					for range 10 {
						_, err := c.Courses.Get(t.Context(), canvas.ID(1))
						assert.NoError(t, err)
					}
				})
			}
			wg.Wait()
			assert.GreaterOrEqual(t, tr.most, tc.atLeast)
			assert.LessOrEqual(t, tr.most, tc.atMost)
			assert.Equal(t, tr.most, c.RateLimit().MaxInFlight)
		})
	}
}

// The defaults set no fixed request rate or in-flight cap of 2: on a
// bucket with room, requests go together.
func TestNoFixedRateByDefault(t *testing.T) {
	tr := &bucketTransport{remaining: "600", cost: "0.5"}
	c, err := canvas.New("https://canvas.example.edu", "token", canvas.WithTransport(tr))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				_, err := c.Courses.Get(t.Context(), canvas.ID(1))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Greater(t, c.RateLimit().MaxInFlight, 2, "more than the old fixed cap of 2")
}

// Several clients on one token, each pacing on what the shared bucket
// reports, meet Canvas's throttle (charged on arrival, as
// request_throttle.rb does) with no unrecovered refusal (a refused request
// never reached Canvas's application, so it is retried), while requests
// in flight grow past two.
func TestSharedTokenNoThrottling(t *testing.T) {
	bucket := canvastest.Throttle{HighWater: 600, Outflow: 400, UpFront: 50, Cost: 2, Style: canvastest.Throttle403}
	_, srv := newFake(t, canvastest.WithThrottle(bucket), canvastest.WithLatency(time.Millisecond))
	srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
	pacing := canvas.DefaultPacing()
	pacing.Outflow = bucket.Outflow
	var clients []*canvas.Client
	for range 3 {
		clients = append(clients, clientFor(t, srv, srv.AdminToken(), canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 5, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
			canvas.WithMaxInFlight(canvas.DefaultMaxInFlight), canvas.WithPacing(pacing)))
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		for range 8 {
			wg.Go(func() {
				for range 15 {
					_, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
					assert.NoError(t, err)
				}
			})
		}
	}
	wg.Wait()
	most, throttled := 0, int64(0)
	for _, c := range clients {
		throttled += c.RateLimit().Throttled
		most = max(most, c.RateLimit().MaxInFlight)
	}
	assert.Greater(t, most, 2, "requests in flight grew with the room in the bucket")
	refused := 0
	for _, call := range srv.CallLog() {
		if call.Status == http.StatusForbidden {
			refused++
		}
	}
	assert.Equal(t, int(throttled), refused)
	t.Logf("3 clients, 360 requests: %d refused and retried, at most %d in flight", refused, most)
}
