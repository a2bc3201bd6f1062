package canvaslms_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// course builds a course with a section, two groups, a teacher and n
// learners split between the groups, through the LMS itself.
func course(t *testing.T, l *canvaslms.LMS, n int) lms.Course {
	t.Helper()
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "unit/BSBLDR501", Name: "Develop leadership", Code: "BSBLDR501"})
	require.NoError(t, err)
	_, err = l.CreateSection(ctx, lms.Section{SISID: "trainer/T1", CourseSISID: c.SISID, Name: "Trainer: Jo Bloggs"})
	require.NoError(t, err)
	groups := []string{"occ/2026-T1", "occ/2026-T2"}
	for _, g := range groups {
		_, err = l.CreateGroup(ctx, lms.Group{SISID: g, CourseSISID: c.SISID, Name: g})
		require.NoError(t, err)
	}
	teacher := lms.User{SISID: "staff/1", Login: "jo@example.com", GivenName: "Jo", FamilyName: "Bloggs", Email: "jo@example.com"}
	_, err = l.CreateUser(ctx, teacher)
	require.NoError(t, err)
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: teacher.SISID, CourseSISID: c.SISID, SectionSISID: "trainer/T1", Role: lms.RoleTeacher, Status: lms.StatusActive})
	require.NoError(t, err)
	for i := range n {
		u := lms.User{SISID: fmt.Sprintf("client/%d", i), Login: fmt.Sprintf("l%d@example.com", i),
			GivenName: "Learner", FamilyName: fmt.Sprint(i), Email: fmt.Sprintf("l%d@example.com", i), TimeZone: "Australia/Sydney"}
		_, err = l.CreateUser(ctx, u)
		require.NoError(t, err)
		_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: "trainer/T1", Role: lms.RoleStudent, Status: lms.StatusActive})
		require.NoError(t, err)
		require.NoError(t, l.AddMember(ctx, lms.Membership{GroupSISID: groups[i%2], UserSISID: u.SISID, Status: lms.StatusActive}))
	}
	return c
}

// ReadState costs the same few calls for 30 learners as for 45: one for
// the course's sections, its enrollments and (groups mode) its groups, one
// per group, and one page of the account's users. The course itself costs
// nothing: the LMS made it, so it is in the course cache. (Listings grow a call
// per 100 records: 60 learners in sections mode are 121 enrollments, two
// pages. Below the user-list threshold users are fetched one by one, so
// that part costs at most threshold-1 calls: see
// TestReadStateSmallCourseFetchesUsersOneByOne.)
func TestReadStateCallsDoNotGrowWithLearners(t *testing.T) {
	for _, tc := range []struct {
		mode canvaslms.GroupMode
		want map[string]int
	}{
		{canvaslms.GroupsAsGroups, map[string]int{
			"GET courses/{id}/sections":    1,
			"GET courses/{id}/enrollments": 1,
			"GET courses/{id}/groups":      1,
			"GET groups/{id}/memberships":  2, // one per group, not per learner
			"GET accounts/{id}/users":      1,
		}},
		{canvaslms.GroupsAsSections, map[string]int{
			"GET courses/{id}/sections":    1,
			"GET courses/{id}/enrollments": 1,
			"GET accounts/{id}/users":      1,
		}},
	} {
		for _, learners := range []int{30, 45} {
			t.Run(fmt.Sprintf("%s/%d", tc.mode, learners), func(t *testing.T) {
				l, srv := newLMS(t, canvaslms.WithGroupsAs(tc.mode))
				c := course(t, l, learners)
				srv.ResetCalls()

				st, err := l.ReadState(t.Context(), []string{c.SISID})
				require.NoError(t, err)
				assert.Equal(t, tc.want, srv.Calls())
				assert.Len(t, st.Enrolments, learners+1)
				assert.Len(t, st.Memberships, learners)
				assert.Len(t, st.Groups, 2)
				assert.Len(t, st.Sections, 1)
				require.Len(t, st.Users, learners+1)
				for _, u := range st.Users {
					assert.NotEmpty(t, u.Email, "user %q: the lookup adds what enrollments lack", u.SISID)
				}
			})
		}
	}
}

func TestReadStateSmallCourseFetchesUsersOneByOne(t *testing.T) {
	l, srv := newLMS(t)
	c := course(t, l, 5)
	srv.ResetCalls()
	st, err := l.ReadState(t.Context(), []string{c.SISID})
	require.NoError(t, err)
	assert.Len(t, st.Users, 6)
	assert.Equal(t, map[string]int{
		"GET courses/{id}/sections":    1,
		"GET courses/{id}/enrollments": 1,
		"GET courses/{id}/groups":      1,
		"GET groups/{id}/memberships":  2,
		"GET users/{id}":               6, // below DefaultUserListThreshold
	}, srv.Calls())
}

