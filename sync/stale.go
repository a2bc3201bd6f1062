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
var errAlreadyDone = errors.New("vtsync: already done")

// recheck is the LMS as it is when a saved plan is applied.
type recheck struct {
	st    *lms.State
	users []lms.User
	loc   *time.Location
}

// rereads is what to read again: courses (with their groups or not) and
// users.
type rereads struct {
	courses []string
	groups  bool
	users   []string
}

// add adds what op of kind k needs read again.
func (r *rereads) add(k *kindSpec, op Op) {
	switch k.reread {
	case rereadNone:
		return
	case rereadUser:
		r.users = append(r.users, op.User.SISID)
		return
	case rereadGroups:
		r.groups = true
	}
	if !slices.Contains(r.courses, op.Scope) {
		r.courses = append(r.courses, op.Scope)
	}
}

func rereadsOf(k *kindSpec, op Op) rereads {
	var r rereads
	r.add(k, op)
	return r
}

// recheckState reads, in bulk, every LMS object the plan's checked ops
// change, the way the plan read them.
func (s *Syncer) recheckState(ctx context.Context, p *Plan) (*recheck, error) {
	var r rereads
	for _, op := range p.Ops {
		if k, err := checkOp(&op); err == nil && op.Observed != "" {
			r.add(k, op)
		}
	}
	return s.reread(ctx, r)
}

// reread reads what r names: the courses' state in one read, and the
// users not in it by SIS ID.
func (s *Syncer) reread(ctx context.Context, r rereads) (*recheck, error) {
	rc := &recheck{st: &lms.State{}, loc: s.loc}
	if len(r.courses) > 0 {
		st, err := s.readState(ctx, r.courses, !r.groups)
		if err != nil {
			return nil, err
		}
		rc.st = st
	}
	var unknown []string
	for _, u := range r.users {
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

// The fingerprints of each kind's object as re-read and as the op leaves
// it (the state column of opKinds).

func courseState(rc *recheck, op Op) (now, after string) {
	return courseFP(find(rc.st.Courses, func(c lms.Course) string { return c.SISID }, op.Course.SISID), rc.loc), courseFP(op.Course, rc.loc)
}

func sectionState(rc *recheck, op Op) (now, after string) {
	return sectionFP(find(rc.st.Sections, func(x lms.Section) string { return x.SISID }, op.Section.SISID)), sectionFP(op.Section)
}

func groupState(rc *recheck, op Op) (now, after string) {
	return groupFP(find(rc.st.Groups, func(x lms.Group) string { return x.SISID }, op.Group.SISID)), groupFP(op.Group)
}

func userState(rc *recheck, op Op) (now, after string) {
	return userFP(find(rc.users, func(x lms.User) string { return x.SISID }, op.User.SISID)), userFP(op.User)
}

func enrolmentState(rc *recheck, op Op) (now, after string) {
	return placementState(find(rc.st.Enrolments, lms.Enrolment.Key, op.Enrolment.Key()), op.Enrolment, enrolmentFP, false)
}

func unenrolmentState(rc *recheck, op Op) (now, after string) {
	return placementState(find(rc.st.Enrolments, lms.Enrolment.Key, op.Enrolment.Key()), op.Enrolment, enrolmentFP, true)
}

func membershipState(rc *recheck, op Op) (now, after string) {
	return placementState(find(rc.st.Memberships, lms.Membership.Key, op.Membership.Key()), op.Membership, membershipFP, false)
}

func removalState(rc *recheck, op Op) (now, after string) {
	return placementState(find(rc.st.Memberships, lms.Membership.Key, op.Membership.Key()), op.Membership, membershipFP, true)
}

// placementState fingerprints an enrolment or membership as found (nil:
// not there) and as the op leaves it. For a removal, one gone outright is
// as removed as it gets.
func placementState[T any](found, want *T, fp func(*T) string, removal bool) (now, after string) {
	if removal && found == nil {
		return absent, absent
	}
	return fp(found), fp(want)
}

// check decides whether op (of kind k) of a saved plan still applies: nil
// to go ahead, errAlreadyDone, or an ErrStale failure naming what moved.
func (rc *recheck) check(k *kindSpec, op Op) error {
	if rc == nil || op.Observed == "" || k.state == nil {
		return nil
	}
	now, after := k.state(rc, op)
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
