package sync

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// One table per kind. Everything the Syncer knows about a kind of
// operation is in that kind's row of opKinds: where Apply runs it, the
// LMS or VETtrak call that applies it, what it needs to have succeeded and
// what its failure stops, the counter it moves in the Report, the safety
// limit it counts against, and how a saved plan re-reads its object to
// tell whether it went stale. The planner, Apply, the bulk path, the
// stale check and the holds look a kind up here rather than switching on
// it, so a new kind is one new row (kinds_test fails on an OpKind without
// a complete one).
//
// No row function looks the table up itself: the callers pass the row.
// That keeps the table free of initialisation cycles.

// ObjectKind names a kind of LMS object: the unit Report.Created, Updated,
// Removed and Unchanged (and Plan.Unchanged) count in.
type ObjectKind string

// The LMS objects a plan creates, updates or removes.
const (
	ObjectCourse     ObjectKind = "course"
	ObjectSection    ObjectKind = "section"
	ObjectGroup      ObjectKind = "group"
	ObjectUser       ObjectKind = "user"
	ObjectEnrolment  ObjectKind = "enrolment"
	ObjectMembership ObjectKind = "membership"
)

// HoldKind names the safety limit a Hold exceeded.
type HoldKind string

// Safety limits.
const (
	// HoldRemove counts removals (unenrol, remove member) against the
	// active enrolments in scope: Safety.MaxRemoveShare.
	HoldRemove HoldKind = "remove"
	// HoldUpdate counts user updates against the users in scope:
	// Safety.MaxUpdateShare.
	HoldUpdate HoldKind = "update"
)

// effect is what an operation does to its object, and so the Report
// counter it moves once it succeeded.
type effect int

const (
	effectCreate  effect = iota + 1 // Report.Created[object]
	effectUpdate                    // Report.Updated[object]
	effectRemove                    // Report.Removed[object]
	effectResult                    // Report.ResultsWritten
	effectComment                   // Report.CommentsWritten
	effectMark                      // Report.Marked
)

// reread is what Apply reads again, for a saved plan's op (stale.go) or
// to tell whether a refused create's object is ours (applier.existed).
type reread int

const (
	// rereadNone: a VETtrak write, re-checked against a fresh read of
	// its enrolled units instead (units.go).
	rereadNone reread = iota
	// rereadCourse: the LMS state of the op's Scope course.
	rereadCourse
	// rereadGroups: the same, groups and memberships included.
	rereadGroups
	// rereadUser: the user, by SIS ID.
	rereadUser
)

// kindSpec is one row of the table.
type kindSpec struct {
	kind OpKind
	// phase orders Apply: phases run one after the other, the kinds of
	// one phase concurrently. Containers come before what goes in them,
	// people before their enrolments, removals after additions, VETtrak
	// writes last. Rows are listed in phase order, and that order (then
	// the key) is also a plan's order.
	phase int
	// object is the LMS object the op changes; empty for VETtrak writes.
	object ObjectKind
	effect effect
	// vettrak marks a write to VETtrak: it runs on the VETtrak workers
	// and never goes in a bulk write.
	vettrak bool
	// hold is the safety limit the op counts against, if any: such ops
	// are the destructive or mass changes a hold stops.
	hold HoldKind
	// reread is how its object is read again (stale.go).
	reread reread
	// existing marks a create whose conflict may be the object itself,
	// there already (applier.existed).
	existing bool

	// payload reports whether op carries what this kind sends. An op
	// without it (a hand-edited plan) fails instead of being sent.
	payload func(*Op) bool
	// apply sends op to the LMS or VETtrak.
	apply func(context.Context, *applier, Op) error
	// deps lists the scopes op needs to have succeeded; marks lists the
	// scopes its failure makes its dependents skip.
	deps, marks func(Op) []string
	// state is the fingerprint of op's object in what was re-read (absent
	// when it is not there) and the one it has once op is applied. Nil
	// for VETtrak writes.
	state func(*recheck, Op) (now, after string)
}