// ReadEvidence costs four listings whatever the number of learners.
func TestReadEvidenceCallsDoNotGrowWithLearners(t *testing.T) {
	want := map[string]int{
		"GET courses/{id}/enrollments":          1,
		"GET courses/{id}/assignments":          1,
		"GET courses/{id}/students/submissions": 1,
		"GET courses/{id}/bulk_user_progress":   1,
	}
	for _, learners := range []int{10, 30} {
		t.Run(fmt.Sprint(learners), func(t *testing.T) {
			l, srv := newLMS(t)
			c := course(t, l, learners)
			cc, _ := srv.CourseBySISID(c.SISID)
			srv.SetModuleRequirements(cc.ID, 4)
			var as []int64
			for i := range 3 {
				as = append(as, srv.SeedAssignment(canvastest.Assignment{CourseID: cc.ID, Name: fmt.Sprintf("Task %d (BSBLDR501)", i),
					PointsPossible: 10, Published: true, Position: i}))
			}
			at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			for i := range learners {
				u, _ := srv.UserBySISID(fmt.Sprintf("client/%d", i))
				score := float64(i % 11)
				srv.SeedSubmission(canvastest.Submission{AssignmentID: as[i%3], UserID: u.ID, Score: &score, SubmittedAt: &at})
				srv.SetProgress(cc.ID, u.ID, i%5, nil)
			}
			srv.ResetCalls()

			ev, err := l.ReadEvidence(t.Context(), c.SISID)
			require.NoError(t, err)
			assert.Equal(t, want, srv.Calls())
			assert.Len(t, ev.Assessments, 3)
			assert.Len(t, ev.Submissions, learners, "one real submission each; Canvas's empty placeholders left out")
			assert.Len(t, ev.Progress, learners)
			assert.Len(t, ev.Activity, learners)
		})
	}
}

// 500 users are found by listing the account (5 pages of 100), not by
// 500 GETs; once the listing has measured the account, up to 10 users
// (5 pages, each weighing two GETs) are fetched one by one again.
func TestReadUsersListsManyAndMeasures(t *testing.T) {
	l, srv := newLMS(t)
	var ids []string
	for i := range 500 {
		id := fmt.Sprintf("client/%03d", i)
		srv.SeedUser(canvastest.User{Name: "Learner " + fmt.Sprint(i), SortableName: fmt.Sprintf("%d, Learner", i),
			LoginID: fmt.Sprintf("u%03d@example.com", i), SISUserID: id, Email: fmt.Sprintf("u%03d@example.com", i)})
		ids = append(ids, id)
	}
	srv.ResetCalls()
	us, err := l.ReadUsers(t.Context(), append(ids, "client/missing"))
	require.NoError(t, err)
	assert.Len(t, us, 500)
	assert.Equal(t, map[string]int{"GET accounts/{id}/users": 5}, srv.Calls())
	assert.Equal(t, "Learner", us[7].GivenName)
	assert.Equal(t, "7", us[7].FamilyName)
	assert.Equal(t, "u007@example.com", us[7].Email)

	for _, tc := range []struct {
		n    int
		want map[string]int
	}{
		{10, map[string]int{"GET users/{id}": 10}},         // 10 GETs cost no more than 5 pages (a page weighs 2)
		{11, map[string]int{"GET accounts/{id}/users": 5}}, // 11 GETs would
	} {
		srv.ResetCalls()
		us, err = l.ReadUsers(t.Context(), ids[:tc.n])
		require.NoError(t, err)
		assert.Len(t, us, tc.n)
		assert.Equal(t, tc.want, srv.Calls(), "%d users", tc.n)
	}
}

func TestReadUsersFewAreFetchedOneByOne(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithUserListThreshold(3))
	for i := range 3 {
		srv.SeedUser(canvastest.User{Name: "U", LoginID: fmt.Sprintf("u%d@example.com", i), SISUserID: fmt.Sprint("s", i)})
	}
	us, err := l.ReadUsers(t.Context(), []string{"s0", "s1", "s0", ""})
	require.NoError(t, err)
	assert.Len(t, us, 2, "duplicates and empty IDs are read once")
	assert.Equal(t, map[string]int{"GET users/{id}": 2}, srv.Calls())

	srv.ResetCalls()
	_, err = l.ReadUsers(t.Context(), []string{"s0", "s1", "s2"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"GET accounts/{id}/users": 1}, srv.Calls(), "at the threshold the account is listed")
}

// Submissions are read grouped by student: 30 learners and 12 assignments
// (360 submissions with Canvas's placeholders, four pages of the flat
// listing) take one page.
func TestReadEvidenceSubmissionsOnePagePerHundredLearners(t *testing.T) {
	l, srv := newLMS(t)
	c := course(t, l, 30)
	cc, _ := srv.CourseBySISID(c.SISID)
	var as []int64
	for i := range 12 {
		as = append(as, srv.SeedAssignment(canvastest.Assignment{CourseID: cc.ID, Name: fmt.Sprintf("Task %d (BSBLDR501)", i),
			PointsPossible: 10, Published: true, Position: i}))
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 30 {
		u, _ := srv.UserBySISID(fmt.Sprintf("client/%d", i))
		score := float64(i % 11)
		srv.SeedSubmission(canvastest.Submission{AssignmentID: as[i%12], UserID: u.ID, Score: &score, SubmittedAt: &at})
	}
	srv.ResetCalls()
	ev, err := l.ReadEvidence(t.Context(), c.SISID)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}/students/submissions"], "%v", srv.Calls())
	assert.Len(t, ev.Submissions, 30)
	for _, a := range ev.Activity {
		require.NotNil(t, a.FirstActivity, a.UserSISID)
		assert.Equal(t, at, *a.FirstActivity)
	}
}
