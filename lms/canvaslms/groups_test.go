package canvaslms_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// Groups created in parallel in one course each get a group category of
// their own (Canvas keeps a student in one group per category), the
// course's categories are listed once, not once per group, and creating a
// group again makes no second category.
func TestParallelCreateGroupOneCategoryEach(t *testing.T) {
	l, srv := newLMS(t)
	ctx := context.Background()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "IST101", Name: "Stats", Code: "IST101"})
	require.NoError(t, err)
	srv.ResetCalls()

	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = l.CreateGroup(ctx, lms.Group{SISID: fmt.Sprintf("G%d", i), CourseSISID: "IST101", Name: fmt.Sprintf("Term %d", i)})
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	cats := map[int64]int{}
	for _, g := range srv.Groups(0) {
		cats[g.CategoryID]++
	}
	assert.Len(t, cats, 6)
	for _, n := range cats {
		assert.Equal(t, 1, n, "one group per category")
	}
	assert.Equal(t, 6, srv.Calls()["POST courses/{id}/group_categories"], "%v", srv.Calls())
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}/group_categories"])
	for _, c := range srv.GroupCategories(0) {
		assert.Regexp(t, `^VETtrak occurrences: Term \d$`, c.Name)
		assert.Regexp(t, `^G\d$`, c.SISGroupCategoryID)
	}

	_, err = l.CreateGroup(ctx, lms.Group{SISID: "G1", CourseSISID: "IST101", Name: "Term 1"})
	assert.ErrorIs(t, err, lms.ErrConflict)
	assert.Equal(t, 6, srv.Calls()["POST courses/{id}/group_categories"], "the category of G1 is re-used")
}

// A course from the shared-category model: groups G1 and G2 in one
// category, John left in G2 only (Canvas removed him from G1 when G2 was
// joined). Adding John to G1 first moves G1 to a category of its own,
// keeping its members, so John ends in both; the old group keeps its
// content under a retired SIS ID that ReadState leaves out, and the next
// read finds everything in place.
func TestAddMemberLeavesSharedCategory(t *testing.T) {
	l, srv := newLMS(t)
	ctx := context.Background()
	course := srv.SeedCourse(canvastest.Course{Name: "Stats", SISCourseID: "IST101"})
	john := srv.SeedUser(canvastest.User{Name: "John Smith", LoginID: "john", SISUserID: "U1"})
	julie := srv.SeedUser(canvastest.User{Name: "Julie Nguyen", LoginID: "julie", SISUserID: "U2"})
	for _, u := range []int64{john, julie} {
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
	}
	cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: course, Name: canvaslms.DefaultGroupCategory})
	g1 := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "Term 1", SISGroupID: "G1"})
	g2 := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "Term 2", SISGroupID: "G2"})
	srv.SeedMembership(canvastest.Membership{GroupID: g1, UserID: julie})
	srv.SeedMembership(canvastest.Membership{GroupID: g2, UserID: john})

	st, err := l.ReadState(ctx, []string{"IST101"})
	require.NoError(t, err)
	require.Len(t, st.Groups, 2)
	require.NoError(t, l.AddMember(ctx, lms.Membership{GroupSISID: "G1", UserSISID: "U1", Status: lms.StatusActive}))

	st, err = l.ReadState(ctx, []string{"IST101"})
	require.NoError(t, err)
	var keys []string
	for _, m := range st.Memberships {
		if m.Status == lms.StatusActive {
			keys = append(keys, m.Key())
		}
	}
	assert.ElementsMatch(t, []string{"G1|U1", "G1|U2", "G2|U1"}, keys)
	require.Len(t, st.Groups, 2, "the retired group is not read")
	old := srv.Groups(course)
	var retired bool
	for _, g := range old {
		if g.ID == g1 {
			retired = g.SISGroupID == canvaslms.RetiredGroupSISPrefix+"G1" && g.WorkflowState != "deleted"
		}
	}
	assert.True(t, retired, "the old group stays, under a retired SIS ID: %+v", old)

	srv.ResetCalls()
	require.NoError(t, l.AddMember(ctx, lms.Membership{GroupSISID: "G1", UserSISID: "U1", Status: lms.StatusActive}))
	assert.Equal(t, map[string]int{"POST groups/{id}/memberships": 1}, srv.Calls(), "moved once only")
}

// Canvas refuses a membership without an enrollment in the group's course;
// AddMember says so with ErrNotEnrolled, whatever the auth-error style.
func TestAddMemberWithoutEnrollment(t *testing.T) {
	for _, opts := range [][]canvastest.Option{nil, {canvastest.WithAuthErrorUpdates()}} {
		srv := canvastest.NewServer(append(opts, canvastest.WithStrict())...)
		t.Cleanup(srv.Close)
		l, err := canvaslms.New(fastClient(t, srv, srv.AdminToken()))
		require.NoError(t, err)
		ctx := context.Background()
		_, err = l.CreateCourse(ctx, lms.Course{SISID: "IST101", Name: "Stats", Code: "IST101"})
		require.NoError(t, err)
		_, err = l.CreateGroup(ctx, lms.Group{SISID: "G1", CourseSISID: "IST101", Name: "Term 1"})
		require.NoError(t, err)
		_, err = l.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1", GivenName: "A", FamilyName: "B"})
		require.NoError(t, err)
		m := lms.Membership{GroupSISID: "G1", UserSISID: "U1", Status: lms.StatusActive}

		err = l.AddMember(ctx, m)
		assert.ErrorIs(t, err, canvaslms.ErrNotEnrolled)
		assert.ErrorIs(t, err, lms.ErrNotFound)

		e := lms.Enrolment{UserSISID: "U1", CourseSISID: "IST101", Role: lms.RoleStudent, Status: lms.StatusActive}
		_, err = l.Enrol(ctx, e)
		require.NoError(t, err)
		require.NoError(t, l.AddMember(ctx, m))

		// A learner whose enrollment was removed cannot be added again.
		require.NoError(t, l.RemoveMember(ctx, m))
		e.Status = lms.StatusDeleted
		require.NoError(t, l.Unenrol(ctx, e))
		assert.ErrorIs(t, l.AddMember(ctx, m), canvaslms.ErrNotEnrolled)
	}
}
