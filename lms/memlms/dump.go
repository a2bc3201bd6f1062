package memlms

import "github.com/vtsync/vtsync/lms"

// Dump returns everything the LMS holds: every course (with or without a
// SIS ID), section, group and user, and every enrolment and membership
// including deleted ones, each slice sorted by SIS ID or key. Two LMSs
// that saw the same calls in the same order dump equal states.
func (m *LMS) Dump() lms.State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return *m.stateLocked(nil, true)
}

// StripIDs returns a copy of s with every LMS-side ID cleared, for
// comparing an LMS's state with a desired state (which has no IDs).
func StripIDs(s lms.State) lms.State {
	out := lms.State{}
	for _, c := range s.Courses {
		c = copyCourse(c)
		c.ID = ""
		out.Courses = append(out.Courses, c)
	}
	for _, x := range s.Sections {
		x.ID = ""
		out.Sections = append(out.Sections, x)
	}
	for _, g := range s.Groups {
		g.ID = ""
		out.Groups = append(out.Groups, g)
	}
	for _, u := range s.Users {
		u.ID = ""
		out.Users = append(out.Users, u)
	}
	for _, e := range s.Enrolments {
		e.ID = ""
		out.Enrolments = append(out.Enrolments, e)
	}
	out.Memberships = append(out.Memberships, s.Memberships...)
	return out
}
