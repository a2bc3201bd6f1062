package canvastest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
)

type wire struct {
	t     *testing.T
	base  string
	token string
}

func (w wire) do(method, path string, body url.Values) (*http.Response, []byte) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequestWithContext(w.t.Context(), method, w.base+path, rd)
	require.NoError(w.t, err)
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(w.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(w.t, err)
	return resp, b
}

func start(t *testing.T, opts ...canvastest.Option) (*canvastest.Server, wire) {
	srv := canvastest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, wire{t: t, base: srv.URL(), token: srv.AdminToken()}
}

func links(resp *http.Response) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(resp.Header.Get("Link"), ",") {
		u, rel, ok := strings.Cut(part, ">; rel=")
		if ok {
			out[strings.Trim(rel, `"`)] = strings.TrimPrefix(u, "<")
		}
	}
	return out
}

func TestNumberedPagination(t *testing.T) {
	srv, w := start(t)
	for i := range 25 {
		srv.SeedCourse(canvastest.Course{Name: fmt.Sprint(i)})
	}
	resp, body := w.do("GET", "/api/v1/accounts/1/courses", nil)
	require.Equal(t, 200, resp.StatusCode)
	var page []map[string]any
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Len(t, page, 10, "Canvas's default page size")
	l := links(resp)
	assert.Contains(t, l["next"], "page=2")
	assert.Contains(t, l["last"], "page=3")
	assert.NotContains(t, l, "prev")
	assert.True(t, strings.HasPrefix(l["next"], srv.URL()+"/api/v1/accounts/1/courses?"), "absolute URL")

	resp, body = w.do("GET", "/api/v1/accounts/1/courses?per_page=1000&access_token=x", nil)
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Len(t, page, 25, "clamped to 100, all fit")
	assert.NotContains(t, resp.Header.Get("Link"), "access_token")

	resp, body = w.do("GET", "/api/v1/accounts/1/courses?page=9", nil)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "[]\n", string(body), "out-of-range page is an empty list")
}

func TestBookmarkPaginationHasNoLast(t *testing.T) {
	srv, w := start(t)
	c := srv.SeedCourse(canvastest.Course{Name: "C"})
	for i := range 5 {
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: c, UserID: srv.SeedUser(canvastest.User{Name: fmt.Sprint(i)})})
	}
	resp, _ := w.do("GET", fmt.Sprintf("/api/v1/courses/%d/enrollments?per_page=2", c), nil)
	l := links(resp)
	assert.Contains(t, l["next"], "page=bookmark%3A")
	assert.NotContains(t, l, "last")

	resp, body := w.do("GET", fmt.Sprintf("/api/v1/courses/%d/enrollments?page=bookmark:garbage", c), nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.JSONEq(t, `{"errors":[{"message":"The specified resource does not exist."}]}`, string(body))
}

func TestAuthAnswers(t *testing.T) {
	_, w := start(t)
	w.token = ""
	resp, body := w.do("GET", "/api/v1/accounts/self", nil)
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, `Bearer realm="canvas-lms"`, resp.Header.Get("WWW-Authenticate"))
	assert.JSONEq(t, `{"status":"unauthenticated","errors":[{"message":"user authorization required"}]}`, string(body))

	w.token = "wrong"
	resp, body = w.do("GET", "/api/v1/accounts/self", nil)
	assert.Equal(t, 401, resp.StatusCode)
	assert.JSONEq(t, `{"errors":[{"message":"Invalid access token."}]}`, string(body))
}

