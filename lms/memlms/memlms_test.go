package memlms_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/lmstest"
	"github.com/vtsync/vtsync/lms/memlms"
)

func harness(m *memlms.LMS) lmstest.Harness {
	return lmstest.Harness{
		LMS: m,
		SeedCourse: func(_ context.Context, c lms.Course) (lms.Course, error) {
			return m.SeedCourse(c)
		},
		SeedEvidence: func(_ context.Context, ev lms.Evidence) (*lms.Evidence, error) {
			return m.SeedEvidence(ev)
		},
	}
}

func TestConformance(t *testing.T) {
	lmstest.Run(t, func(t *testing.T) lmstest.Harness { return harness(memlms.New()) })
}

// A prefix must not change the outcome: this is how a remote harness runs.
func TestConformanceWithPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("the unprefixed run covers the same paths")
	}
	n := 0
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		n++
		h := harness(memlms.New())
		h.Prefix = fmt.Sprintf("run-%d/é ", n)
		return h
	})
}

// fixture is a course with a section, a group and an enrolled member.
func fixture(t *testing.T) (*memlms.LMS, lms.Enrolment, lms.Membership) {
	t.Helper()
	ctx := t.Context()
	m := memlms.New()
	_, err := m.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course", Code: "IST101"})
	require.NoError(t, err)
	_, err = m.CreateSection(ctx, lms.Section{SISID: "S1", CourseSISID: "C1", Name: "Section"})
	require.NoError(t, err)
	_, err = m.CreateGroup(ctx, lms.Group{SISID: "G1", CourseSISID: "C1", Name: "Group"})
	require.NoError(t, err)
	_, err = m.CreateUser(ctx, lms.User{SISID: "U1", Login: "u1@example.com", GivenName: "Una", FamilyName: "One"})
	require.NoError(t, err)
	e, err := m.Enrol(ctx, lms.Enrolment{UserSISID: "U1", CourseSISID: "C1", SectionSISID: "S1", Role: lms.RoleStudent, Status: lms.StatusActive})
	require.NoError(t, err)
	mb := lms.Membership{GroupSISID: "G1", UserSISID: "U1", Status: lms.StatusActive}
	require.NoError(t, m.AddMember(ctx, mb))
	return m, e, mb
}

func TestCallsCountReadsWritesAndChanges(t *testing.T) {
	m, e, mb := fixture(t)
	ctx := t.Context()
	m.ResetCalls()

	// Repeating what is already there: writes are called, nothing changes.
	_, err := m.Enrol(ctx, e)
	require.NoError(t, err)
	require.NoError(t, m.AddMember(ctx, mb))
	require.NoError(t, m.UpdateCourse(ctx, lms.Course{SISID: "C1", Name: "Course", Code: "IST101"}))
	_, err = m.ReadState(ctx, []string{"C1"})
	require.NoError(t, err)
	_, err = m.ListCourses(ctx)
	require.NoError(t, err)

	c := m.Calls()
	assert.Equal(t, 2, c.Reads, c.String())
	assert.Equal(t, 3, c.Writes, c.String())
	assert.Equal(t, 0, c.Changes, "idempotent writes change nothing: %s", c)
	assert.Equal(t, map[memlms.Method]int{
		memlms.Enrol: 1, memlms.AddMember: 1, memlms.UpdateCourse: 1,
		memlms.ReadState: 1, memlms.ListCourses: 1,
	}, c.ByMethod)

	e.Status = lms.StatusInactive
	require.NoError(t, m.Unenrol(ctx, e))
	assert.Equal(t, 1, m.Calls().Changes)

	m.ResetCalls()
	assert.Equal(t, memlms.Calls{ByMethod: map[memlms.Method]int{}}, m.Calls())
}

func TestFaults(t *testing.T) {
	boom := &lms.RateLimitError{RetryAfter: 3}
	tests := []struct {
		name   string
		inject func(m *memlms.LMS)
		calls  int
		fails  []bool
	}{
		{"next two", func(m *memlms.LMS) { m.FailNext(memlms.CreateUser, 2, boom) }, 3, []bool{true, true, false}},
		{"always", func(m *memlms.LMS) { m.Fail(memlms.CreateUser, boom) }, 3, []bool{true, true, true}},
		{"cleared", func(m *memlms.LMS) { m.Fail(memlms.CreateUser, boom); m.ClearFaults() }, 1, []bool{false}},
		{"n=0 clears", func(m *memlms.LMS) { m.FailNext(memlms.CreateUser, 5, boom); m.FailNext(memlms.CreateUser, 0, boom) }, 1, []bool{false}},
		{"other method", func(m *memlms.LMS) { m.FailNext(memlms.UpdateUser, 1, boom) }, 1, []bool{false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := memlms.New()
			tc.inject(m)
			for i := range tc.calls {
				_, err := m.CreateUser(t.Context(), lms.User{SISID: fmt.Sprint("U", i), Login: fmt.Sprint("u", i)})
				if tc.fails[i] {
					require.Error(t, err, "call %d", i)
					var rl *lms.RateLimitError
					assert.ErrorAs(t, err, &rl, "the injected error comes back as is")
					assert.ErrorIs(t, err, lms.ErrRateLimited)
				} else {
					require.NoError(t, err, "call %d", i)
				}
			}
			assert.Equal(t, tc.calls, m.Calls().ByMethod[memlms.CreateUser], "failed calls count too")
			created := 0
			for _, f := range tc.fails {
				if !f {
					created++
				}
			}
			assert.Len(t, m.Dump().Users, created, "a failed call writes nothing")
		})
	}
}

