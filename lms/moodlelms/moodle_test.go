package moodlelms_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

func user(sis string) lms.User {
	login := "u-" + strings.ToLower(sis) + "@example.com"
	return lms.User{SISID: sis, Login: login, GivenName: "G", FamilyName: "F", Email: login}
}

// What the lms model becomes in Moodle: sections are prefixed groups,
// inactive is a suspended enrolment, completed also joins the status
// group, deleted unenrols.
func TestMoodleShapes(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "unit/IST101", Name: "Stats", Code: "IST101"})
	require.NoError(t, err)
	_, err = l.CreateSection(ctx, lms.Section{SISID: "trainer/1", CourseSISID: "unit/IST101", Name: "Jo Bloggs"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, user("10001"))
	require.NoError(t, err)
	e := lms.Enrolment{UserSISID: "10001", CourseSISID: "unit/IST101", SectionSISID: "trainer/1", Role: lms.RoleStudent, Status: lms.StatusActive}
	_, err = l.Enrol(ctx, e)
	require.NoError(t, err)

	c, _ := srv.CourseByIDNumber("unit/IST101")
	u, _ := srv.UserByIDNumber("10001")
	st, ok := srv.Enrolment(u.ID, c.ID)
	require.True(t, ok)
	assert.Equal(t, []int64{moodletest.RoleStudent}, st.Roles)
	assert.Equal(t, []string{"Jo Bloggs"}, st.Groups, "the section is a group")
	assert.False(t, st.Suspended)

	for _, tc := range []struct {
		to        lms.Status
		enrolled  bool
		suspended bool
		groups    []string
	}{
		{lms.StatusCompleted, true, true, []string{"Jo Bloggs", moodlelms.DefaultCompletedGroup}},
		{lms.StatusInactive, true, true, []string{"Jo Bloggs"}},
		{lms.StatusDeleted, false, false, nil},
	} {
		e.Status = tc.to
		require.NoError(t, l.Unenrol(ctx, e), tc.to)
		st, ok := srv.Enrolment(u.ID, c.ID)
		assert.Equal(t, tc.enrolled, ok, tc.to)
		assert.Equal(t, tc.suspended, st.Suspended, tc.to)
		assert.Equal(t, tc.groups, st.Groups, tc.to)
	}
}

// A user with two roles keeps the other when one is removed.
func TestUnenrolOneOfTwoRoles(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, user("u"))
	require.NoError(t, err)
	for _, r := range []lms.Role{lms.RoleStudent, lms.RoleTeacher} {
		_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "u", CourseSISID: "c", Role: r, Status: lms.StatusActive})
		require.NoError(t, err)
	}
	require.NoError(t, l.Unenrol(ctx, lms.Enrolment{UserSISID: "u", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusDeleted}))
	c, _ := srv.CourseByIDNumber("c")
	u, _ := srv.UserByIDNumber("u")
	st, ok := srv.Enrolment(u.ID, c.ID)
	require.True(t, ok, "still enrolled as teacher")
	assert.Equal(t, []int64{moodletest.RoleEditingTeacher}, st.Roles)
}

