package canvaslms_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
)

// A withdrawal whose enrolment carries the Canvas ID ReadState returned
// costs one call, the DELETE; without an ID, or with one Canvas no longer
// finds, the user's enrollments in the course are listed to find it.
func TestUnenrolEndsByIDInOneCall(t *testing.T) {
	for _, tc := range []struct {
		name string
		// id picks the ID Unenrol is given from the one ReadState read.
		id        func(read string) string
		deleteOld bool // the enrollment was deleted by hand since the read
		want      map[string]int
		state     string
	}{
		{name: "ID from ReadState", id: func(read string) string { return read },
			want: map[string]int{"DELETE courses/{id}/enrollments/{id}": 1}, state: "inactive"},
		{name: "no ID (an older plan)", id: func(string) string { return "" },
			want:  map[string]int{"GET courses/{id}/enrollments": 1, "DELETE courses/{id}/enrollments/{id}": 1},
			state: "inactive"},
		{name: "not a Canvas ID", id: func(string) string { return "abc" },
			want:  map[string]int{"GET courses/{id}/enrollments": 1, "DELETE courses/{id}/enrollments/{id}": 1},
			state: "inactive"},
		{name: "ID deleted since: 404, the listing decides", id: func(read string) string { return read }, deleteOld: true,
			want: map[string]int{"DELETE courses/{id}/enrollments/{id}": 1, "GET courses/{id}/enrollments": 1}, state: "deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, srv := newLMS(t)
			ctx := t.Context()
			c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course"})
			require.NoError(t, err)
			_, err = l.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1@example.com", GivenName: "Una", FamilyName: "One"})
			require.NoError(t, err)
			_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "U1", CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusActive})
			require.NoError(t, err)
			st, err := l.ReadState(ctx, []string{c.SISID})
			require.NoError(t, err)
			require.Len(t, st.Enrolments, 1)
			e := st.Enrolments[0]
			require.NotEmpty(t, e.ID, "ReadState returns the enrollment's Canvas ID")
			cc, _ := srv.CourseBySISID(c.SISID)
			if tc.deleteOld {
				gone := e
				gone.Status = lms.StatusDeleted
				require.NoError(t, l.Unenrol(ctx, gone))
			}

			srv.ResetCalls()
			e.ID, e.Status = tc.id(e.ID), lms.StatusInactive
			require.NoError(t, l.Unenrol(ctx, e))
			assert.Equal(t, tc.want, srv.Calls())
			assert.Equal(t, tc.state, srv.Enrollments(cc.ID)[0].State)
		})
	}
}

// Two live enrollments behind one lms key (a custom role of the same base
// type): no one ID ends both, so ReadState leaves the ID out and Unenrol
// lists and ends them all, as before IDs were used.
func TestUnenrolOfAKeyHeldTwiceEndsBoth(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course"})
	require.NoError(t, err)
	cc, _ := srv.CourseBySISID(c.SISID)
	u := srv.SeedUser(canvastest.User{Name: "Una One", LoginID: "u1@example.com", SISUserID: "U1"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: u, State: "active"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: u, Role: "Apprentice", State: "active"})

	st, err := l.ReadState(ctx, []string{c.SISID})
	require.NoError(t, err)
	require.Len(t, st.Enrolments, 1)
	e := st.Enrolments[0]
	assert.Empty(t, e.ID)
	e.Status = lms.StatusInactive
	require.NoError(t, l.Unenrol(ctx, e))
	for _, en := range srv.Enrollments(cc.ID) {
		assert.Equal(t, "inactive", en.State, en.Role)
	}
}
