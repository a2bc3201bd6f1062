package lmstest

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

func userTests() []test {
	return []test{
		{name: "CreateAndRead", run: func(s *suite) {
			want := s.newUser("A")
			want.GivenName, want.FamilyName = "Zoë", "O'Brien-Nguyễn"
			got, err := s.l.CreateUser(s.ctx, want)
			require.NoError(s.t, err)
			assertUser(s.t, want, got)
			read := s.readUser(want.SISID)
			assertUser(s.t, want, read)
			if got.ID != "" {
				assert.Equal(s.t, got.ID, read.ID, "ReadUsers must show the ID CreateUser returned")
			}
		}},
		{name: "SingleNames", run: func(s *suite) {
			// A learner with one name only, recorded as a family name
			// (the AVETMISS convention) or as a given name, reads back as
			// written: otherwise every run plans an update.
			for _, tc := range []struct{ key, given, family string }{{"F", "", "Madonna"}, {"G", "Cher", ""}} {
				want := s.newUser(tc.key)
				want.GivenName, want.FamilyName = tc.given, tc.family
				_, err := s.l.CreateUser(s.ctx, want)
				require.NoError(s.t, err)
				assertUser(s.t, want, s.readUser(want.SISID))
			}
		}},
		{name: "Update", run: func(s *suite) {
			u := s.user("A")
			u.ID = ""
			u.GivenName, u.FamilyName = "Renamed", "Person"
			u.Email = s.login("A-new")
			u.TimeZone = "Australia/Perth"
			require.NoError(s.t, s.l.UpdateUser(s.ctx, u))
			assertUser(s.t, u, s.readUser(u.SISID))
			require.NoError(s.t, s.l.UpdateUser(s.ctx, u), "an update that changes nothing must succeed")
		}},
		{name: "Conflict", run: func(s *suite) {
			first := s.user("A")
			dup := s.newUser("A")
			dup.Login = s.login("other")
			dup.GivenName = "Impostor"
			_, err := s.l.CreateUser(s.ctx, dup)
			require.ErrorIs(s.t, err, lms.ErrConflict, "a second user with SIS ID %q", dup.SISID)
			assertUser(s.t, first, s.readUser(first.SISID))
		}},
		{name: "LoginConflict", run: func(s *suite) {
			first := s.user("A")
			dup := s.newUser("B")
			dup.Login = first.Login
			_, err := s.l.CreateUser(s.ctx, dup)
			require.ErrorIs(s.t, err, lms.ErrConflict, "a second user with login %q", dup.Login)
			us, err := s.l.ReadUsers(s.ctx, []string{dup.SISID})
			require.NoError(s.t, err)
			assert.Empty(s.t, us, "the conflict must not create the user")
		}},
		{name: "UpdateUnknown", run: func(s *suite) {
			u := s.newUser("missing")
			require.ErrorIs(s.t, s.l.UpdateUser(s.ctx, u), lms.ErrNotFound)
			us, err := s.l.ReadUsers(s.ctx, []string{u.SISID})
			require.NoError(s.t, err)
			assert.Empty(s.t, us, "an update must not create")
		}},
		{name: "ReadUnknown", run: func(s *suite) {
			a, b := s.user("A"), s.user("B")
			for _, tc := range []struct {
				name string
				ask  []string
				want []string
			}{
				{"none", nil, nil},
				{"only unknown", []string{s.id("user-missing")}, nil},
				{"known and unknown", []string{s.id("user-missing"), a.SISID, s.id("user-gone"), b.SISID}, []string{a.SISID, b.SISID}},
				{"one of two", []string{b.SISID}, []string{b.SISID}},
			} {
				us, err := s.l.ReadUsers(s.ctx, tc.ask)
				require.NoError(s.t, err, tc.name)
				assert.Equal(s.t, sortedStrings(tc.want...), userSISIDs(us), tc.name)
			}
		}},
	}
}

// hostileSISIDs are SIS IDs that break naive URL building, escaping or
// parsing. Canvas's own example is "CS/101.11é" (object_ids.md).
var hostileSISIDs = []struct{ name, id string }{
	{"slash", "unit/BSBLDR501/2026"},
	{"dot", "occ.2026.T1"},
	{"dots only", ".."},
	{"percent", "100%25done%"},
	{"space", "Term 1 2026"},
	{"non-ASCII", "Zoë-Ñandú-日本"},
	{"canvas example", "CS/101.11é"},
	{"query characters", "a+b#c?d&e=f"},
	{"quotes", `O'Brien "x"`},
	{"SIS prefix lookalike", "sis_course_id:X1"},
	{"digits", "0012345"},
}

