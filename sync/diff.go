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
	// On a first run nearly everything wanted is an op: sized for that, d.ops
	// grows once instead of by quarters, each step a copy of all before.
	d := diffResult{unchanged: map[ObjectKind]int{}, ops: make([]Op, 0, missing(want, have))}

	courses := index(have.Courses, func(c *lms.Course) string { return c.SISID })
	byID := index(all, func(c *lms.Course) string { return c.ID })
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
		if ch := courseChanges(*got, c, loc); len(ch) > 0 {
			op := c
			op.ID = got.ID
			// Dates VETtrak does not set are not managed: an update
			// carries the LMS's own, so it never clears them.
			op.Start = cmp.Or(op.Start, got.Start)
			op.End = cmp.Or(op.End, got.End)
			d.ops = append(d.ops, Op{Kind: OpUpdateCourse, Key: key(OpUpdateCourse, c.SISID), Scope: c.SISID,
				Reason: reasonf("course %q changed: %s", c.SISID, ch), Course: &op, Observed: courseFP(got, loc)})
		} else {
			d.unchanged[ObjectCourse]++
		}
	}

	sections := index(have.Sections, func(s *lms.Section) string { return s.SISID })
	for _, s := range want.Sections {
		got, ok := sections[s.SISID]
		if !ok {
			op := s
			d.ops = append(d.ops, Op{Kind: OpCreateSection, Key: key(OpCreateSection, s.SISID), Scope: s.CourseSISID,
				Reason: reasonf("section %q does not exist in course %q", s.SISID, s.CourseSISID), Section: &op, Observed: absent})
			continue
		}
		if ch := sectionChanges(*got, s); len(ch) > 0 {
			op := s
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUpdateSection, Key: key(OpUpdateSection, s.SISID), Scope: s.CourseSISID,
				Reason: reasonf("section %q changed: %s", s.SISID, ch), Section: &op, Observed: sectionFP(got)})
		} else {
			d.unchanged[ObjectSection]++
		}
	}

	groups := index(have.Groups, func(g *lms.Group) string { return g.SISID })
	for _, g := range want.Groups {
		got, ok := groups[g.SISID]
		if !ok {
			op := g
			d.ops = append(d.ops, Op{Kind: OpCreateGroup, Key: key(OpCreateGroup, g.SISID), Scope: g.CourseSISID,
				Reason: reasonf("group %q (%s) does not exist in course %q", g.SISID, g.Name, g.CourseSISID), Group: &op, Observed: absent})
			continue
		}
		if ch := groupChanges(*got, g); len(ch) > 0 {
			op := g
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUpdateGroup, Key: key(OpUpdateGroup, g.SISID), Scope: g.CourseSISID,
				Reason: reasonf("group %q changed: %s", g.SISID, ch), Group: &op, Observed: groupFP(got)})
		} else {
			d.unchanged[ObjectGroup]++
		}
	}

	users := index(have.Users, func(u *lms.User) string { return u.SISID })
	for i := range haveUsers {
		users[haveUsers[i].SISID] = &haveUsers[i]
	}
	for _, u := range want.Users {
		got, ok := users[u.SISID]
		if !ok {
			op := u
			d.ops = append(d.ops, Op{Kind: OpCreateUser, Key: key(OpCreateUser, u.SISID), Scope: "user:" + u.SISID,
				Reason: reasonf("user %q (%s) does not exist", u.SISID, u.DisplayName()), User: &op, Observed: absent})
			continue
		}
		if ch := userChanges(*got, u); len(ch) > 0 {
			op := u
			op.ID = got.ID
			// The time zone is a default for new users only: a learner's
			// own choice in the LMS is theirs to keep.
			op.TimeZone = got.TimeZone
			d.ops = append(d.ops, Op{Kind: OpUpdateUser, Key: key(OpUpdateUser, u.SISID), Scope: "user:" + u.SISID,
				Reason: reasonf("user %q changed: %s", u.SISID, ch), User: &op, Observed: userFP(got)})
		} else {
			d.unchanged[ObjectUser]++
		}
	}

	enrols := make(map[enrolmentID]*lms.Enrolment, len(have.Enrolments))
	for i := range have.Enrolments {
		enrols[idOfEnrolment(&have.Enrolments[i])] = &have.Enrolments[i]
	}
	for _, e := range want.Enrolments {
		got, ok := enrols[idOfEnrolment(&e)]
		active := ok && got.Status == lms.StatusActive
		// The fingerprint only for an op: most enrolments match, and a
		// fingerprint is a few allocations.
		seen := func() string {
			if ok {
				return enrolmentFP(got)
			}
			return absent
		}
		switch {
		case e.Status == lms.StatusActive && !active:
			op := e
			why := "not enrolled"
			if ok {
				why = "enrolment is " + string(got.Status)
			}
			d.ops = append(d.ops, Op{Kind: OpEnrol, Key: key(OpEnrol, e.Key()), Scope: e.CourseSISID,
				Reason: reasonf("%s %q in %q: %s", e.Role, e.UserSISID, sectionOrCourse(e), why), Enrolment: &op, Observed: seen()})
		case e.Status != lms.StatusActive && active:
			op := e
			op.ID = got.ID
			d.ops = append(d.ops, Op{Kind: OpUnenrol, Key: key(OpUnenrol, e.Key()), Scope: e.CourseSISID,
				Reason: reasonf("%s %q in %q: VETtrak says withdrawn → %s", e.Role, e.UserSISID, sectionOrCourse(e), e.Status), Enrolment: &op, Observed: seen()})
		default:
			d.unchanged[ObjectEnrolment]++
		}
	}

	groupsWanted := index(want.Groups, func(g *lms.Group) string { return g.SISID })
	members := make(map[membershipID]*lms.Membership, len(have.Memberships))
	for i := range have.Memberships {
		members[idOfMembership(&have.Memberships[i])] = &have.Memberships[i]
	}
	for _, m := range want.Memberships {
		got, ok := members[idOfMembership(&m)]
		active := ok && got.Status != lms.StatusDeleted && got.Status != lms.StatusInactive
		scope := ""
		if g := groupsWanted[m.GroupSISID]; g != nil {
			scope = g.CourseSISID
		}
		seen := func() string {
			switch {
			case scope == "":
				return "" // no course to re-read it in: not checked
			case ok:
				return membershipFP(got)
			}
			return absent
		}
		switch {
		case m.Status == lms.StatusActive && !active:
			op := m
			d.ops = append(d.ops, Op{Kind: OpAddMember, Key: key(OpAddMember, m.Key()), Scope: scope,
				Reason: reasonf("%q is not in group %q", m.UserSISID, m.GroupSISID), Membership: &op, Observed: seen()})
		case m.Status != lms.StatusActive && active:
			op := m
			d.ops = append(d.ops, Op{Kind: OpRemoveMember, Key: key(OpRemoveMember, m.Key()), Scope: scope,
				Reason: reasonf("%q withdrawn in VETtrak: leave group %q", m.UserSISID, m.GroupSISID), Membership: &op, Observed: seen()})
		default:
			d.unchanged[ObjectMembership]++
		}
	}
	return d
}

