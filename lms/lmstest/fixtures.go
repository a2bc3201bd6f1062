package lmstest

import (
	"cmp"
	"slices"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// Whole seconds in UTC, which every LMS stores without loss.
var (
	start = time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2026, 6, 30, 13, 59, 59, 0, time.UTC)
)

func ptr[T any](v T) *T { return &v }

func (s *suite) newCourse(name string) lms.Course {
	return lms.Course{
		SISID: s.id("course-" + name),
		Name:  "Course " + name,
		Code:  s.id("CODE-" + name),
		Start: ptr(start),
		End:   ptr(end),
	}
}

func (s *suite) mustCourse(c lms.Course) lms.Course {
	s.t.Helper()
	got, err := s.l.CreateCourse(s.ctx, c)
	require.NoError(s.t, err, "CreateCourse %q", c.SISID)
	return got
}

func (s *suite) course(name string) lms.Course { return s.mustCourse(s.newCourse(name)) }

func (s *suite) section(c lms.Course, name string) lms.Section {
	s.t.Helper()
	sec := lms.Section{SISID: s.id("section-" + name), CourseSISID: c.SISID, Name: "Section " + name}
	got, err := s.l.CreateSection(s.ctx, sec)
	require.NoError(s.t, err, "CreateSection %q", sec.SISID)
	return got
}

func (s *suite) group(c lms.Course, name string) lms.Group {
	s.t.Helper()
	g := lms.Group{SISID: s.id("group-" + name), CourseSISID: c.SISID, Name: "Group " + name}
	got, err := s.l.CreateGroup(s.ctx, g)
	require.NoError(s.t, err, "CreateGroup %q", g.SISID)
	return got
}

func (s *suite) newUser(name string) lms.User {
	return lms.User{
		SISID:      s.id("user-" + name),
		Login:      s.login(name),
		GivenName:  "Given" + name,
		FamilyName: "Family",
		Email:      s.login(name),
		TimeZone:   "Australia/Sydney",
	}
}

func (s *suite) user(name string) lms.User {
	s.t.Helper()
	u := s.newUser(name)
	got, err := s.l.CreateUser(s.ctx, u)
	require.NoError(s.t, err, "CreateUser %q", u.SISID)
	return got
}

func (s *suite) enrol(e lms.Enrolment) lms.Enrolment {
	s.t.Helper()
	if e.Status == "" {
		e.Status = lms.StatusActive
	}
	if e.Role == "" {
		e.Role = lms.RoleStudent
	}
	got, err := s.l.Enrol(s.ctx, e)
	require.NoError(s.t, err, "Enrol %q", e.Key())
	return got
}

func (s *suite) state(courseSISIDs ...string) *lms.State {
	s.t.Helper()
	st, err := s.l.ReadState(s.ctx, courseSISIDs)
	require.NoError(s.t, err, "ReadState %q", courseSISIDs)
	require.NotNil(s.t, st, "ReadState returned a nil state")
	return st
}

func (s *suite) readUser(sisID string) lms.User {
	s.t.Helper()
	us, err := s.l.ReadUsers(s.ctx, []string{sisID})
	require.NoError(s.t, err)
	require.Len(s.t, us, 1, "ReadUsers %q", sisID)
	return us[0]
}

// assertCourse compares everything but the LMS-side ID.
func assertCourse(t assert.TestingT, want, got lms.Course) {
	assert.Equal(t, want.SISID, got.SISID, "course SIS ID")
	assert.Equal(t, want.Name, got.Name, "course %q name", want.SISID)
	assert.Equal(t, want.Code, got.Code, "course %q code", want.SISID)
	assertTime(t, want.Start, got.Start, "course %q start", want.SISID)
	assertTime(t, want.End, got.End, "course %q end", want.SISID)
}

func assertTime(t assert.TestingT, want, got *time.Time, msg string, args ...any) {
	if want == nil || got == nil {
		assert.Equal(t, want == nil, got == nil, append([]any{msg + ": set vs unset"}, args...)...)
		return
	}
	assert.True(t, want.Truncate(time.Second).Equal(got.Truncate(time.Second)),
		append([]any{msg + ": want %s, got %s"}, append(args, want.UTC(), got.UTC())...)...)
}

func assertUser(t assert.TestingT, want, got lms.User) {
	assert.Equal(t, want.SISID, got.SISID, "user SIS ID")
	assert.Equal(t, want.Login, got.Login, "user %q login", want.SISID)
	assert.Equal(t, want.GivenName, got.GivenName, "user %q given name", want.SISID)
	assert.Equal(t, want.FamilyName, got.FamilyName, "user %q family name", want.SISID)
	assert.Equal(t, want.Email, got.Email, "user %q email", want.SISID)
	assert.Equal(t, want.TimeZone, got.TimeZone, "user %q time zone", want.SISID)
}

// sisIDs lists the SIS IDs (or keys) of a state's objects, sorted, for
// comparisons that ignore order and LMS-side fields.
func courseSISIDs(st *lms.State) []string {
	return sorted(st.Courses, func(c lms.Course) string { return c.SISID })
}

func sectionSISIDs(st *lms.State) []string {
	return sorted(st.Sections, func(x lms.Section) string { return x.SISID })
}

func groupSISIDs(st *lms.State) []string {
	return sorted(st.Groups, func(g lms.Group) string { return g.SISID })
}

func userSISIDs(us []lms.User) []string {
	return sorted(us, func(u lms.User) string { return u.SISID })
}

func enrolmentKeys(st *lms.State) []string {
	return sorted(st.Enrolments, lms.Enrolment.Key)
}

func membershipKeys(st *lms.State) []string {
	return sorted(st.Memberships, lms.Membership.Key)
}

func sorted[T any](xs []T, key func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, key(x))
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}

func sortedStrings(xs ...string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func findEnrolment(st *lms.State, key string) (lms.Enrolment, int) {
	var found lms.Enrolment
	n := 0
	for _, e := range st.Enrolments {
		if e.Key() == key {
			found = e
			n++
		}
	}
	return found, n
}

func findMembership(st *lms.State, key string) (lms.Membership, int) {
	var found lms.Membership
	n := 0
	for _, m := range st.Memberships {
		if m.Key() == key {
			found = m
			n++
		}
	}
	return found, n
}