func TestDumpKeepsRemovedAndIsDeterministic(t *testing.T) {
	build := func() *memlms.LMS {
		m, e, mb := fixture(t)
		e.Status = lms.StatusDeleted
		require.NoError(t, m.Unenrol(t.Context(), e))
		require.NoError(t, m.RemoveMember(t.Context(), mb))
		_, err := m.SeedCourse(lms.Course{Name: "Hand made", Code: "IST999"})
		require.NoError(t, err)
		return m
	}
	a, b := build().Dump(), build().Dump()
	assert.Equal(t, a, b)
	require.Len(t, a.Enrolments, 1)
	assert.Equal(t, lms.StatusDeleted, a.Enrolments[0].Status, "Dump shows deleted enrolments")
	require.Len(t, a.Memberships, 1)
	assert.Equal(t, lms.StatusDeleted, a.Memberships[0].Status, "Dump shows removed memberships")
	require.Len(t, a.Courses, 2)
	assert.Empty(t, a.Courses[0].SISID, "courses without SIS IDs sort first")

	stripped := memlms.StripIDs(a)
	for _, c := range stripped.Courses {
		assert.Empty(t, c.ID)
	}
	assert.NotEmpty(t, a.Courses[0].ID, "StripIDs must not change its input")
}

func TestCourseSISIDChangeCarriesChildren(t *testing.T) {
	m, e, _ := fixture(t)
	ctx := t.Context()
	courses, err := m.ListCourses(ctx)
	require.NoError(t, err)
	require.NoError(t, m.UpdateCourse(ctx, lms.Course{ID: courses[0].ID, SISID: "C1-new", Name: "Course", Code: "IST101"}))

	st, err := m.ReadState(ctx, []string{"C1-new"})
	require.NoError(t, err)
	require.Len(t, st.Enrolments, 1)
	assert.Equal(t, "C1-new", st.Enrolments[0].CourseSISID)
	assert.Equal(t, "C1-new", st.Sections[0].CourseSISID)
	assert.Equal(t, "C1-new", st.Groups[0].CourseSISID)
	assert.Equal(t, e.ID, st.Enrolments[0].ID)

	old, err := m.ReadState(ctx, []string{"C1"})
	require.NoError(t, err)
	assert.Empty(t, old.Courses, "the old SIS ID is free")
	_, err = m.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Reused"})
	assert.NoError(t, err)
}

func TestBadInputIsInvalid(t *testing.T) {
	m, e, mb := fixture(t)
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"empty course SIS ID", func() error { _, err := m.CreateCourse(ctx, lms.Course{Name: "x"}); return err }},
		{"invalid UTF-8 SIS ID", func() error { _, err := m.CreateCourse(ctx, lms.Course{SISID: "bad\xff"}); return err }},
		{"empty section SIS ID", func() error { _, err := m.CreateSection(ctx, lms.Section{CourseSISID: "C1"}); return err }},
		{"empty group course", func() error { _, err := m.CreateGroup(ctx, lms.Group{SISID: "G2"}); return err }},
		{"empty user SIS ID", func() error { _, err := m.CreateUser(ctx, lms.User{Login: "x"}); return err }},
		{"unknown role", func() error { x := e; x.Role = "overlord"; _, err := m.Enrol(ctx, x); return err }},
		{"empty enrol status", func() error { x := e; x.Status = ""; _, err := m.Enrol(ctx, x); return err }},
		{"unenrol to empty", func() error { x := e; x.Status = ""; return m.Unenrol(ctx, x) }},
		{"add member inactive", func() error { x := mb; x.Status = lms.StatusInactive; return m.AddMember(ctx, x) }},
		{"section moves course", func() error {
			_, err := m.CreateCourse(ctx, lms.Course{SISID: "C2"})
			require.NoError(t, err)
			return m.UpdateSection(ctx, lms.Section{SISID: "S1", CourseSISID: "C2", Name: "x"})
		}},
		{"evidence for another course's assessment", func() error {
			a, err := m.AddAssessment(lms.Assessment{CourseSISID: "C1", Title: "A"})
			require.NoError(t, err)
			_, err = m.SeedEvidence(lms.Evidence{CourseSISID: "C2", Submissions: []lms.Submission{{AssessmentID: a.ID, UserSISID: "U1"}}})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := m.Dump()
			err := tc.call()
			require.ErrorIs(t, err, lms.ErrInvalid)
			assert.Contains(t, err.Error(), "memlms: ", "errors say where they come from")
			if tc.name != "section moves course" && tc.name != "evidence for another course's assessment" {
				assert.Equal(t, before, m.Dump(), "a rejected call changes nothing")
			}
		})
	}
}

