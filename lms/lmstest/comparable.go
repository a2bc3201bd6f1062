package lmstest

import (
	"slices"
	"strings"

	"github.com/vtsync/vtsync/lms"
)

// Comparable returns a copy of st that two LMSs holding the same objects
// give equal: the LMS's own IDs cleared (they depend on the order writes
// arrived in) and every list sorted by SIS ID or key. Tests use it to
// compare what two write paths (one call each, a bulk import) produced.
func Comparable(st lms.State) lms.State {
	out := lms.State{
		Courses: slices.Clone(st.Courses), Sections: slices.Clone(st.Sections), Groups: slices.Clone(st.Groups),
		Users: slices.Clone(st.Users), Enrolments: slices.Clone(st.Enrolments), Memberships: slices.Clone(st.Memberships),
	}
	for i := range out.Courses {
		out.Courses[i].ID = ""
	}
	for i := range out.Sections {
		out.Sections[i].ID = ""
	}
	for i := range out.Groups {
		out.Groups[i].ID = ""
	}
	for i := range out.Users {
		out.Users[i].ID = ""
	}
	for i := range out.Enrolments {
		out.Enrolments[i].ID = ""
	}
	slices.SortFunc(out.Courses, func(a, b lms.Course) int { return strings.Compare(a.SISID, b.SISID) })
	slices.SortFunc(out.Sections, func(a, b lms.Section) int { return strings.Compare(a.SISID, b.SISID) })
	slices.SortFunc(out.Groups, func(a, b lms.Group) int { return strings.Compare(a.SISID, b.SISID) })
	slices.SortFunc(out.Users, func(a, b lms.User) int { return strings.Compare(a.SISID, b.SISID) })
	slices.SortFunc(out.Enrolments, func(a, b lms.Enrolment) int { return strings.Compare(a.Key(), b.Key()) })
	slices.SortFunc(out.Memberships, func(a, b lms.Membership) int { return strings.Compare(a.Key(), b.Key()) })
	return out
}
