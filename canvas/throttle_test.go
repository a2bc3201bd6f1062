package canvas_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestThrottledResponsesAreRetried(t *testing.T) {
	for name, style := range map[string]canvastest.ThrottleStyle{"403": canvastest.Throttle403, "429": canvastest.Throttle429} {
		t.Run(name, func(t *testing.T) {
			c, srv := newFake(t)
			srv.SetThrottle(&canvastest.Throttle{HighWater: 1e9, Outflow: 1, Style: style})
			srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
			srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Throttle: true, Times: 2})
			got, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
			require.NoError(t, err)
			assert.Equal(t, "X", got.Name)
			assert.Equal(t, 3, srv.Calls()["GET courses/{id}"])
			assert.Equal(t, int64(2), c.RateLimit().Throttled)

			// Writes are retried on throttling too: the request never ran.
			srv.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/courses", Throttle: true, Times: 1})
			_, err = c.Courses.Create(t.Context(), canvas.Self, canvas.CourseParams{Name: canvas.Ptr("Y")})
			require.NoError(t, err)
			assert.Len(t, srv.Courses(), 2)

			// Past the retry budget the error says throttled, not forbidden.
			srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Throttle: true})
			_, err = c.Courses.Get(t.Context(), canvas.SISCourse("X"))
			assert.True(t, errors.Is(err, canvas.ErrThrottled), "%v", err)
			assert.False(t, errors.Is(err, canvas.ErrForbidden))
		})
	}
}

func TestPlainForbiddenIsNotRetried(t *testing.T) {
	c, srv := newFake(t)
	srv.InjectFault(canvastest.Fault{Endpoint: "GET accounts/{id}", Status: http.StatusForbidden,
		Body: `{"status":"unauthorized","errors":[{"message":"user not authorized to perform that action"}]}`})
	_, err := c.Accounts.Get(t.Context(), canvas.Self)
	assert.True(t, errors.Is(err, canvas.ErrForbidden), "%v", err)
	assert.False(t, errors.Is(err, canvas.ErrThrottled))
	assert.Contains(t, err.Error(), "user not authorized")
	assert.Equal(t, 1, srv.Calls()["GET accounts/{id}"])
}

// A real leaky bucket: without pacing a fast sequential client hits the
// limit and survives on retries; with pacing it never gets throttled.
func TestLeakyBucketAndPacing(t *testing.T) {
	bucket := canvastest.Throttle{HighWater: 100, Outflow: 1000, UpFront: 50, Cost: 20, Style: canvastest.Throttle429}
	n := 30
	if testing.Short() {
		n = 15
	}
	t.Run("retries", func(t *testing.T) {
		_, srv := newFake(t, canvastest.WithThrottle(bucket))
		srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
		c := clientFor(t, srv, srv.AdminToken(), canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 20, MinWait: 5 * time.Millisecond, MaxWait: 20 * time.Millisecond}))
		for range n {
			_, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
			require.NoError(t, err)
		}
		st := c.RateLimit()
		assert.True(t, st.Known)
		assert.Equal(t, 20.0, st.LastCost)
		assert.Positive(t, st.Throttled, "a fast client fills the bucket")
	})
	t.Run("paced", func(t *testing.T) {
		_, srv := newFake(t, canvastest.WithThrottle(bucket))
		srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
		c := clientFor(t, srv, srv.AdminToken(), canvas.WithPacing(canvas.Pacing{LowWater: 60, Outflow: 1000, MaxWait: time.Second}))
		for range n {
			_, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
			require.NoError(t, err)
		}
		st := c.RateLimit()
		assert.Zero(t, st.Throttled)
		assert.Positive(t, st.PacedWaits)
		assert.Equal(t, 20.0*float64(n), st.TotalCost)
	})
}

func TestConcurrentUse(t *testing.T) {
	_, srv := newFake(t, canvastest.WithThrottle(canvastest.Throttle{HighWater: 400, Outflow: 2000, UpFront: 50, Cost: 5, Style: canvastest.Throttle403}))
	course := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
	c := clientFor(t, srv, srv.AdminToken(), canvas.WithMaxInFlight(3), canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 30, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sis := "U" + string(rune('A'+i))
			if _, err := c.Users.Create(t.Context(), canvas.Self, canvas.NewUser{UniqueID: sis, SISUserID: sis}); err != nil {
				errs <- err
				return
			}
			for range 3 {
				if _, err := c.Enrollments.Enroll(t.Context(), canvas.ID(course), canvas.EnrollParams{User: canvas.SISUser(sis), State: "active"}); err != nil {
					errs <- err
				}
			}
			if _, err := canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.SISCourse("C"), nil)); err != nil {
				errs <- err
			}
			_ = c.Stats()
			_ = c.RateLimit()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, srv.Enrollments(course), 8, "repeated enrollments re-use the record")
	ok := 0
	for _, call := range srv.CallLog() {
		if call.Method == http.MethodPost && call.Status == http.StatusOK {
			ok++
		}
	}
	assert.Equal(t, 8*4, ok)
	st := c.Stats()
	assert.GreaterOrEqual(t, st.Writes, int64(8*4), "throttled attempts count as writes too")
	assert.Positive(t, st.ByOp["POST courses/{id}/enrollments"])
}

// Against a bucket charged on arrival, as Canvas's is, requests in flight
// together can be refused where each alone would pass. The client's
// in-flight cap and pacing keep 8 goroutines of callers at 0 throttled
// answers with no retry to hide them; without them, the same load is
// refused.
func TestPacingHoldsUnderConcurrency(t *testing.T) {
	bucket := canvastest.Throttle{HighWater: 100, Outflow: 200, UpFront: 10, Cost: 2, Style: canvastest.Throttle403}
	load := func(c *canvas.Client) (failed int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 8 {
			wg.Go(func() {
				for range 20 {
					if _, err := c.Courses.Get(t.Context(), canvas.SISCourse("X")); err != nil {
						require.True(t, errors.Is(err, canvas.ErrThrottled), "%v", err)
						mu.Lock()
						failed++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		return failed
	}
	noRetry := canvas.WithRetry(canvas.NoRetries())

	t.Run("paced", func(t *testing.T) {
		_, srv := newFake(t, canvastest.WithThrottle(bucket), canvastest.WithLatency(time.Millisecond))
		srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
		c := clientFor(t, srv, srv.AdminToken(), noRetry, canvas.WithMaxInFlight(2),
			canvas.WithPacing(canvas.Pacing{LowWater: 30, Outflow: 200, MaxWait: time.Second}))
		assert.Zero(t, load(c), "no unrecovered throttling")
		assert.Zero(t, c.RateLimit().Throttled)
		assert.Positive(t, c.RateLimit().PacedWaits, "the bucket was used up to the pacing mark")
	})
	t.Run("unpaced", func(t *testing.T) {
		_, srv := newFake(t, canvastest.WithThrottle(bucket), canvastest.WithLatency(time.Millisecond))
		srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
		c := clientFor(t, srv, srv.AdminToken(), noRetry, canvas.WithMaxInFlight(8))
		assert.Positive(t, load(c), "8 in flight overfill the bucket")
	})
}
