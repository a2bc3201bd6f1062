package canvas_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestEnrollmentLifecycle(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	course := srv.SeedCourse(canvastest.Course{Name: "IST", SISCourseID: "IST101"})
	srv.SeedSection(canvastest.Section{CourseID: course, Name: "Mon", SISSectionID: "IST101-MON"})
	srv.SeedUser(canvastest.User{Name: "Learner One", LoginID: "l1", SISUserID: "L1"})

	e, err := c.Enrollments.EnrollInSection(ctx, canvas.SISSection("IST101-MON"), canvas.EnrollParams{
		User: canvas.SISUser("L1"), State: canvas.EnrollmentActive, Notify: canvas.Ptr(false),
	})
	require.NoError(t, err)
	assert.Equal(t, canvas.StudentEnrollment, e.Type)
	assert.Equal(t, canvas.EnrollmentActive, e.EnrollmentState)
	assert.Equal(t, "IST101-MON", e.SISSectionID)
	assert.Equal(t, "L1", e.SISUserID)
	require.NotNil(t, e.User)
	assert.Equal(t, "Learner One", e.User.Name)

	// Re-enrolling re-uses the enrollment.
	again, err := c.Enrollments.Enroll(ctx, canvas.SISCourse("IST101"), canvas.EnrollParams{
		User: canvas.SISUser("L1"), Section: canvas.SISSection("IST101-MON"), State: canvas.EnrollmentActive,
	})
	require.NoError(t, err)
	assert.Equal(t, e.ID, again.ID)
	assert.Len(t, srv.Enrollments(course), 1)

	in, err := c.Enrollments.Inactivate(ctx, canvas.SISCourse("IST101"), e.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.EnrollmentInactive, in.EnrollmentState)
	re, err := c.Enrollments.Reactivate(ctx, canvas.SISCourse("IST101"), e.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.EnrollmentActive, re.EnrollmentState)

	_, err = c.Enrollments.Reactivate(ctx, canvas.SISCourse("IST101"), e.ID)
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "enrollment not inactive")

	done, err := c.Enrollments.Conclude(ctx, canvas.SISCourse("IST101"), e.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.EnrollmentCompleted, done.EnrollmentState)

	// Default listing hides completed; all states show it.
	def, err := canvas.Collect(c.Enrollments.ListByCourse(ctx, canvas.SISCourse("IST101"), nil))
	require.NoError(t, err)
	assert.Empty(t, def)
	all, err := canvas.Collect(c.Enrollments.ListByCourse(ctx, canvas.SISCourse("IST101"), &canvas.ListEnrollmentsOptions{State: canvas.AllEnrollmentStates()}))
	require.NoError(t, err)
	require.Len(t, all, 1)

	del, err := c.Enrollments.Delete(ctx, canvas.SISCourse("IST101"), e.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.EnrollmentDeleted, del.EnrollmentState)

	// Enrolling again revives the same record.
	back, err := c.Enrollments.EnrollInSection(ctx, canvas.SISSection("IST101-MON"), canvas.EnrollParams{User: canvas.SISUser("L1"), State: canvas.EnrollmentActive})
	require.NoError(t, err)
	assert.Equal(t, e.ID, back.ID)
	assert.Equal(t, canvas.EnrollmentActive, back.EnrollmentState)

	got, err := c.Enrollments.Get(ctx, canvas.Self, e.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.EnrollmentActive, got.EnrollmentState)

	byUser, err := canvas.Collect(c.Enrollments.ListByUser(ctx, canvas.SISUser("L1"), nil))
	require.NoError(t, err)
	assert.Len(t, byUser, 1)
}

func TestEnrollmentErrors(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	course := srv.SeedCourse(canvastest.Course{Name: "Done", SISCourseID: "DONE", WorkflowState: "completed"})
	open := srv.SeedCourse(canvastest.Course{Name: "Open", SISCourseID: "OPEN"})
	srv.SeedUser(canvastest.User{Name: "L", LoginID: "l", SISUserID: "L"})
	_ = course

	_, err := c.Enrollments.Enroll(ctx, canvas.SISCourse("DONE"), canvas.EnrollParams{User: canvas.SISUser("L")})
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "concluded course")

	_, err = c.Enrollments.Enroll(ctx, canvas.ID(open), canvas.EnrollParams{User: canvas.SISUser("ghost")})
	assert.True(t, errors.Is(err, canvas.ErrNotFound))

	_, err = c.Enrollments.Enroll(ctx, canvas.ID(open), canvas.EnrollParams{User: canvas.SISUser("L"), Type: "WizardEnrollment"})
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "Invalid type")

	_, err = c.Enrollments.End(ctx, canvas.ID(open), 999999, canvas.TaskDelete)
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
}

// Enrollments are always bookmark-paginated; the iterator must follow the
// opaque next links.
func TestEnrollmentsBookmarkPages(t *testing.T) {
	_, srv := newFake(t)
	course := srv.SeedCourse(canvastest.Course{Name: "Big", SISCourseID: "BIG"})
	for i := range 23 {
		u := srv.SeedUser(canvastest.User{Name: fmt.Sprintf("L%02d", i), LoginID: fmt.Sprintf("l%02d", i), SISUserID: fmt.Sprintf("L%02d", i)})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
	}
	c := clientFor(t, srv, srv.AdminToken(), canvas.WithPerPage(5))
	var ids []canvas.ID
	for e, err := range c.Enrollments.ListByCourse(t.Context(), canvas.SISCourse("BIG"), nil) {
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	assert.Len(t, ids, 23)
	seen := map[canvas.ID]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "duplicate %d", id)
		seen[id] = true
	}
	log := srv.CallLog()
	require.Len(t, log, 5)
	for _, call := range log[1:] {
		assert.True(t, strings.Contains(call.Query, "page=bookmark"), call.Query)
	}

	// Breaking out of the loop stops fetching.
	srv.ResetCalls()
	for range c.Enrollments.ListByCourse(t.Context(), canvas.SISCourse("BIG"), nil) {
		break
	}
	assert.Len(t, srv.CallLog(), 1)
}

func TestLowercaseLinkHeader(t *testing.T) {
	_, srv := newFake(t, canvastest.WithLowercaseLinkHeader())
	course := srv.SeedCourse(canvastest.Course{Name: "X"})
	for i := range 4 {
		u := srv.SeedUser(canvastest.User{Name: fmt.Sprint(i), LoginID: fmt.Sprint(i)})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
	}
	c := clientFor(t, srv, srv.AdminToken(), canvas.WithPerPage(1))
	es, err := canvas.Collect(c.Enrollments.ListByCourse(t.Context(), canvas.ID(course), nil))
	require.NoError(t, err)
	assert.Len(t, es, 4)
}

func TestStringIDs(t *testing.T) {
	c, srv := newFake(t, canvastest.WithStringIDs())
	course := srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
	got, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
	require.NoError(t, err)
	assert.Equal(t, canvas.ID(course), got.ID)
}
