package sync

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// OpKind names what an operation does. Each kind creates, updates or
// removes one ObjectKind in the LMS, or writes to VETtrak: the create and
// enrol kinds count in Report.Created, the update kinds in Report.Updated,
// unenrol and remove_member in Report.Removed (and against
// Safety.MaxRemoveShare), update_user against Safety.MaxUpdateShare, and the
// VETtrak writes in Report.ResultsWritten, CommentsWritten and Marked.
type OpKind string

// Operation kinds, in the order Apply runs them: containers before what goes
// in them, people before their enrolments, removals after additions, and
// VETtrak writes last. What each does is in its row of the kind table
// (kinds.go).
const (
	OpCreateCourse   OpKind = "create_course"
	OpUpdateCourse   OpKind = "update_course"
	OpCreateSection  OpKind = "create_section"
	OpUpdateSection  OpKind = "update_section"
	OpCreateGroup    OpKind = "create_group"
	OpUpdateGroup    OpKind = "update_group"
	OpCreateUser     OpKind = "create_user"
	OpUpdateUser     OpKind = "update_user"
	OpEnrol          OpKind = "enrol"
	OpAddMember      OpKind = "add_member"
	OpUnenrol        OpKind = "unenrol"
	OpRemoveMember   OpKind = "remove_member"
	OpWriteResult    OpKind = "write_result"
	OpWriteComment   OpKind = "write_comment"
	OpMarkEnrolment  OpKind = "mark_enrolment"
	OpMarkOccurrence OpKind = "mark_occurrence"
)

// Op is one change a plan makes. Exactly one payload field is set, matching
// Kind. Key is stable across runs for the same change, so it serves as an
// idempotency key and as the key of the item's failure/retry state.
type Op struct {
	Kind   OpKind `json:"kind"`
	Key    string `json:"key"`
	Reason string `json:"reason"`
	// Scope is the course SIS ID (or "user:…", "result:…") a failure is
	// isolated to.
	Scope string `json:"scope"`

	Course     *lms.Course           `json:"course,omitempty"`
	Section    *lms.Section          `json:"section,omitempty"`
	Group      *lms.Group            `json:"group,omitempty"`
	User       *lms.User             `json:"user,omitempty"`
	Enrolment  *lms.Enrolment        `json:"enrolment,omitempty"`
	Membership *lms.Membership       `json:"membership,omitempty"`
	Result     *mapping.ResultWrite  `json:"result,omitempty"`
	Comment    *mapping.CommentWrite `json:"comment,omitempty"`
	// EnrolmentID / OccurrenceID name the VETtrak record a mark op flags;
	// Users lists the user SIS IDs whose LMS changes it waits for.
	EnrolmentID  int64    `json:"enrolment_id,omitempty"`
	OccurrenceID int64    `json:"occurrence_id,omitempty"`
	Users        []string `json:"users,omitempty"`
	// Observed fingerprints the LMS object as the plan saw it ("absent"
	// when there was none), so Apply can tell what moved since (see
	// stale.go). Empty for ops that are not checked this way.
	Observed string `json:"observed,omitempty"`
}

// Plan is everything a run would change, as a value: Apply executes exactly
// it. It marshals to JSON for review.
type Plan struct {
	CreatedAt   time.Time            `json:"created_at"`
	Workflow    mapping.Workflow     `json:"workflow"`
	Ops         []Op                 `json:"ops"`
	Diagnostics []mapping.Diagnostic `json:"diagnostics,omitempty"`
	Conflicts   []mapping.Conflict   `json:"conflicts,omitempty"`
	// Holds are the safety limits this plan exceeds; Apply refuses it
	// unless allowed.
	Holds []Hold `json:"holds,omitempty"`
	// Unchanged counts, per object kind, what already matched.
	Unchanged map[ObjectKind]int `json:"unchanged"`
	// Deferred lists op keys left out because their item is waiting out a
	// retry backoff from an earlier failure.
	Deferred []string `json:"deferred,omitempty"`
	// NeedsPerson lists ops left out because they failed before in a way
	// retrying cannot fix (ErrNeedsPerson) and their inputs are the same:
	// each with the cause. Release lets them run again.
	NeedsPerson []Failure `json:"needs_person,omitempty"`
	// Observed counts what was read: occurrences, enrolments, ... .
	Observed map[string]int `json:"observed"`
	// ReadFailures are records that could not be read: they are left out
	// of this plan (never treated as "gone") and reported.
	ReadFailures []Failure `json:"read_failures,omitempty"`
	// Lint is the assessment ↔ unit binding report of every course whose
	// evidence was read.
	Lint []mapping.LintReport `json:"lint,omitempty"`
	// Cursors are the incremental-read positions this plan's observation
	// reached; Apply saves them once the plan is applied.
	Cursors map[string]time.Time `json:"cursors,omitempty"`

	planState
	desired *mapping.Desired
	snap    mapping.Snapshot
}

// Counts returns the number of operations per kind.
func (p *Plan) Counts() map[OpKind]int {
	out := map[OpKind]int{}
	for _, op := range p.Ops {
		out[op.Kind]++
	}
	return out
}

// Writes is the number of operations, which is the number of writes Apply
// will make if none fails.
func (p *Plan) Writes() int { return len(p.Ops) }

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Ops) == 0 }

// JSON renders the plan indented.
func (p *Plan) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// sortOps orders ops by kind, in Apply's order, then key, so plans are
// stable.
func sortOps(ops []Op) {
	slices.SortFunc(ops, func(a, b Op) int {
		return cmp.Or(cmp.Compare(a.Kind.rank(), b.Kind.rank()), cmp.Compare(a.Key, b.Key))
	})
}

func key(kind OpKind, parts ...string) string {
	k := string(kind)
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

func reasonf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