// The throttle follows request_throttle.rb: the up-front cost is added on
// arrival, the request is refused when the bucket then reaches high water
// (so refusals start while X-Rate-Limit-Remaining still shows less than
// the up-front cost, not 0), and the refusal carries the real remaining.
func TestThrottleHeadersAndStyles(t *testing.T) {
	for _, style := range []canvastest.ThrottleStyle{canvastest.Throttle403, canvastest.Throttle429} {
		srv, w := start(t, canvastest.WithThrottle(canvastest.Throttle{HighWater: 100, Outflow: 0.001, UpFront: 50, Cost: 40, Style: style}))
		resp, _ := w.do("GET", "/api/v1/accounts/self", nil)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "40", resp.Header.Get("X-Request-Cost"))
		assert.Equal(t, "60", resp.Header.Get("X-Rate-Limit-Remaining")[:2])
		// 40+50 = 90 < 100: admitted, and the bucket is at 80.
		resp, _ = w.do("GET", "/api/v1/accounts/self", nil)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "20", resp.Header.Get("X-Rate-Limit-Remaining")[:2])
		// 80+50 >= 100: refused while remaining still shows 20.
		resp, body := w.do("GET", "/api/v1/accounts/self", nil)
		assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Empty(t, resp.Header.Get("X-Request-Cost"))
		assert.Empty(t, resp.Header.Get("Retry-After"))
		assert.Equal(t, "20", resp.Header.Get("X-Rate-Limit-Remaining")[:2], "the real remaining, not 0.0")
		if style == canvastest.Throttle403 {
			assert.Equal(t, 403, resp.StatusCode)
			assert.Equal(t, "403 Forbidden (Rate Limit Exceeded)\n", string(body))
		} else {
			assert.Equal(t, 429, resp.StatusCode)
			assert.Equal(t, "429 Too Many Requests (Rate Limit Exceeded)\n", string(body))
		}
		assert.InDelta(t, 80, srv.BucketLevel(w.token), 0.1, "a refused request costs nothing")
		// Another token has its own bucket.
		w2 := w
		w2.token = srv.NewToken(true)
		resp, _ = w2.do("GET", "/api/v1/accounts/self", nil)
		assert.Equal(t, 200, resp.StatusCode)
	}
}

// The bucket never holds more than Maximum (increment_bucket.lua clamps).
func TestThrottleBucketClampedAtMaximum(t *testing.T) {
	srv, w := start(t, canvastest.WithThrottle(canvastest.Throttle{HighWater: 100, Maximum: 120, Outflow: 0.001, UpFront: 10, Cost: 500}))
	resp, _ := w.do("GET", "/api/v1/accounts/self", nil)
	assert.Equal(t, "500", resp.Header.Get("X-Request-Cost"))
	assert.Equal(t, "-20", resp.Header.Get("X-Rate-Limit-Remaining")[:3], "an expensive request fills the bucket to the top, no further")
	assert.InDelta(t, 120, srv.BucketLevel(w.token), 0.1)
}

