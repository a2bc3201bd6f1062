package sync

import (
	"cmp"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// diffResult is the structural part of a plan.
type diffResult struct {
	ops       []Op
	unchanged map[ObjectKind]int
}

// diff compares the desired LMS state with the observed one and returns the
// operations that close the gap. Only managed fields are compared (see
// managed.go: one comparator per kind), so fields the LMS fills in (IDs,
// defaults) never cause an update; course dates are compared as days in
// loc, the provider's zone. Objects the
// LMS has but VETtrak does not mention are left alone: removal needs an
// explicit non-active status in the desired state.
//
// all is every course the LMS listed; it finds courses to adopt by ID.
func diff(want, have *lms.State, haveUsers []lms.User, all []lms.Course, loc *time.Location) diffResult {
	d := diffResult{unchanged: map[ObjectKind]int{}}

	courses := index(have.Courses, func(c lms.Course) string { return c.SISID })
	byID := index(all, func(c lms.Course) string { return c.ID })
	for _, c := range want.Courses {
		got, ok := courses[c.SISID]
		if !ok && c.ID != "" {
			// A course matched by code that has no SIS ID yet: adopt it.
			if g, found := byID[c.ID]; found {
				op := c
				d.ops = append(d.ops, Op{Kind: OpUpdateCourse, Key: key(OpUpdateCourse, c.SISID), Scope: c.SISID,
					Reason: reasonf("adopt course %q (code %s) by giving it SIS ID %q", g.Name, g.Code, c.SISID), Course: &op})
				continue
			}
		}
		if !ok {
			op := c
			d.ops = append(d.ops, Op{Kind: OpCreateCourse, Key: key(OpCreateCourse, c.SISID), Scope: c.SISID,
				Reason: reasonf("course %q does not exist", c.SISID), Course: &op, Observed: absent})
			continue
		}
		if ch := courseChanges(got, c, loc); len(ch) > 0 {
			op := c
			op.ID = got.ID
			// Dates VETtrak does not set are not managed: an update
			// carries the LMS's own, so it never clears them.
			op.Start = cmp.Or(op.Start, got.Start)
			op.End = cmp.Or(op.End, got.End)
			d.ops = append(d.ops, Op{Kind: OpUpdateCourse, Key: key(OpUpdateCourse, c.SISID), Scope: c.SISID,
				Reason: reasonf("course %q changed: %s", c.SISID, ch), Course: &op, Observed: courseFP(&got, loc)})
		} else {
			d.unchanged[ObjectCourse]++
		}
	}

	sections := index(have.Sections, func(s lms.Section) string { return s.SISID })
	for _, s := range want.Sections {
		got, ok := sections[s.SISID]
		if !ok {
			op := s
			d.ops = append(d.ops, Op{Kind: OpCreateSection, Key: key(OpCreateSection, s.SISID), Scope: s.CourseSISID,
				Reason: reasonf("section %q does not exist in course %q", s.SISID, s.CourseSISID), Section: &op, Observed: absent})
			continue
		}
		if ch := sectionChanges(got, s); len(ch) > 0 {
			op := s
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUpdateSection, Key: key(OpUpdateSection, s.SISID), Scope: s.CourseSISID,
				Reason: reasonf("section %q changed: %s", s.SISID, ch), Section: &op, Observed: sectionFP(&got)})
		} else {
			d.unchanged[ObjectSection]++
		}
	}

	groups := index(have.Groups, func(g lms.Group) string { return g.SISID })
	for _, g := range want.Groups {
		got, ok := groups[g.SISID]
		if !ok {
			op := g
			d.ops = append(d.ops, Op{Kind: OpCreateGroup, Key: key(OpCreateGroup, g.SISID), Scope: g.CourseSISID,
				Reason: reasonf("group %q (%s) does not exist in course %q", g.SISID, g.Name, g.CourseSISID), Group: &op, Observed: absent})
			continue
		}
		if ch := groupChanges(got, g); len(ch) > 0 {
			op := g
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUpdateGroup, Key: key(OpUpdateGroup, g.SISID), Scope: g.CourseSISID,
				Reason: reasonf("group %q changed: %s", g.SISID, ch), Group: &op, Observed: groupFP(&got)})
		} else {
			d.unchanged[ObjectGroup]++
		}
	}

	users := index(have.Users, func(u lms.User) string { return u.SISID })
	for _, u := range haveUsers {
		users[u.SISID] = u
	}
	for _, u := range want.Users {
		got, ok := users[u.SISID]
		if !ok {
			op := u
			d.ops = append(d.ops, Op{Kind: OpCreateUser, Key: key(OpCreateUser, u.SISID), Scope: "user:" + u.SISID,
				Reason: reasonf("user %q (%s) does not exist", u.SISID, u.DisplayName()), User: &op, Observed: absent})
			continue
		}
		if ch := userChanges(got, u); len(ch) > 0 {
			op := u
			op.ID = got.ID
			// The time zone is a default for new users only: a learner's
			// own choice in the LMS is theirs to keep.
			op.TimeZone = got.TimeZone
			d.ops = append(d.ops, Op{Kind: OpUpdateUser, Key: key(OpUpdateUser, u.SISID), Scope: "user:" + u.SISID,
				Reason: reasonf("user %q changed: %s", u.SISID, ch), User: &op, Observed: userFP(&got)})
		} else {
			d.unchanged[ObjectUser]++
		}
	}

	enrols := index(have.Enrolments, lms.Enrolment.Key)
	for _, e := range want.Enrolments {
		got, ok := enrols[e.Key()]
		active := ok && got.Status == lms.StatusActive
		seen := absent
		if ok {
			seen = enrolmentFP(&got)
		}
		switch {
		case e.Status == lms.StatusActive && !active:
			op := e
			why := "not enrolled"
			if ok {
				why = "enrolment is " + string(got.Status)
			}
			d.ops = append(d.ops, Op{Kind: OpEnrol, Key: key(OpEnrol, e.Key()), Scope: e.CourseSISID,
				Reason: reasonf("%s %q in %q: %s", e.Role, e.UserSISID, sectionOrCourse(e), why), Enrolment: &op, Observed: seen})
		case e.Status != lms.StatusActive && active:
			op := e
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUnenrol, Key: key(OpUnenrol, e.Key()), Scope: e.CourseSISID,
				Reason: reasonf("%s %q in %q: VETtrak says withdrawn → %s", e.Role, e.UserSISID, sectionOrCourse(e), e.Status), Enrolment: &op, Observed: seen})
		default:
			d.unchanged[ObjectEnrolment]++
		}
	}

	groupsWanted := index(want.Groups, func(g lms.Group) string { return g.SISID })
	members := index(have.Memberships, lms.Membership.Key)
	for _, m := range want.Memberships {
		got, ok := members[m.Key()]
		active := ok && got.Status != lms.StatusDeleted && got.Status != lms.StatusInactive
		scope := groupsWanted[m.GroupSISID].CourseSISID
		seen := absent
		switch {
		case scope == "":
			seen = "" // no course to re-read it in: not checked
		case ok:
			seen = membershipFP(&got)
		}
		switch {
		case m.Status == lms.StatusActive && !active:
			op := m
			d.ops = append(d.ops, Op{Kind: OpAddMember, Key: key(OpAddMember, m.Key()), Scope: scope,
				Reason: reasonf("%q is not in group %q", m.UserSISID, m.GroupSISID), Membership: &op, Observed: seen})
		case m.Status != lms.StatusActive && active:
			op := m
			d.ops = append(d.ops, Op{Kind: OpRemoveMember, Key: key(OpRemoveMember, m.Key()), Scope: scope,
				Reason: reasonf("%q withdrawn in VETtrak: leave group %q", m.UserSISID, m.GroupSISID), Membership: &op, Observed: seen})
		default:
			d.unchanged[ObjectMembership]++
		}
	}
	return d
}

func index[T any](items []T, keyOf func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		if k := keyOf(it); k != "" {
			m[k] = it
		}
	}
	return m
}

func sectionOrCourse(e lms.Enrolment) string {
	if e.SectionSISID != "" {
		return e.SectionSISID
	}
	return e.CourseSISID
}
