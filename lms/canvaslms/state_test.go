package canvaslms_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

func TestReadStateKeepsAskingOrderAcrossConcurrentReads(t *testing.T) {
	l, _ := newLMS(t, canvaslms.WithConcurrency(3))
	var ask []string
	for i := range 7 {
		c, err := l.CreateCourse(t.Context(), lms.Course{SISID: fmt.Sprintf("C%d", i), Name: "x"})
		require.NoError(t, err)
		ask = append([]string{c.SISID}, ask...)
	}
	st, err := l.ReadState(t.Context(), append(ask, "missing", "C3"))
	require.NoError(t, err)
	var got []string
	for _, c := range st.Courses {
		got = append(got, c.SISID)
	}
	assert.Equal(t, ask, got)
}

func TestReadStateFailsWholeOnOneCourse(t *testing.T) {
	l, srv := newLMS(t)
	for _, id := range []string{"A", "B", "C"} {
		_, err := l.CreateCourse(t.Context(), lms.Course{SISID: id, Name: id})
		require.NoError(t, err)
	}
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}/groups", Status: 500})
	_, err := l.ReadState(t.Context(), []string{"A", "B", "C"})
	require.Error(t, err)
	var ce *canvas.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 500, ce.StatusCode)
	assert.Contains(t, err.Error(), "ReadState")
}

// What people make by hand in Canvas, and what Canvas adds on its own,
// reads the way the lms model can hold it.
func TestReadStateOfHandMadeObjects(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course"})
	require.NoError(t, err)
	cc, _ := srv.CourseBySISID(c.SISID)
	_, err = l.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1@example.com", GivenName: "Una", FamilyName: "One"})
	require.NoError(t, err)
	u1, _ := srv.UserBySISID("U1")

	handSection := srv.SeedSection(canvastest.Section{CourseID: cc.ID, Name: "Made by hand"})
	cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: cc.ID, Name: "Project teams"})
	srv.SeedGroup(canvastest.Group{CategoryID: cat, CourseID: cc.ID, Name: "Team 1", WorkflowState: "available"})
	noSIS := srv.SeedUser(canvastest.User{Name: "Test Student", LoginID: "test@example.com"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: noSIS})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: u1.ID, SectionID: handSection, State: "invited"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: u1.ID, Type: "TeacherEnrollment", State: "rejected"})

	st, err := l.ReadState(ctx, []string{c.SISID})
	require.NoError(t, err)
	assert.Empty(t, st.Sections, "sections without SIS IDs (the default one, hand-made ones) are left out")
	assert.Empty(t, st.Groups, "groups without SIS IDs are left out")
	assert.ElementsMatch(t, []lms.Enrolment{
		{UserSISID: "U1", CourseSISID: "C1", Role: lms.RoleStudent, Status: lms.StatusActive},
		{UserSISID: "U1", CourseSISID: "C1", Role: lms.RoleTeacher, Status: lms.StatusInactive},
	}, withoutIDs(st.Enrolments), "invited reads as active, rejected as inactive; the learner without a SIS ID is left out")
	require.Len(t, st.Users, 1)
	assert.Equal(t, "Una", st.Users[0].GivenName)
}

func withoutIDs(es []lms.Enrolment) []lms.Enrolment {
	out := make([]lms.Enrolment, len(es))
	for i, e := range es {
		e.ID = ""
		out[i] = e
	}
	return out
}

