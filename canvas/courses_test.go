package canvas_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestCoursesLifecycle(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()

	start := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	created, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{
		Name: canvas.Ptr("Leadership"), CourseCode: canvas.Ptr("BSBLDR501"),
		SISCourseID: canvas.Ptr("BSBLDR501-2026"), StartAt: &start,
		RestrictEnrollmentsToCourseDates: canvas.Ptr(true), Offer: true,
	})
	require.NoError(t, err)
	assert.Equal(t, "BSBLDR501-2026", created.SISCourseID)
	assert.Equal(t, "BSBLDR501", created.CourseCode)
	assert.Equal(t, canvas.CourseAvailable, created.WorkflowState)
	require.NotNil(t, created.StartAt)
	assert.True(t, start.Equal(*created.StartAt))

	got, err := c.Courses.Get(ctx, canvas.SISCourse("BSBLDR501-2026"))
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)

	upd, err := c.Courses.Update(ctx, got.ID, canvas.CourseParams{Name: canvas.Ptr("Leadership 2"), TimeZone: canvas.Ptr("Australia/Perth")})
	require.NoError(t, err)
	assert.Equal(t, "Leadership 2", upd.Name)
	assert.Equal(t, "BSBLDR501", upd.CourseCode, "unset fields are kept")
	assert.Equal(t, "Australia/Perth", upd.TimeZone)

	_, err = c.Courses.Update(ctx, got.ID, canvas.CourseParams{TimeZone: canvas.Ptr("Mars/Olympus")})
	assert.ErrorIs(t, err, canvas.ErrInvalid)

	require.NoError(t, c.Courses.Conclude(ctx, canvas.SISCourse("BSBLDR501-2026")))
	got, err = c.Courses.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, canvas.CourseCompleted, got.WorkflowState)

	require.NoError(t, c.Courses.Delete(ctx, created.ID))
	_, err = c.Courses.Get(ctx, created.ID)
	assert.True(t, errors.Is(err, canvas.ErrNotFound), "%v", err)
	assert.Len(t, srv.Courses(), 1)
	assert.Equal(t, "deleted", srv.Courses()[0].WorkflowState)

	// The SIS ID of a deleted course stays reserved unless reactivation is asked for.
	_, err = c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{SISCourseID: canvas.Ptr("BSBLDR501-2026")})
	assert.True(t, errors.Is(err, canvas.ErrSISIDTaken), "%v", err)
	revived, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{SISCourseID: canvas.Ptr("BSBLDR501-2026"), EnableSISReactivation: true})
	require.NoError(t, err)
	assert.Equal(t, created.ID, revived.ID)
}

func TestCourseDuplicateSISIDError(t *testing.T) {
	c, _ := newFake(t)
	ctx := t.Context()
	_, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{SISCourseID: canvas.Ptr("DUP")})
	require.NoError(t, err)
	_, err = c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{SISCourseID: canvas.Ptr("DUP")})
	require.Error(t, err)
	var ce *canvas.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 400, ce.StatusCode)
	assert.True(t, errors.Is(err, canvas.ErrSISIDTaken))
	assert.ErrorIs(t, err, canvas.ErrInvalid)
	assert.False(t, errors.Is(err, canvas.ErrLoginTaken))
	require.Len(t, ce.Fields, 1)
	assert.Equal(t, "sis_source_id", ce.Fields[0].Path)
	assert.Contains(t, err.Error(), `SIS ID "DUP" is already in use`)
	assert.Contains(t, err.Error(), "POST")
}

// A SIS ID with "/", ".", "%" and non-ASCII characters must reach Canvas
// escaped exactly as documented and find the same object back.
func TestSISIDEscapingOnTheWire(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	const sisID = "CS/101.11é%x"
	created, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("CS"), SISCourseID: canvas.Ptr(sisID)})
	require.NoError(t, err)
	assert.Equal(t, sisID, created.SISCourseID)

	got, err := c.Courses.Get(ctx, canvas.SISCourse(sisID))
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)

	sec, err := c.Sections.Create(ctx, canvas.SISCourse(sisID), canvas.SectionParams{SISSectionID: canvas.Ptr("S/1.ü")})
	require.NoError(t, err)
	secs, err := canvas.Collect(c.Sections.List(ctx, canvas.SISCourse(sisID)))
	require.NoError(t, err)
	require.Len(t, secs, 1)
	assert.Equal(t, sec.ID, secs[0].ID)

	log := srv.CallLog()
	require.GreaterOrEqual(t, len(log), 4)
	assert.Equal(t, "/api/v1/courses/sis_course_id:CS%2F101%2E11%C3%A9%25x", log[1].RawPath)
	assert.Equal(t, "GET courses/{id}", log[1].Endpoint)
	assert.Equal(t, "/api/v1/courses/sis_course_id:CS%2F101%2E11%C3%A9%25x/sections", log[3].RawPath)

	// The unescaped form would be a different path: Canvas would not find it.
	_, err = c.Courses.Get(ctx, canvas.SISCourse("CS"))
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
}

