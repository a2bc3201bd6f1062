package memlms

import (
	"cmp"
	"context"
	"slices"

	"github.com/vtsync/vtsync/lms"
)

// ListCourses returns every course, those without a SIS ID included,
// ordered by SIS ID and then by creation.
func (m *LMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, ListCourses); err != nil {
		return nil, err
	}
	return m.allCoursesLocked(), nil
}

func (m *LMS) allCoursesLocked() []lms.Course {
	recs := make([]*course, 0, len(m.courses))
	for _, c := range m.courses {
		recs = append(recs, c)
	}
	slices.SortFunc(recs, func(a, b *course) int {
		return cmp.Or(cmp.Compare(a.c.SISID, b.c.SISID), cmp.Compare(a.seq, b.seq))
	})
	out := make([]lms.Course, len(recs))
	for i, c := range recs {
		out[i] = copyCourse(c.c)
	}
	return out
}

// ReadState returns the named courses with their sections, groups,
// enrolments and memberships (all but deleted ones) and the users those
// name. Unknown course SIS IDs are left out. Each slice is sorted by SIS ID
// or key, so two reads of the same state are equal.
func (m *LMS) ReadState(ctx context.Context, courseSISIDs []string) (*lms.State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, ReadState); err != nil {
		return nil, err
	}
	want := map[string]bool{} // course IDs
	for _, sis := range courseSISIDs {
		if c := m.courseBySISLocked(sis); c != nil {
			want[c.c.ID] = true
		}
	}
	return m.stateLocked(want, false), nil
}

// stateLocked renders the objects of the courses whose IDs are in want
// (every course when want is nil). withDeleted keeps deleted enrolments
// and memberships, for Dump.
func (m *LMS) stateLocked(want map[string]bool, withDeleted bool) *lms.State {
	in := func(courseID string) bool { return want == nil || want[courseID] }
	st := &lms.State{}
	for _, c := range m.allCoursesLocked() {
		if in(c.ID) {
			st.Courses = append(st.Courses, c)
		}
	}
	for _, s := range m.sections {
		if in(s.courseID) {
			st.Sections = append(st.Sections, m.renderSection(s))
		}
	}
	slices.SortFunc(st.Sections, func(a, b lms.Section) int { return cmp.Compare(a.SISID, b.SISID) })
	groupInScope := map[string]bool{}
	for _, g := range m.groups {
		if in(g.courseID) {
			st.Groups = append(st.Groups, m.renderGroup(g))
			groupInScope[g.g.SISID] = true
		}
	}
	slices.SortFunc(st.Groups, func(a, b lms.Group) int { return cmp.Compare(a.SISID, b.SISID) })

	named := map[string]bool{}
	for _, e := range m.enrolments {
		if !in(e.courseID) || (!withDeleted && e.e.Status == lms.StatusDeleted) {
			continue
		}
		st.Enrolments = append(st.Enrolments, m.renderEnrolment(e))
		named[e.e.UserSISID] = true
	}
	slices.SortFunc(st.Enrolments, func(a, b lms.Enrolment) int { return cmp.Compare(a.Key(), b.Key()) })
	for _, mb := range m.memberships {
		if !groupInScope[mb.GroupSISID] || (!withDeleted && mb.Status == lms.StatusDeleted) {
			continue
		}
		st.Memberships = append(st.Memberships, *mb)
		named[mb.UserSISID] = true
	}
	slices.SortFunc(st.Memberships, func(a, b lms.Membership) int { return cmp.Compare(a.Key(), b.Key()) })

	if want == nil {
		for sis := range m.users {
			named[sis] = true
		}
	}
	for sis := range named {
		if u := m.users[sis]; u != nil {
			st.Users = append(st.Users, *u)
		}
	}
	slices.SortFunc(st.Users, func(a, b lms.User) int { return cmp.Compare(a.SISID, b.SISID) })
	return st
}

// ReadUsers returns the users with the given SIS IDs, sorted by SIS ID,
// each once; unknown IDs are left out.
func (m *LMS) ReadUsers(ctx context.Context, userSISIDs []string) ([]lms.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, ReadUsers); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []lms.User{}
	for _, sis := range userSISIDs {
		if u := m.users[sis]; u != nil && !seen[sis] {
			seen[sis] = true
			out = append(out, *u)
		}
	}
	slices.SortFunc(out, func(a, b lms.User) int { return cmp.Compare(a.SISID, b.SISID) })
	return out, nil
}

// ReadEvidence returns a course's assessments (in the order they were
// added), submissions (by assessment, then user), progress and activity
// (by user). An unknown course is lms.ErrNotFound; a course with no
// evidence gives empty, non-nil slices.
func (m *LMS) ReadEvidence(ctx context.Context, courseSISID string) (*lms.Evidence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, ReadEvidence); err != nil {
		return nil, err
	}
	c := m.courseBySISLocked(courseSISID)
	if c == nil {
		return nil, errorf(ReadEvidence, "course", courseSISID, lms.ErrNotFound, "")
	}
	return m.evidenceLocked(c), nil
}