func TestLoginsAreCaseInsensitive(t *testing.T) {
	m := memlms.New()
	ctx := t.Context()
	_, err := m.CreateUser(ctx, lms.User{SISID: "A", Login: "Jo@Example.com"})
	require.NoError(t, err)
	_, err = m.CreateUser(ctx, lms.User{SISID: "B", Login: "jo@example.COM"})
	require.ErrorIs(t, err, lms.ErrConflict)
	// A user may change the case of their own login.
	require.NoError(t, m.UpdateUser(ctx, lms.User{SISID: "A", Login: "jo@example.com"}))
	// and giving up a login frees it.
	require.NoError(t, m.UpdateUser(ctx, lms.User{SISID: "A", Login: "jo2@example.com"}))
	_, err = m.CreateUser(ctx, lms.User{SISID: "B", Login: "JO@example.com"})
	require.NoError(t, err)
}

func TestSeedEvidenceIsAllOrNothing(t *testing.T) {
	m, _, _ := fixture(t)
	before, err := m.ReadEvidence(t.Context(), "C1")
	require.NoError(t, err)
	_, err = m.SeedEvidence(lms.Evidence{
		CourseSISID: "C1",
		Assessments: []lms.Assessment{{ID: "a", Title: "Written (BSBLDR501)"}},
		Submissions: []lms.Submission{
			{AssessmentID: "a", UserSISID: "U1", State: lms.SubmissionGraded},
			{AssessmentID: "a", UserSISID: "nobody", State: lms.SubmissionGraded},
		},
	})
	require.ErrorIs(t, err, lms.ErrNotFound)
	assert.Contains(t, err.Error(), `"nobody"`, "the error names the record")
	after, err := m.ReadEvidence(t.Context(), "C1")
	require.NoError(t, err)
	assert.Equal(t, before, after)
	// The assessment ID was not taken by the failed seed.
	_, err = m.AddAssessment(lms.Assessment{ID: "a", CourseSISID: "C1", Title: "Written (BSBLDR501)"})
	assert.NoError(t, err)
}

func TestReturnedValuesAreCopies(t *testing.T) {
	m := memlms.New()
	ctx := t.Context()
	start := mustTime(t, "2026-02-02T00:00:00Z")
	c, err := m.CreateCourse(ctx, lms.Course{SISID: "C1", Start: &start})
	require.NoError(t, err)
	*c.Start = c.Start.AddDate(1, 0, 0)
	st, err := m.ReadState(ctx, []string{"C1"})
	require.NoError(t, err)
	assert.True(t, st.Courses[0].Start.Equal(start), "changing a returned value must not change the LMS")
}

func TestConcurrentUse(t *testing.T) {
	m := memlms.New()
	ctx := t.Context()
	_, err := m.CreateCourse(ctx, lms.Course{SISID: "C"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				sis := fmt.Sprintf("U%d-%d", w, i)
				if _, err := m.CreateUser(ctx, lms.User{SISID: sis, Login: sis}); err != nil {
					errs <- err
					return
				}
				if _, err := m.Enrol(ctx, lms.Enrolment{UserSISID: sis, CourseSISID: "C", Role: lms.RoleStudent, Status: lms.StatusActive}); err != nil {
					errs <- err
					return
				}
				if _, err := m.ReadState(ctx, []string{"C"}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	st, err := m.ReadState(ctx, []string{"C"})
	require.NoError(t, err)
	assert.Len(t, st.Enrolments, 200)
	assert.Equal(t, 200, m.Calls().ByMethod[memlms.Enrol])
}

func TestCancelledContextIsNotAWrite(t *testing.T) {
	m := memlms.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := m.CreateCourse(ctx, lms.Course{SISID: "C"})
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, 0, m.Calls().Changes)
	assert.Empty(t, m.Dump().Courses)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}