// In sections mode a group is a prefixed section and a membership a
// student enrollment in it; plain sections cannot take the prefix.
func TestGroupsAsSectionsInCanvas(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections), canvaslms.WithGroupSectionPrefix("occ:"))
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course"})
	require.NoError(t, err)
	_, err = l.CreateGroup(ctx, lms.Group{SISID: "1042", CourseSISID: c.SISID, Name: "2026 T1"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1@example.com"})
	require.NoError(t, err)
	require.NoError(t, l.AddMember(ctx, lms.Membership{GroupSISID: "1042", UserSISID: "U1", Status: lms.StatusActive}))

	cc, _ := srv.CourseBySISID(c.SISID)
	var sis []string
	for _, s := range srv.Sections(cc.ID) {
		sis = append(sis, s.SISSectionID)
	}
	assert.Contains(t, sis, "occ:1042")
	ens := srv.Enrollments(cc.ID)
	require.Len(t, ens, 1)
	assert.Equal(t, "StudentEnrollment", ens[0].Type)
	assert.Equal(t, "active", ens[0].State)

	_, err = l.CreateSection(ctx, lms.Section{SISID: "occ:9", CourseSISID: c.SISID, Name: "x"})
	require.ErrorIs(t, err, lms.ErrInvalid)

	require.NoError(t, l.RemoveMember(ctx, lms.Membership{GroupSISID: "1042", UserSISID: "U1", Status: lms.StatusInactive}))
	st, err := l.ReadState(ctx, []string{c.SISID})
	require.NoError(t, err)
	assert.Equal(t, []lms.Membership{{GroupSISID: "1042", UserSISID: "U1", Status: lms.StatusInactive}}, st.Memberships)
	assert.Empty(t, st.Enrolments, "the group's section enrollment is a membership, not an enrolment")
}

// Unenrol uses the task configured for the status.
func TestUnenrolTaskIsConfigurable(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithUnenrolTask(lms.StatusDeleted, canvas.TaskConclude))
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1@example.com"})
	require.NoError(t, err)
	e, err := l.Enrol(ctx, lms.Enrolment{UserSISID: "U1", CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusActive})
	require.NoError(t, err)
	e.Status = lms.StatusDeleted
	require.NoError(t, l.Unenrol(ctx, e))
	cc, _ := srv.CourseBySISID(c.SISID)
	assert.Equal(t, "completed", srv.Enrollments(cc.ID)[0].State, "deleted → conclude keeps the grades readable")

	srv.ResetCalls()
	require.NoError(t, l.Unenrol(ctx, e))
	assert.Equal(t, map[string]int{"DELETE courses/{id}/enrollments/{id}": 1}, srv.Calls(),
		"already ended, by ID: the task is sent again, one call")
	assert.Equal(t, "completed", srv.Enrollments(cc.ID)[0].State)

	srv.ResetCalls()
	e.ID = ""
	require.NoError(t, l.Unenrol(ctx, e))
	assert.Equal(t, map[string]int{"GET courses/{id}/enrollments": 1}, srv.Calls(), "already ended, no ID: one read, no write")
}

// UpdateUser reads nothing before it writes: a rename is one PUT by SIS
// ID; a login change follows from the login_id the PUT answers with; an
// update that changes nothing is the PUT alone, no login write.
func TestUpdateUserWritesWithoutReading(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	u := lms.User{SISID: "U1", Login: "old@example.com", GivenName: "Una", FamilyName: "One", Email: "old@example.com"}
	_, err := l.CreateUser(ctx, u)
	require.NoError(t, err)

	srv.ResetCalls()
	u.FamilyName = "Two"
	require.NoError(t, l.UpdateUser(ctx, u))
	assert.Equal(t, map[string]int{"PUT users/{id}": 1}, srv.Calls(), "a rename")
	got, _ := srv.UserBySISID("U1")
	assert.Equal(t, "Una Two", got.Name)
	assert.Equal(t, "Two, Una", got.SortableName)

	srv.ResetCalls()
	u.Login = "new@example.com"
	require.NoError(t, l.UpdateUser(ctx, u))
	assert.Equal(t, map[string]int{"PUT users/{id}": 1, "GET users/{id}/logins": 1, "PUT accounts/{id}/logins/{id}": 1}, srv.Calls(), "a login change")
	got, _ = srv.UserBySISID("U1")
	assert.Equal(t, "new@example.com", got.LoginID)

	srv.ResetCalls()
	require.NoError(t, l.UpdateUser(ctx, u))
	assert.Equal(t, map[string]int{"PUT users/{id}": 1}, srv.Calls(), "nothing to change")
	got, _ = srv.UserBySISID("U1")
	assert.Equal(t, "old@example.com", got.Email)
}