func TestSISFieldsNeedManageSIS(t *testing.T) {
	_, srv := newFake(t)
	plain := clientFor(t, srv, srv.NewToken(false))
	ctx := t.Context()
	course, err := plain.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("X"), SISCourseID: canvas.Ptr("X1")})
	require.NoError(t, err)
	assert.Empty(t, course.SISCourseID, "SIS ID silently dropped without manage_sis")
	stored := srv.Courses()
	require.Len(t, stored, 1)
	assert.Empty(t, stored[0].SISCourseID)

	srv.SeedCourse(canvastest.Course{Name: "Seeded", SISCourseID: "SEEDED"})
	got, err := plain.Courses.Get(ctx, canvas.SISCourse("SEEDED"))
	require.NoError(t, err, "lookups by SIS ID work, fields are hidden")
	assert.Empty(t, got.SISCourseID)

	sec, err := plain.Sections.Create(ctx, course.ID, canvas.SectionParams{Name: canvas.Ptr("A")})
	require.NoError(t, err)
	_, err = plain.Sections.Update(ctx, sec.ID, canvas.SectionParams{SISSectionID: canvas.Ptr("A1")})
	assert.True(t, errors.Is(err, canvas.ErrForbidden), "%v", err)
	assert.False(t, errors.Is(err, canvas.ErrUnauthorized))

	_, err = plain.GroupCategories.Create(ctx, course.ID, canvas.GroupCategoryParams{Name: "G", SISGroupCategoryID: "G1"})
	assert.True(t, errors.Is(err, canvas.ErrForbidden), "%v", err)
}

func TestListCoursesInAccountPages(t *testing.T) {
	c, srv := newFake(t)
	sub := srv.SeedAccount(canvastest.Account{Name: "Business", SISAccountID: "BUS"})
	for i := range 7 {
		srv.SeedCourse(canvastest.Course{AccountID: sub, Name: "C" + string(rune('A'+i)), CourseCode: "CODE" + string(rune('A'+i))})
	}
	srv.SeedCourse(canvastest.Course{Name: "Elsewhere"})
	srv.SeedCourse(canvastest.Course{AccountID: sub, Name: "Gone", WorkflowState: "deleted"})
	c2 := clientFor(t, srv, srv.AdminToken(), canvas.WithPerPage(3))
	courses, err := canvas.Collect(c2.Courses.ListInAccount(t.Context(), canvas.SISAccount("BUS"), nil))
	require.NoError(t, err)
	assert.Len(t, courses, 7)
	assert.Equal(t, 3, srv.Calls()["GET accounts/{id}/courses"], "7 courses at 3 per page")
	for _, co := range courses {
		assert.True(t, strings.HasPrefix(co.CourseCode, "CODE"))
	}

	all, err := canvas.Collect(c.Courses.ListInAccount(t.Context(), canvas.Self, &canvas.ListCoursesOptions{State: []string{"all"}}))
	require.NoError(t, err)
	assert.Len(t, all, 9)

	found, err := canvas.Collect(c.Courses.ListInAccount(t.Context(), canvas.Self, &canvas.ListCoursesOptions{SearchTerm: "codec"}))
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, "CC", found[0].Name)
}

func TestAccounts(t *testing.T) {
	c, srv := newFake(t)
	sub := srv.SeedAccount(canvastest.Account{Name: "Trades", SISAccountID: "TRD", DefaultTimeZone: "Australia/Perth"})
	srv.SeedAccount(canvastest.Account{Name: "Plumbing", ParentID: sub})
	root, err := c.Accounts.Get(t.Context(), canvas.Self)
	require.NoError(t, err)
	assert.Equal(t, canvas.ID(canvastest.RootAccountID), root.ID)
	assert.Equal(t, canvastest.DefaultAccountTimeZone, root.DefaultTimeZone, "an account seeded without a zone")
	a, err := c.Accounts.Get(t.Context(), canvas.SISAccount("TRD"))
	require.NoError(t, err)
	assert.Equal(t, "Trades", a.Name)
	assert.Equal(t, "TRD", a.SISAccountID)
	assert.Equal(t, "Australia/Perth", a.DefaultTimeZone)
	all, err := canvas.Collect(c.Accounts.List(t.Context()))
	require.NoError(t, err)
	assert.Len(t, all, 3)
	direct, err := canvas.Collect(c.Accounts.ListSubAccounts(t.Context(), canvas.Self, false))
	require.NoError(t, err)
	assert.Len(t, direct, 1)
	deep, err := canvas.Collect(c.Accounts.ListSubAccounts(t.Context(), canvas.Self, true))
	require.NoError(t, err)
	assert.Len(t, deep, 2)
}
