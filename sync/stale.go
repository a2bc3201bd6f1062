package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// Stale plans. A plan records, in each LMS op's Observed, a fingerprint of
// the object as the plan saw it (absent for a create). An Apply of a plan
// that was not made just before (Apply called by the caller, a plan read
// back from JSON) reads the objects again first, in bulk, and:
//
//   - goes ahead where nothing moved;
//   - skips an op whose change is already there (another Apply of the same
//     plan, or a person made it), counting it in Report.AlreadyDone rather
//     than as a change;
//   - fails an op whose object moved otherwise with ErrStale, retried by the
//     next run's fresh plan (no backoff).
//
// VETtrak writes are re-checked the same way: each result and comment
// write re-reads the enrolment's units and refuses with
// ErrChangedInVETtrak if the value it replaces changed.

// absent is the fingerprint of an object that is not there.
const absent = "absent"

// Managed views of each kind: what is compared is what the SDK manages
// (managed.go), so a field the LMS fills in never makes a plan stale.
type (
	courseView struct{ SISID, Name, Code, Start, End string }
	nameView   struct{ SISID, CourseSISID, Name string }
	userView   struct{ SISID, Login, GivenName, FamilyName, Email string }
	statusView struct {
		Key    string
		Active bool
	}
)

func courseFP(c *lms.Course, loc *time.Location) string {
	if c == nil {
		return absent
	}
	return fingerprint(courseView{c.SISID, c.Name, c.Code, dayOf(c.Start, loc), dayOf(c.End, loc)})
}

func sectionFP(s *lms.Section) string {
	if s == nil {
		return absent
	}
	return fingerprint(nameView{s.SISID, s.CourseSISID, s.Name})
}

func groupFP(g *lms.Group) string {
	if g == nil {
		return absent
	}
	return fingerprint(nameView{g.SISID, g.CourseSISID, g.Name})
}

func userFP(u *lms.User) string {
	if u == nil {
		return absent
	}
	return fingerprint(userView{u.SISID, u.Login, u.GivenName, u.FamilyName, u.Email})
}

// enrolmentFP and membershipFP keep whether the placement is active: the
// only thing an enrol or unenrol changes.
func enrolmentFP(e *lms.Enrolment) string {
	if e == nil {
		return absent
	}
	return fingerprint(statusView{e.Key(), e.Status == lms.StatusActive})
}

func membershipFP(m *lms.Membership) string {
	if m == nil {
		return absent
	}
	return fingerprint(statusView{m.Key(), m.Status != lms.StatusDeleted && m.Status != lms.StatusInactive})
}

// find returns a pointer to the element of items with key k, or nil.
func find[T any](items []T, keyOf func(T) string, k string) *T {
	if i := slices.IndexFunc(items, func(x T) bool { return keyOf(x) == k }); i >= 0 {
		return &items[i]
	}
	return nil
}

// errAlreadyDone marks an op of a saved plan whose change is already in
// the LMS.
var errAlreadyDone = errors.New("already done")

// recheck is the LMS as it is when a saved plan is applied.
type recheck struct {
	st    *lms.State
	users []lms.User
	loc   *time.Location
}

// recheckState reads, in bulk, every LMS object the plan's checked ops
// change, the way the plan read them.
func (s *Syncer) recheckState(ctx context.Context, p *Plan) (*recheck, error) {
	var courses, users []string
	groups := false
	for _, op := range p.Ops {
		if op.Observed == "" {
			continue
		}
		switch op.Kind {
		case OpCreateUser, OpUpdateUser:
			users = append(users, op.User.SISID)
			continue
		case OpCreateGroup, OpUpdateGroup, OpAddMember, OpRemoveMember:
			groups = true
		}
		if !slices.Contains(courses, op.Scope) {
			courses = append(courses, op.Scope)
		}
	}
	rc := &recheck{st: &lms.State{}, loc: s.loc}
	if len(courses) > 0 {
		st, err := s.readState(ctx, courses, !groups)
		if err != nil {
			return nil, err
		}
		rc.st = st
	}
	var unknown []string
	for _, u := range users {
		if find(rc.st.Users, func(x lms.User) string { return x.SISID }, u) == nil {
			unknown = append(unknown, u)
		}
	}
	rc.users = rc.st.Users
	if len(unknown) > 0 {
		more, err := s.dst.ReadUsers(ctx, unknown)
		if err != nil {
			return nil, err
		}
		rc.users = append(slices.Clone(rc.users), more...)
	}
	return rc, nil
}

// current returns the fingerprint of op's object now and the one it has
// once op is applied.
func (rc *recheck) current(op Op) (now, after string) {
	st := rc.st
	switch op.Kind {
	case OpCreateCourse, OpUpdateCourse:
		return courseFP(find(st.Courses, func(c lms.Course) string { return c.SISID }, op.Course.SISID), rc.loc), courseFP(op.Course, rc.loc)
	case OpCreateSection, OpUpdateSection:
		return sectionFP(find(st.Sections, func(x lms.Section) string { return x.SISID }, op.Section.SISID)), sectionFP(op.Section)
	case OpCreateGroup, OpUpdateGroup:
		return groupFP(find(st.Groups, func(x lms.Group) string { return x.SISID }, op.Group.SISID)), groupFP(op.Group)
	case OpCreateUser, OpUpdateUser:
		return userFP(find(rc.users, func(x lms.User) string { return x.SISID }, op.User.SISID)), userFP(op.User)
	case OpEnrol, OpUnenrol:
		now := find(st.Enrolments, lms.Enrolment.Key, op.Enrolment.Key())
		after := *op.Enrolment
		if op.Kind == OpUnenrol && now == nil {
			// An enrolment removed outright is as unenrolled as it gets.
			return absent, absent
		}
		return enrolmentFP(now), enrolmentFP(&after)
	case OpAddMember, OpRemoveMember:
		now := find(st.Memberships, lms.Membership.Key, op.Membership.Key())
		if op.Kind == OpRemoveMember && now == nil {
			return absent, absent
		}
		return membershipFP(now), membershipFP(op.Membership)
	}
	return "", ""
}

// check decides whether op of a saved plan still applies: nil to go
// ahead, errAlreadyDone, or an ErrStale failure naming what moved.
func (rc *recheck) check(op Op) error {
	if rc == nil || op.Observed == "" {
		return nil
	}
	now, after := rc.current(op)
	switch now {
	case op.Observed:
		return nil
	case after:
		return errAlreadyDone
	}
	what := "changed"
	switch {
	case now == absent:
		what = "was removed"
	case op.Observed == absent:
		what = "was created differently"
	}
	return fmt.Errorf("%w: it %s in the LMS since the plan was made; plan again", ErrStale, what)
}
