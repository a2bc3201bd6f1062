package canvas_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// dialTo sends every request to addr whatever the URL's host, so a client
// can be given a base URL with a default port.
func dialTo(addr string) http.RoundTripper {
	return &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// A base URL written with the scheme's default port keeps paginating:
// Canvas builds its links without the port, and both name one origin.
func TestPaginationWithDefaultPortInBaseURL(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithPerPage(2, 2), canvastest.WithStrict())
	t.Cleanup(srv.Close)
	for i := range 5 {
		srv.SeedCourse(canvastest.Course{Name: fmt.Sprint("C", i), SISCourseID: fmt.Sprint("C", i)})
	}
	addr := strings.TrimPrefix(srv.URL(), "http://")
	c, err := canvas.New("http://canvas.test:80", srv.AdminToken(), append(fastOpts(), canvas.WithTransport(dialTo(addr)), canvas.WithPerPage(2))...)
	require.NoError(t, err)
	assert.Equal(t, "http://canvas.test/api/v1/", c.BaseURL())
	got, err := canvas.Collect(c.Courses.ListInAccount(t.Context(), canvas.Self, nil))
	require.NoError(t, err)
	assert.Len(t, got, 5)
}

// Canvas leaves Link headers out once they would pass 6 KB
// (lib/api.rb#build_links_hash); the fake does too.
func TestFakeDropsLinkHeadersPast6KB(t *testing.T) {
	// Not strict: the long parameter is one Canvas ignores.
	srv := canvastest.NewServer(canvastest.WithPerPage(1, 1))
	t.Cleanup(srv.Close)
	srv.SeedCourse(canvastest.Course{Name: "A", SISCourseID: "A"})
	srv.SeedCourse(canvastest.Course{Name: "B", SISCourseID: "B"})
	get := func(q string) http.Header {
		req, err := http.NewRequest("GET", srv.URL()+"/api/v1/accounts/self/courses?"+q, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.AdminToken())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.Header
	}
	links := canvas.ParseLinkHeader(get("search_term=").Values("Link"))
	assert.Contains(t, links, "next")
	assert.Contains(t, links, "last")
	// Each link ~2 KB: next and last fit, prev/current/first do not.
	h := get("x=" + strings.Repeat("a", 2500))
	links = canvas.ParseLinkHeader(h.Values("Link"))
	assert.Contains(t, links, "next")
	assert.Contains(t, links, "last")
	assert.NotContains(t, links, "current")
	// One link over 6 KB: no Link header at all.
	assert.Empty(t, get("x="+strings.Repeat("a", 6200)).Values("Link"))
}

// A long SIS ID filter is split into queries short enough for Canvas to
// send their links, so every enrollment is listed; without the split the
// listing would end after the first page.
func TestLongIDFilterIsSplit(t *testing.T) {
	c, srv := newFake(t)
	course := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
	var ids []string
	for i := range 250 {
		sis := fmt.Sprintf("learner-%04d-%s", i, strings.Repeat("x", 40))
		u := srv.SeedUser(canvastest.User{Name: sis, LoginID: sis, SISUserID: sis})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
		ids = append(ids, sis)
	}
	srv.ResetCalls()
	got, err := canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.ID(course), &canvas.ListEnrollmentsOptions{SISUserIDs: ids}))
	require.NoError(t, err)
	assert.Len(t, got, 250)
	for _, call := range srv.CallLog() {
		assert.Less(t, len(call.Query), 6*1024, "every query short enough for its links")
	}
	assert.Greater(t, srv.Calls()["GET courses/{id}/enrollments"], 3, "split into several queries")
}

// A full page with no next link on a query too long for Canvas's Link
// header is an error, never the end of the listing.
func TestFullPageWithoutNextOnLongQueryIsAnError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"id":%d}`, i+1)
		}
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL, "tok", append(fastOpts(), canvas.WithPerPage(5))...)
	require.NoError(t, err)
	_, err = canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.ID(1), &canvas.ListEnrollmentsOptions{Role: []string{strings.Repeat("r", 6500)}}))
	assert.ErrorIs(t, err, canvas.ErrLinkDropped)
	got, err := canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.ID(1), nil))
	require.NoError(t, err, "a short query's full last page is just the end")
	assert.Len(t, got, 5)
}

// A server that invents a fresh next page every time is stopped at what
// the listing can plausibly hold, not followed toward 100,000 pages
// (issue 18 item 7).
func TestEndlessPaginationIsBounded(t *testing.T) {
	endless := func(perPage int) (*httptest.Server, *atomic.Int64) {
		var hits atomic.Int64
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := hits.Add(1)
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d&per_page=%d>; rel="next"`, r.Host, r.URL.Path, n+1, perPage))
			items := make([]string, perPage)
			for i := range items {
				items[i] = fmt.Sprintf(`{"id":%d}`, int(n)*perPage+i+1)
			}
			_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
		}))
		t.Cleanup(ts.Close)
		return ts, &hits
	}
	for _, tc := range []struct {
		name    string
		perPage int
		opts    []canvas.Option
		run     func(*canvas.Client) error
		maxHits int64
	}{
		{"WithMaxListItems", 100, []canvas.Option{canvas.WithMaxListItems(250)}, func(c *canvas.Client) error {
			_, err := canvas.Collect(c.Courses.ListInAccount(t.Context(), canvas.Self, nil))
			return err
		}, 3},
		{"one user's enrollments in a course", 100, nil, func(c *canvas.Client) error {
			_, err := canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.ID(1), &canvas.ListEnrollmentsOptions{User: canvas.SISUser("u")}))
			return err
		}, 11},
		{"empty pages", 0, nil, func(c *canvas.Client) error {
			_, err := canvas.Collect(c.Courses.ListInAccount(t.Context(), canvas.Self, nil))
			return err
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, hits := endless(tc.perPage)
			c, err := canvas.New(ts.URL, "tok", append(fastOpts(), tc.opts...)...)
			require.NoError(t, err)
			assert.ErrorIs(t, tc.run(c), canvas.ErrListingTooLong)
			assert.LessOrEqual(t, hits.Load(), tc.maxHits)
		})
	}
}

// More than 100 explicit student IDs, which Canvas refuses with 400 "too
// many students", are sent as listings of at most 100.
func TestManyStudentIDsAreSplit(t *testing.T) {
	c, srv := newFake(t)
	course := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C", WorkflowState: "available"})
	a := srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "A", PointsPossible: 10, Published: true})
	var refs []canvas.UserRef
	for i := range 150 {
		sis := fmt.Sprintf("S%03d", i)
		u := srv.SeedUser(canvastest.User{Name: sis, LoginID: sis, SISUserID: sis})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
		score := 5.0
		srv.SeedSubmission(canvastest.Submission{AssignmentID: a, UserID: u, Score: &score, WorkflowState: "graded"})
		refs = append(refs, canvas.SISUser(sis))
	}
	srv.ResetCalls()
	got, err := canvas.Collect(c.Submissions.ListForStudents(t.Context(), canvas.ID(course), &canvas.StudentSubmissionsOptions{StudentIDs: refs}))
	require.NoError(t, err)
	assert.Len(t, got, 150)
	assert.Equal(t, 2, srv.Calls()["GET courses/{id}/students/submissions"], "100 + 50")
}