// opKinds is the table, in Apply's order.
var opKinds = []kindSpec{
	{kind: OpCreateCourse, phase: 0, object: ObjectCourse, effect: effectCreate, reread: rereadCourse, existing: true,
		payload: has(courseOf), apply: lmsWrite(created(lms.LMS.CreateCourse), courseOf),
		deps: noScopes, marks: courseScope, state: courseState},
	{kind: OpUpdateCourse, phase: 0, object: ObjectCourse, effect: effectUpdate, reread: rereadCourse,
		payload: has(courseOf), apply: lmsWrite(lms.LMS.UpdateCourse, courseOf),
		deps: noScopes, marks: courseScope, state: courseState},

	{kind: OpCreateSection, phase: 1, object: ObjectSection, effect: effectCreate, reread: rereadCourse, existing: true,
		payload: has(sectionOf), apply: lmsWrite(created(lms.LMS.CreateSection), sectionOf),
		deps: inCourse, marks: sectionScope, state: sectionState},
	{kind: OpUpdateSection, phase: 1, object: ObjectSection, effect: effectUpdate, reread: rereadCourse,
		payload: has(sectionOf), apply: lmsWrite(lms.LMS.UpdateSection, sectionOf),
		deps: inCourse, marks: sectionScope, state: sectionState},
	{kind: OpCreateGroup, phase: 1, object: ObjectGroup, effect: effectCreate, reread: rereadGroups, existing: true,
		payload: has(groupOf), apply: lmsWrite(created(lms.LMS.CreateGroup), groupOf),
		deps: inCourse, marks: groupScope, state: groupState},
	{kind: OpUpdateGroup, phase: 1, object: ObjectGroup, effect: effectUpdate, reread: rereadGroups,
		payload: has(groupOf), apply: lmsWrite(lms.LMS.UpdateGroup, groupOf),
		deps: inCourse, marks: groupScope, state: groupState},
	{kind: OpCreateUser, phase: 1, object: ObjectUser, effect: effectCreate, reread: rereadUser, existing: true,
		payload: has(userOf), apply: lmsWrite(created(lms.LMS.CreateUser), userOf),
		deps: noScopes, marks: userScope, state: userState},
	{kind: OpUpdateUser, phase: 1, object: ObjectUser, effect: effectUpdate, hold: HoldUpdate, reread: rereadUser,
		payload: has(userOf), apply: lmsWrite(lms.LMS.UpdateUser, userOf),
		deps: noScopes, marks: userScope, state: userState},

	{kind: OpEnrol, phase: 2, object: ObjectEnrolment, effect: effectCreate, reread: rereadCourse,
		payload: has(enrolmentOf), apply: lmsWrite(created(lms.LMS.Enrol), enrolmentOf),
		deps: enrolmentDeps, marks: enrolledUser, state: enrolmentState},
	{kind: OpAddMember, phase: 3, object: ObjectMembership, effect: effectCreate, reread: rereadGroups,
		payload: has(membershipOf), apply: lmsWrite(lms.LMS.AddMember, membershipOf),
		deps: membershipDeps, marks: memberUser, state: membershipState},

	{kind: OpUnenrol, phase: 4, object: ObjectEnrolment, effect: effectRemove, hold: HoldRemove, reread: rereadCourse,
		payload: has(enrolmentOf), apply: lmsWrite(lms.LMS.Unenrol, enrolmentOf),
		deps: enrolmentDeps, marks: enrolledUser, state: unenrolmentState},
	{kind: OpRemoveMember, phase: 4, object: ObjectMembership, effect: effectRemove, hold: HoldRemove, reread: rereadGroups,
		payload: has(membershipOf), apply: lmsWrite(lms.LMS.RemoveMember, membershipOf),
		deps: membershipDeps, marks: memberUser, state: removalState},

	{kind: OpWriteResult, phase: 5, effect: effectResult, vettrak: true,
		payload: has(resultOf), apply: writeResult,
		deps: noScopes, marks: noScopes},
	{kind: OpWriteComment, phase: 5, effect: effectComment, vettrak: true,
		payload: has(commentOf), apply: writeComment,
		deps: noScopes, marks: noScopes},
	{kind: OpMarkEnrolment, phase: 6, effect: effectMark, vettrak: true,
		payload: hasEnrolmentID, apply: markEnrolment,
		deps: usersPlaced, marks: noScopes},
	{kind: OpMarkOccurrence, phase: 7, effect: effectMark, vettrak: true,
		payload: hasOccurrenceID, apply: markOccurrence,
		deps: usersPlaced, marks: noScopes},
}

// kindIndex finds a kind's row in opKinds.
var kindIndex = func() map[OpKind]int {
	m := make(map[OpKind]int, len(opKinds))
	for i, k := range opKinds {
		m[k.kind] = i
	}
	return m
}()

// phases groups the kinds by phase, in order: each phase waits for the
// one before.
var phases = func() [][]OpKind {
	var out [][]OpKind
	for i, k := range opKinds {
		if i == 0 || k.phase != opKinds[i-1].phase {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], k.kind)
	}
	return out
}()

// phaseOfRank is the index in phases of each kind's phase, by rank.
var phaseOfRank = func() []int {
	out := make([]int, len(opKinds))
	for i, k := range opKinds {
		if i > 0 {
			out[i] = out[i-1]
			if k.phase != opKinds[i-1].phase {
				out[i]++
			}
		}
	}
	return out
}()

// phaseIndex is the index in phases of the kind's phase; -1 for a kind
// the Syncer does not know.
func (k OpKind) phaseIndex() int {
	if i, ok := kindIndex[k]; ok {
		return phaseOfRank[i]
	}
	return -1
}