// Moodle keeps group idnumbers unique per course only; a second LMS on
// the same site (empty index) still refuses a group SIS ID used in another
// course, and the scan that finds it happens once per TTL.
func TestGroupSISIDsSiteWide(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	for _, c := range []string{"a", "b", "c"} {
		_, err := l.CreateCourse(ctx, lms.Course{SISID: c, Name: c, Code: c})
		require.NoError(t, err)
	}
	_, err := l.CreateGroup(ctx, lms.Group{SISID: "occ/1", CourseSISID: "a", Name: "T1"})
	require.NoError(t, err)

	fresh, err := moodlelms.New(l.Client())
	require.NoError(t, err)
	srv.ResetCalls()
	_, err = fresh.CreateGroup(ctx, lms.Group{SISID: "occ/1", CourseSISID: "b", Name: "T1"})
	require.ErrorIs(t, err, lms.ErrConflict)
	_, err = fresh.CreateGroup(ctx, lms.Group{SISID: "occ/2", CourseSISID: "b", Name: "T2"})
	require.NoError(t, err)
	_, err = fresh.CreateGroup(ctx, lms.Group{SISID: "occ/3", CourseSISID: "c", Name: "T3"})
	require.NoError(t, err)
	// 3 creates × 1 read of their course + one scan of a, b, c + one
	// confirming read of a: a scan per create would be 3 more each.
	assert.Equal(t, 7, srv.Calls()["core_group_get_course_groups"])
	assert.Equal(t, 1, srv.Calls()["core_course_get_courses_by_field"]-3, "one listing for the scan, one lookup per create")
}

func TestErrorsMatchLMSSentinels(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()

	bad, err := moodle.New(srv.URL(), "ffffffffffffffffffffffffffffffff", moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	badLMS, err := moodlelms.New(bad)
	require.NoError(t, err)
	_, err = badLMS.ListCourses(ctx)
	assert.ErrorIs(t, err, lms.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "ffffffffffffffffffffffffffffffff")

	limited := srv.AddToken(moodletest.Token{Functions: []string{"core_course_get_courses_by_field"}})
	lc, err := moodle.New(srv.URL(), limited, moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	limitedLMS, err := moodlelms.New(lc)
	require.NoError(t, err)
	_, err = limitedLMS.ReadUsers(ctx, []string{"x"})
	assert.ErrorIs(t, err, lms.ErrForbidden)
	var ex *moodle.Exception
	assert.ErrorAs(t, err, &ex, "the moodle error stays reachable")

	for name, u := range map[string]lms.User{
		"upper-case login": {SISID: "a", Login: "Jo@Example.com", GivenName: "J", FamilyName: "B", Email: "jo@example.com"},
		"no e-mail":        {SISID: "b", Login: "jo", GivenName: "J", FamilyName: "B"},
	} {
		_, err := l.CreateUser(ctx, u)
		assert.ErrorIs(t, err, lms.ErrInvalid, name)
	}
	_, err = l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, user("d"))
	require.NoError(t, err)
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "d", CourseSISID: "c", Role: lms.RoleObserver, Status: lms.StatusActive})
	assert.ErrorIs(t, err, lms.ErrInvalid, "no Moodle role configured for observers")

	srv.InjectFault(moodletest.Fault{Function: "core_course_get_courses_by_field", Status: 429, Times: 10})
	_, err = l.ListCourses(ctx)
	var rl *lms.RateLimitError
	assert.True(t, errors.As(err, &rl), "a 429 from a proxy is a rate limit: %v", err)
}