// Requests in flight at once each hold their up-front cost, so together
// they trip the throttle that each alone would pass: the charge is taken
// on arrival, not after the latency under one lock.
func TestThrottleTripsOnConcurrentRequests(t *testing.T) {
	srv, w := start(t, canvastest.WithThrottle(canvastest.Throttle{HighWater: 100, Outflow: 0.001, UpFront: 30, Cost: 0}),
		canvastest.WithLatency(50*time.Millisecond))
	resp, _ := w.do("GET", "/api/v1/accounts/self", nil)
	require.Equal(t, 200, resp.StatusCode, "one at a time never trips it")
	statuses := make(chan int, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, _ := w.do("GET", "/api/v1/accounts/self", nil)
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	refused := 0
	for st := range statuses {
		if st == 403 {
			refused++
		}
	}
	assert.Positive(t, refused, "8 in flight hold 240 > 100")
	assert.Less(t, refused, 8)
	assert.InDelta(t, 0, srv.BucketLevel(w.token), 0.1, "every reservation was given back")
}

func TestAddressingForms(t *testing.T) {
	srv, w := start(t)
	id := srv.SeedCourse(canvastest.Course{Name: "Slash", SISCourseID: "A/B.c"})
	for _, p := range []string{
		fmt.Sprint(id),
		"sis_course_id:A%2FB%2Ec",
		"sis_course_id:A%2FB.c",
		"hex:sis_course_id:412f422e63",
	} {
		resp, body := w.do("GET", "/api/v1/courses/"+p, nil)
		assert.Equal(t, 200, resp.StatusCode, p)
		assert.Contains(t, string(body), `"name":"Slash"`, p)
	}
	for _, p := range []string{"sis_course_id:A/B.c", "sis_course_id:nope", "nonsense", "123456789012345678901"} {
		resp, _ := w.do("GET", "/api/v1/courses/"+p, nil)
		assert.Equal(t, 404, resp.StatusCode, p)
	}
}

func TestJSONBodies(t *testing.T) {
	srv, w := start(t)
	req, err := http.NewRequestWithContext(t.Context(), "POST", w.base+"/api/v1/accounts/1/courses",
		strings.NewReader(`{"course":{"name":"From JSON","sis_course_id":"J1"},"offer":true}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	c, ok := srv.CourseBySISID("J1")
	require.True(t, ok)
	assert.Equal(t, "From JSON", c.Name)
	assert.Equal(t, "available", c.WorkflowState)
}

func TestSeedingRejectsBadReferences(t *testing.T) {
	srv, _ := start(t)
	assert.Zero(t, srv.SeedCourse(canvastest.Course{AccountID: 999}))
	assert.Zero(t, srv.SeedSection(canvastest.Section{CourseID: 999}))
	assert.Zero(t, srv.SeedEnrollment(canvastest.Enrollment{CourseID: 999, UserID: 1}))
	assert.Zero(t, srv.SeedAssignment(canvastest.Assignment{CourseID: 999}))
	assert.Zero(t, srv.SeedSubmission(canvastest.Submission{AssignmentID: 999}))
	assert.Zero(t, srv.SeedGroup(canvastest.Group{CategoryID: 999}))
	assert.False(t, srv.SetProgress(999, 1, 1, nil))
	assert.False(t, srv.SetGrades(999, nil, nil))
}

func TestHandlerServesElsewhereAndIsSafeWhileSeeding(t *testing.T) {
	srv := canvastest.New()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	assert.Empty(t, srv.URL())
	w := wire{t: t, base: ts.URL, token: srv.AdminToken()}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 10 {
				srv.SeedCourse(canvastest.Course{Name: fmt.Sprint(i, j)})
				_ = srv.Courses()
			}
		}()
		go func() {
			defer wg.Done()
			for range 5 {
				resp, _ := w.do("GET", "/api/v1/accounts/1/courses?per_page=100", nil)
				assert.Equal(t, 200, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, srv.Courses(), 40)
	assert.Equal(t, 20, srv.Calls()["GET accounts/{id}/courses"])
}

func TestUnroutedAndFaultCounts(t *testing.T) {
	srv, w := start(t)
	resp, _ := w.do("GET", "/api/v1/nope", nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, 1, srv.Calls()["GET (unrouted)"])

	srv.InjectFault(canvastest.Fault{Endpoint: "GET", Status: 502, Times: 2})
	for range 3 {
		w.do("GET", "/api/v1/accounts/self", nil)
	}
	var statuses []int
	for _, c := range srv.CallLog() {
		if c.Endpoint == "GET accounts/{id}" {
			statuses = append(statuses, c.Status)
		}
	}
	assert.Equal(t, []int{502, 502, 200}, statuses)
	srv.ResetCalls()
	assert.Empty(t, srv.CallLog())
}

func ExampleNewServer() {
	srv := canvastest.NewServer()
	defer srv.Close()
	course := srv.SeedCourse(canvastest.Course{Name: "Intro to IST", CourseCode: "IST101", SISCourseID: "IST101-2026"})
	srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "Written Assessment (IST101)", PointsPossible: 100, Published: true})

	req, _ := http.NewRequest("GET", srv.URL()+"/api/v1/courses/sis_course_id:IST101-2026", nil)
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var c struct {
		Name       string `json:"name"`
		CourseCode string `json:"course_code"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&c)
	fmt.Println(resp.StatusCode, c.Name, c.CourseCode)
	fmt.Println(srv.Calls())
	// Output:
	// 200 Intro to IST IST101
	// map[GET courses/{id}:1]
}