// OpKinds returns every operation kind, in the order Apply runs them.
func OpKinds() []OpKind {
	out := make([]OpKind, len(opKinds))
	for i, k := range opKinds {
		out[i] = k.kind
	}
	return out
}

// spec returns the kind's row; false for a kind the Syncer does not know
// (a hand-edited or newer plan).
func (k OpKind) spec() (*kindSpec, bool) {
	i, ok := kindIndex[k]
	if !ok {
		return nil, false
	}
	return &opKinds[i], true
}

// IsVETtrakWrite reports whether the operation writes to VETtrak rather
// than the LMS.
func (k OpKind) IsVETtrakWrite() bool {
	s, ok := k.spec()
	return ok && s.vettrak
}

// rank is the kind's place in Apply's order; unknown kinds go last.
func (k OpKind) rank() int {
	if i, ok := kindIndex[k]; ok {
		return i
	}
	return len(opKinds)
}

// isPassback reports whether the kind is a result passback write, the
// only ops ReportResults applies.
func (k OpKind) isPassback() bool {
	s, ok := k.spec()
	return ok && (s.effect == effectResult || s.effect == effectComment)
}

// checkOp returns op's row, or the error op fails with when it has no
// usable row: an unknown kind, or no payload for its kind.
func checkOp(op *Op) (*kindSpec, error) {
	s, ok := op.Kind.spec()
	if !ok {
		return nil, fmt.Errorf("%w: unknown kind %q", ErrInvalidOp, op.Kind)
	}
	if !s.payload(op) {
		return nil, fmt.Errorf("%w: a %s operation without its payload", ErrInvalidOp, op.Kind)
	}
	return s, nil
}

// count moves the Report counter of a succeeded op of kind k.
func (r *Report) count(k *kindSpec) {
	switch k.effect {
	case effectCreate:
		r.Created[k.object]++
	case effectUpdate:
		r.Updated[k.object]++
	case effectRemove:
		r.Removed[k.object]++
	case effectResult:
		r.ResultsWritten++
	case effectComment:
		r.CommentsWritten++
	case effectMark:
		r.Marked++
	}
}

// Payloads: each kind sends one of the op's payload fields.

func courseOf(op *Op) *lms.Course            { return op.Course }
func sectionOf(op *Op) *lms.Section          { return op.Section }
func groupOf(op *Op) *lms.Group              { return op.Group }
func userOf(op *Op) *lms.User                { return op.User }
func enrolmentOf(op *Op) *lms.Enrolment      { return op.Enrolment }
func membershipOf(op *Op) *lms.Membership    { return op.Membership }
func resultOf(op *Op) *mapping.ResultWrite   { return op.Result }
func commentOf(op *Op) *mapping.CommentWrite { return op.Comment }
func hasEnrolmentID(op *Op) bool             { return op.EnrolmentID != 0 }
func hasOccurrenceID(op *Op) bool            { return op.OccurrenceID != 0 }

// has is the payload check of a kind that sends the payload get returns.
func has[T any](get func(*Op) *T) func(*Op) bool {
	return func(op *Op) bool { return get(op) != nil }
}

// Scopes: what an op needs (deps) and what its failure stops (marks).

func noScopes(Op) []string        { return nil }
func inCourse(op Op) []string     { return []string{op.Scope} }
func courseScope(op Op) []string  { return []string{op.Course.SISID} }
func sectionScope(op Op) []string { return []string{"section:" + op.Section.SISID} }
func groupScope(op Op) []string   { return []string{"group:" + op.Group.SISID} }
func userScope(op Op) []string    { return []string{"user:" + op.User.SISID} }
func enrolledUser(op Op) []string { return []string{"user:" + op.Enrolment.UserSISID} }
func memberUser(op Op) []string   { return []string{"user:" + op.Membership.UserSISID} }

func enrolmentDeps(op Op) []string {
	e := op.Enrolment
	return []string{e.CourseSISID, "section:" + e.SectionSISID, "user:" + e.UserSISID}
}

func membershipDeps(op Op) []string {
	return []string{op.Scope, "group:" + op.Membership.GroupSISID, "user:" + op.Membership.UserSISID}
}

// usersPlaced: a VETtrak flag waits for the LMS changes of every user it
// concerns.
func usersPlaced(op Op) []string {
	out := make([]string, len(op.Users))
	for i, u := range op.Users {
		out[i] = "user:" + u
	}
	return out
}

// holdCounts counts the ops per safety limit.
func holdCounts(ops []Op) map[HoldKind]int {
	out := map[HoldKind]int{}
	for _, op := range ops {
		if s, ok := op.Kind.spec(); ok && s.hold != "" {
			out[s.hold]++
		}
	}
	return out
}