// Evidence from a real-looking gradebook: values, a competence scale,
// formatted cells with icons, no letters unless the report shows them.
func TestEvidenceFromGradebook(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	c, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	l, err := moodlelms.New(c)
	require.NoError(t, err)
	ctx := t.Context()
	_, err = l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, user("s"))
	require.NoError(t, err)
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "s", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusActive})
	require.NoError(t, err)

	course, _ := srv.CourseByIDNumber("c")
	u, _ := srv.UserByIDNumber("s")
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	written, err := srv.AddActivity(course.ID, "assign", "Written (BSBLDR501)", 20, nil)
	require.NoError(t, err)
	obs, err := srv.AddActivity(course.ID, "assign", "Observation (BSBLDR501)", 0, []string{"Not yet competent", "Competent"})
	require.NoError(t, err)
	srv.SetDueDate(written.Instance, at)
	srv.Submit(written.Instance, u.ID, "submitted", at.Add(time.Hour))
	srv.SetGrade(written.ID, u.ID, 15.5, time.Time{}, at.Add(2*time.Hour))
	srv.SetGrade(obs.ID, u.ID, 2, time.Time{}, at)

	ev, err := l.ReadEvidence(ctx, "c")
	require.NoError(t, err)
	require.Len(t, ev.Assessments, 2)
	byTitle := map[string]lms.Assessment{}
	for _, a := range ev.Assessments {
		byTitle[a.Title] = a
	}
	assert.Equal(t, "points", byTitle["Written (BSBLDR501)"].GradingType)
	assert.Equal(t, 20.0, *byTitle["Written (BSBLDR501)"].PointsPossible)
	assert.Equal(t, "pass_fail", byTitle["Observation (BSBLDR501)"].GradingType, "a two-word scale")
	assert.Nil(t, byTitle["Observation (BSBLDR501)"].PointsPossible)
	require.Len(t, ev.Submissions, 2)
	for _, s := range ev.Submissions {
		switch s.AssessmentID {
		case strconv.FormatInt(written.ID, 10):
			assert.Equal(t, "15.5", s.Grade)
			assert.True(t, s.Late, "submitted an hour after the due date")
			assert.Equal(t, lms.SubmissionGraded, s.State)
		case strconv.FormatInt(obs.ID, 10):
			assert.Equal(t, "Competent", s.Grade)
			assert.Nil(t, s.Score)
		}
	}
	require.Len(t, ev.Activity, 1)
	assert.Empty(t, ev.Activity[0].FinalGrade, "the user report shows no letters by default")
	assert.InDelta(t, 88.75, *ev.Activity[0].FinalScore, 0.001, "mean of 77.5% and 100%")
	assert.Empty(t, ev.Progress, "no completion criteria: no progress, not an error")
}

func TestCheck(t *testing.T) {
	l, srv := newLMS(t)
	msg, err := l.Check(t.Context())
	require.NoError(t, err)
	assert.Contains(t, msg, "as admin (site administrator)")

	partial := srv.AddToken(moodletest.Token{Functions: []string{"core_webservice_get_site_info", "core_course_get_courses_by_field"}})
	c, err := moodle.New(srv.URL(), partial, moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	pl, err := moodlelms.New(c)
	require.NoError(t, err)
	_, err = pl.Check(t.Context())
	require.ErrorIs(t, err, lms.ErrForbidden)
	assert.Contains(t, err.Error(), "enrol_manual_enrol_users")
	assert.NotContains(t, err.Error(), partial)
}

// Moodle keeps only the first access to the site: it stands for the first
// activity in a course only when it falls on or after the course start.
func TestFirstActivity(t *testing.T) {
	start := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		firstAccess time.Time
		want        time.Time
	}{
		{"new to the site", start.Add(24 * time.Hour), start.Add(24 * time.Hour)},
		{"returning learner", start.AddDate(-1, 0, 0), start.Add(72 * time.Hour)},
	} {
		l, srv := newLMS(t)
		ctx := t.Context()
		_, err := l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C", Start: &start})
		require.NoError(t, err)
		_, err = l.CreateUser(ctx, user("s"))
		require.NoError(t, err)
		_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "s", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusActive})
		require.NoError(t, err)
		c, _ := srv.CourseByIDNumber("c")
		u, _ := srv.UserByIDNumber("s")
		a, err := srv.AddActivity(c.ID, "assign", "A", 10, nil)
		require.NoError(t, err)
		srv.Submit(a.Instance, u.ID, "submitted", start.Add(72*time.Hour))
		srv.SetAccess(u.ID, c.ID, tc.firstAccess, start.Add(96*time.Hour))

		ev, err := l.ReadEvidence(ctx, "c")
		require.NoError(t, err)
		require.Len(t, ev.Activity, 1, tc.name)
		require.NotNil(t, ev.Activity[0].FirstActivity, tc.name)
		assert.True(t, tc.want.Equal(*ev.Activity[0].FirstActivity), "%s: got %s", tc.name, ev.Activity[0].FirstActivity)
	}
}
