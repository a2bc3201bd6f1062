package canvas_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestSectionsService(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	course := srv.SeedCourse(canvastest.Course{Name: "IST", SISCourseID: "IST101"})
	u := srv.SeedUser(canvastest.User{Name: "L", LoginID: "l", SISUserID: "L"})
	a := srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "A (IST101)", PointsPossible: 10, Published: true})

	sec, err := c.Sections.Create(ctx, canvas.SISCourse("IST101"), canvas.SectionParams{Name: canvas.Ptr("Tue"), SISSectionID: canvas.Ptr("IST101-TUE")})
	require.NoError(t, err)
	assert.Equal(t, "IST101", sec.SISCourseID)
	_, err = c.Sections.Create(ctx, canvas.SISCourse("IST101"), canvas.SectionParams{Name: canvas.Ptr("Dup"), SISSectionID: canvas.Ptr("IST101-TUE")})
	assert.True(t, errors.Is(err, canvas.ErrSISIDTaken))

	got, err := c.Sections.Get(ctx, canvas.SISSection("IST101-TUE"))
	require.NoError(t, err)
	assert.Equal(t, "Tue", got.Name)
	upd, err := c.Sections.Update(ctx, got.ID, canvas.SectionParams{Name: canvas.Ptr("Tuesday"), SISSectionID: canvas.Ptr("IST101-TUESDAY")})
	require.NoError(t, err)
	assert.Equal(t, "IST101-TUESDAY", upd.SISSectionID)

	_, err = c.Enrollments.EnrollInSection(ctx, canvas.SISSection("IST101-TUESDAY"), canvas.EnrollParams{User: canvas.ID(u), State: "active"})
	require.NoError(t, err)
	es, err := canvas.Collect(c.Enrollments.ListBySection(ctx, canvas.SISSection("IST101-TUESDAY"), &canvas.ListEnrollmentsOptions{Type: []canvas.EnrollmentType{canvas.StudentEnrollment}}))
	require.NoError(t, err)
	require.Len(t, es, 1)
	subs, err := canvas.Collect(c.Submissions.ListForSectionStudents(ctx, canvas.SISSection("IST101-TUESDAY"), nil))
	require.NoError(t, err)
	require.Len(t, subs, 1)
	assert.Equal(t, canvas.ID(a), subs[0].AssignmentID)

	withCount, err := canvas.Collect(c.Sections.List(ctx, canvas.ID(course), "total_students"))
	require.NoError(t, err)
	require.Len(t, withCount, 1)
	require.NotNil(t, withCount[0].TotalStudents)
	assert.Equal(t, 1, *withCount[0].TotalStudents)

	del, err := c.Sections.Delete(ctx, canvas.SISSection("IST101-TUESDAY"))
	require.NoError(t, err)
	assert.Equal(t, sec.ID, del.ID)
	_, err = c.Sections.Get(ctx, sec.ID)
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
}

// The parameters must reach Canvas in Rails form, with the headers Canvas
// expects.
func TestRequestsOnTheWire(t *testing.T) {
	var mu sync.Mutex
	var reqs []*http.Request
	var bodies []url.Values
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		mu.Lock()
		reqs = append(reqs, r)
		bodies = append(bodies, form)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"id":1}`))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL+"/api/v1/", "tok", append(fastOpts(), canvas.WithUserAgent("vtsync-test/2"),
		canvas.WithTimeout(5*time.Second), canvas.WithTransport(http.DefaultTransport))...)
	require.NoError(t, err)
	ctx := t.Context()
	start := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("AEDT", 11*3600))
	_, err = c.Enrollments.Enroll(ctx, canvas.SISCourse("C1"), canvas.EnrollParams{
		User: canvas.SISUser("VT/1"), Section: canvas.SISSection("S.1"), State: canvas.EnrollmentActive,
		Notify: canvas.Ptr(false), StartAt: &start,
	})
	require.NoError(t, err)
	_, err = c.Courses.Update(ctx, canvas.ID(5), canvas.CourseParams{EndAt: &time.Time{}, Event: "offer"})
	require.NoError(t, err)
	_, err = canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(5), &canvas.StudentSubmissionsOptions{AssignmentIDs: []canvas.ID{7, 8}}))
	require.Error(t, err, "the stub answers an object, not a list")

	require.Len(t, reqs, 3)
	r := reqs[0]
	assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"))
	assert.Equal(t, "vtsync-test/2", r.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(t, "/api/v1/courses/sis_course_id:C1/enrollments", r.URL.EscapedPath())
	assert.Equal(t, url.Values{
		"enrollment[user_id]":           {"sis_user_id:VT/1"},
		"enrollment[type]":              {"StudentEnrollment"},
		"enrollment[enrollment_state]":  {"active"},
		"enrollment[course_section_id]": {"sis_section_id:S.1"},
		"enrollment[notify]":            {"false"},
		"enrollment[start_at]":          {"2026-02-28T22:30:00Z"},
	}, bodies[0])
	assert.Equal(t, url.Values{"course[end_at]": {""}, "course[event]": {"offer"}}, bodies[1], "zero time clears, nil is not sent")
	assert.Equal(t, url.Values{"student_ids[]": {"all"}, "assignment_ids[]": {"7", "8"}, "per_page": {"100"}}, reqs[2].URL.Query())
}
