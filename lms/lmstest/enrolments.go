package lmstest

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// enrolFixture makes a course with a section and a user to enrol.
func (s *suite) enrolFixture() (lms.Course, lms.Section, lms.User) {
	c := s.course("A")
	return c, s.section(c, "1"), s.user("A")
}

var removalStatuses = []lms.Status{lms.StatusInactive, lms.StatusCompleted, lms.StatusDeleted}

func enrolmentTests() []test {
	tests := []test{
		{name: "Enrol", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			student := lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent, Status: lms.StatusActive}
			got, err := s.l.Enrol(s.ctx, student)
			require.NoError(s.t, err)
			assert.Equal(s.t, student.Key(), got.Key(), "Enrol must echo the enrolment's identity")
			assert.Equal(s.t, lms.StatusActive, got.Status)
			teacher := s.user("T")
			noSection := s.enrol(lms.Enrolment{UserSISID: teacher.SISID, CourseSISID: c.SISID, Role: lms.RoleTeacher})

			st := s.state(c.SISID)
			assert.Equal(s.t, sortedStrings(student.Key(), noSection.Key()), enrolmentKeys(st))
			for _, e := range st.Enrolments {
				assert.Equal(s.t, lms.StatusActive, e.Status, "enrolment %q", e.Key())
				if e.Key() == student.Key() && got.ID != "" {
					assert.Equal(s.t, got.ID, e.ID, "ReadState must show the ID Enrol returned")
				}
			}
			assert.Equal(s.t, sortedStrings(u.SISID, teacher.SISID), userSISIDs(st.Users), "ReadState must include the enrolled users")
			for _, x := range st.Users {
				if x.SISID == u.SISID {
					assertUser(s.t, s.newUser("A"), x)
				}
			}
		}},
		{name: "Idempotent", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			e := lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent, Status: lms.StatusActive}
			first := s.enrol(e)
			second := s.enrol(e)
			if first.ID != "" || second.ID != "" {
				assert.Equal(s.t, first.ID, second.ID, "enrolling twice must give the same enrolment")
			}
			st := s.state(c.SISID)
			_, n := findEnrolment(st, e.Key())
			assert.Equal(s.t, 1, n, "enrolling twice must leave one enrolment")
			assert.Len(s.t, st.Enrolments, 1)
		}},
		{name: "RolesAreDistinct", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			a := s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent})
			b := s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleTeacher})
			assert.Equal(s.t, sortedStrings(a.Key(), b.Key()), enrolmentKeys(s.state(c.SISID)))
		}},
		{name: "UnknownTargets", run: func(s *suite) {
			c, _, u := s.enrolFixture()
			other := s.course("B")
			otherSec := s.section(other, "2")
			for _, tc := range []struct {
				name string
				e    lms.Enrolment
			}{
				{"unknown course", lms.Enrolment{UserSISID: u.SISID, CourseSISID: s.id("course-missing")}},
				{"unknown user", lms.Enrolment{UserSISID: s.id("user-missing"), CourseSISID: c.SISID}},
				{"unknown section", lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: s.id("section-missing")}},
				{"section of another course", lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: otherSec.SISID}},
			} {
				tc.e.Role, tc.e.Status = lms.RoleStudent, lms.StatusActive
				_, err := s.l.Enrol(s.ctx, tc.e)
				assert.ErrorIs(s.t, err, lms.ErrNotFound, tc.name)
			}
			assert.Empty(s.t, s.state(c.SISID, other.SISID).Enrolments, "a failed Enrol must not create")
		}},
		{name: "StatusMustBeActive", run: func(s *suite) {
			c, _, u := s.enrolFixture()
			_, err := s.l.Enrol(s.ctx, lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusInactive})
			require.ErrorIs(s.t, err, lms.ErrInvalid)
			assert.Empty(s.t, s.state(c.SISID).Enrolments)
		}},
		{name: "UnenrolAbsent", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			for _, st := range removalStatuses {
				e := lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent, Status: st}
				require.NoError(s.t, s.l.Unenrol(s.ctx, e), "removing an absent enrolment must succeed (%s)", st)
			}
			assert.Empty(s.t, s.state(c.SISID).Enrolments, "Unenrol must not create")
		}},
		{name: "UnenrolActive", run: func(s *suite) {
			c, _, u := s.enrolFixture()
			e := s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID})
			e.Status = lms.StatusActive
			require.ErrorIs(s.t, s.l.Unenrol(s.ctx, e), lms.ErrInvalid, "Unenrol to active is not a removal")
			got, n := findEnrolment(s.state(c.SISID), e.Key())
			require.Equal(s.t, 1, n)
			assert.Equal(s.t, lms.StatusActive, got.Status)
		}},
	}
	for _, to := range removalStatuses {
		tests = append(tests,
			test{name: "UnenrolTo" + string(to), run: func(s *suite) { s.unenrol(to) }},
			test{name: "ReactivateFrom" + string(to), run: func(s *suite) { s.reactivate(to) }},
		)
	}
	return tests
}