// HostileSISIDs returns the SIS IDs the suite's SISIDs tests use (before
// Harness.Prefix), for implementations that want to test their escaping
// on their own.
func HostileSISIDs() []string {
	out := make([]string, len(hostileSISIDs))
	for i, h := range hostileSISIDs {
		out[i] = h.id
	}
	return out
}

func sisIDTests() []test {
	var tests []test
	for _, h := range hostileSISIDs {
		tests = append(tests, test{name: h.name, run: func(s *suite) { s.hostile(h.id) }})
	}
	return tests
}

// hostile makes one object of every kind with the same SIS ID (uniqueness
// is per kind), then reads, updates and removes them by it.
func (s *suite) hostile(raw string) {
	sis := s.id(raw)
	c := lms.Course{SISID: sis, Name: "Course " + raw, Code: s.id("CODE-" + raw)}
	s.mustCourse(c)
	sec := lms.Section{SISID: sis, CourseSISID: sis, Name: "Section " + raw}
	_, err := s.l.CreateSection(s.ctx, sec)
	require.NoError(s.t, err, "CreateSection %q: a section may share a course's SIS ID", sis)
	g := lms.Group{SISID: sis, CourseSISID: sis, Name: "Group " + raw}
	_, err = s.l.CreateGroup(s.ctx, g)
	require.NoError(s.t, err, "CreateGroup %q: a group may share a course's SIS ID", sis)
	u := s.newUser(raw)
	u.SISID = sis
	_, err = s.l.CreateUser(s.ctx, u)
	require.NoError(s.t, err, "CreateUser %q: a user may share a course's SIS ID", sis)
	e := s.enrol(lms.Enrolment{UserSISID: sis, CourseSISID: sis, SectionSISID: sis})
	m := lms.Membership{GroupSISID: sis, UserSISID: sis, Status: lms.StatusActive}
	require.NoError(s.t, s.l.AddMember(s.ctx, m))

	st := s.state(sis)
	assert.Equal(s.t, []string{sis}, courseSISIDs(st))
	assert.Equal(s.t, []string{sis}, sectionSISIDs(st))
	assert.Equal(s.t, []string{sis}, groupSISIDs(st))
	assert.Equal(s.t, []string{sis}, userSISIDs(st.Users))
	assert.Equal(s.t, []string{e.Key()}, enrolmentKeys(st))
	assert.Equal(s.t, []string{m.Key()}, membershipKeys(st))
	for _, x := range st.Sections {
		assert.Equal(s.t, sis, x.CourseSISID)
	}
	for _, x := range st.Groups {
		assert.Equal(s.t, sis, x.CourseSISID)
	}
	assertUser(s.t, u, s.readUser(sis))

	c.Name += " (renamed)"
	require.NoError(s.t, s.l.UpdateCourse(s.ctx, c), "UpdateCourse %q", sis)
	sec.Name += " (renamed)"
	require.NoError(s.t, s.l.UpdateSection(s.ctx, sec), "UpdateSection %q", sis)
	g.Name += " (renamed)"
	require.NoError(s.t, s.l.UpdateGroup(s.ctx, g), "UpdateGroup %q", sis)
	u.FamilyName += " (renamed)"
	require.NoError(s.t, s.l.UpdateUser(s.ctx, u), "UpdateUser %q", sis)
	st = s.state(sis)
	require.Len(s.t, st.Courses, 1)
	assert.Equal(s.t, c.Name, st.Courses[0].Name)
	require.Len(s.t, st.Sections, 1)
	assert.Equal(s.t, sec.Name, st.Sections[0].Name)
	require.Len(s.t, st.Groups, 1)
	assert.Equal(s.t, g.Name, st.Groups[0].Name)
	assert.Equal(s.t, u.FamilyName, s.readUser(sis).FamilyName)

	ev, err := s.l.ReadEvidence(s.ctx, sis)
	require.NoError(s.t, err, "ReadEvidence %q", sis)
	require.NotNil(s.t, ev)
	assert.Equal(s.t, sis, ev.CourseSISID)

	m.Status = lms.StatusDeleted
	require.NoError(s.t, s.l.RemoveMember(s.ctx, m), "RemoveMember %q", m.Key())
	e.Status = lms.StatusDeleted
	require.NoError(s.t, s.l.Unenrol(s.ctx, e), "Unenrol %q", e.Key())
	st = s.state(sis)
	assert.Empty(s.t, st.Enrolments)
	for _, x := range st.Memberships {
		assert.NotEqual(s.t, lms.StatusActive, x.Status, "membership %q after RemoveMember", x.Key())
	}
}