// index maps items by a non-empty key to their place in items (the last
// one when two share a key): pointers, not copies, as an LMS state's
// objects are tens of thousands at a large provider's.
func index[T any](items []T, keyOf func(*T) string) map[string]*T {
	m := make(map[string]*T, len(items))
	for i := range items {
		if k := keyOf(&items[i]); k != "" {
			m[k] = &items[i]
		}
	}
	return m
}

// enrolmentID is lms.Enrolment.Key as a map key of the enrolment's own
// strings: no key string built per enrolment, twice per diff.
type enrolmentID struct {
	course, section, user string
	role                  lms.Role
}

func idOfEnrolment(e *lms.Enrolment) enrolmentID {
	return enrolmentID{e.CourseSISID, e.SectionSISID, e.UserSISID, e.Role}
}

// membershipID is lms.Membership.Key as a map key.
type membershipID struct{ group, user string }

func idOfMembership(m *lms.Membership) membershipID { return membershipID{m.GroupSISID, m.UserSISID} }

// missing is how many wanted objects have no counterpart in have by count
// alone: on a first run, about the number of ops diff makes.
func missing(want, have *lms.State) int {
	n := 0
	for _, d := range [...]int{
		len(want.Courses) - len(have.Courses), len(want.Sections) - len(have.Sections),
		len(want.Groups) - len(have.Groups), len(want.Users) - len(have.Users),
		len(want.Enrolments) - len(have.Enrolments), len(want.Memberships) - len(have.Memberships),
	} {
		n += max(d, 0)
	}
	return n
}

func sectionOrCourse(e lms.Enrolment) string {
	if e.SectionSISID != "" {
		return e.SectionSISID
	}
	return e.CourseSISID
}