func (s *suite) unenrol(to lms.Status) {
	c, sec, u := s.enrolFixture()
	e := s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID})
	e.ID, e.Status = "", to
	for i := range 2 {
		require.NoError(s.t, s.l.Unenrol(s.ctx, e), "Unenrol to %s (call %d)", to, i+1)
		st := s.state(c.SISID)
		got, n := findEnrolment(st, e.Key())
		if to == lms.StatusDeleted {
			assert.Zero(s.t, n, "ReadState leaves out deleted enrolments")
			continue
		}
		require.Equal(s.t, 1, n, "ReadState must show the %s enrolment", to)
		assert.Equal(s.t, to, got.Status)
		assert.Equal(s.t, []string{u.SISID}, userSISIDs(st.Users), "ReadState must include users of %s enrolments", to)
	}
	assertUser(s.t, s.newUser("A"), s.readUser(u.SISID))
}

func (s *suite) reactivate(from lms.Status) {
	c, sec, u := s.enrolFixture()
	e := s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID})
	e.Status = from
	require.NoError(s.t, s.l.Unenrol(s.ctx, e))
	e.Status = lms.StatusActive
	again := s.enrol(e)
	assert.Equal(s.t, lms.StatusActive, again.Status)
	got, n := findEnrolment(s.state(c.SISID), e.Key())
	require.Equal(s.t, 1, n, "re-enrolling after %s must leave one enrolment", from)
	assert.Equal(s.t, lms.StatusActive, got.Status)
}

func membershipTests() []test {
	return []test{
		{name: "AddAndRemove", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID})
			g := s.group(c, "1")
			m := lms.Membership{GroupSISID: g.SISID, UserSISID: u.SISID, Status: lms.StatusActive}
			for i := range 2 {
				require.NoError(s.t, s.l.AddMember(s.ctx, m), "AddMember (call %d)", i+1)
				st := s.state(c.SISID)
				got, n := findMembership(st, m.Key())
				require.Equal(s.t, 1, n, "adding a member twice must leave one membership")
				assert.Equal(s.t, lms.StatusActive, got.Status)
			}
			rm := m
			rm.Status = lms.StatusDeleted
			for i := range 2 {
				require.NoError(s.t, s.l.RemoveMember(s.ctx, rm), "RemoveMember (call %d)", i+1)
				got, n := findMembership(s.state(c.SISID), m.Key())
				if n > 0 {
					assert.NotEqual(s.t, lms.StatusActive, got.Status, "a removed member must not be active")
				}
			}
			require.NoError(s.t, s.l.AddMember(s.ctx, m), "adding a removed member back")
			got, n := findMembership(s.state(c.SISID), m.Key())
			require.Equal(s.t, 1, n)
			assert.Equal(s.t, lms.StatusActive, got.Status)
		}},
		{name: "RemoveAbsent", run: func(s *suite) {
			c, _, u := s.enrolFixture()
			g := s.group(c, "1")
			require.NoError(s.t, s.l.RemoveMember(s.ctx, lms.Membership{GroupSISID: g.SISID, UserSISID: u.SISID, Status: lms.StatusDeleted}))
			assert.Empty(s.t, s.state(c.SISID).Memberships, "RemoveMember must not create")
		}},
		{name: "UnknownTargets", run: func(s *suite) {
			c, _, u := s.enrolFixture()
			g := s.group(c, "1")
			err := s.l.AddMember(s.ctx, lms.Membership{GroupSISID: s.id("group-missing"), UserSISID: u.SISID, Status: lms.StatusActive})
			assert.ErrorIs(s.t, err, lms.ErrNotFound, "unknown group")
			err = s.l.AddMember(s.ctx, lms.Membership{GroupSISID: g.SISID, UserSISID: s.id("user-missing"), Status: lms.StatusActive})
			assert.ErrorIs(s.t, err, lms.ErrNotFound, "unknown user")
			assert.Empty(s.t, s.state(c.SISID).Memberships)
		}},
	}
}
