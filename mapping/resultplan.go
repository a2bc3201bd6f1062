package mapping

import (
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// ResultConfig configures result write-back.
type ResultConfig struct {
	// Rules are the provider-wide rules: every enrolled unit no scope
	// covers, and what a scope leaves unset.
	Rules RuleSet `json:"rules"`
	// Scoped are rules for programmes, occurrences, units or unit types;
	// the most specific matching scope applies (see ScopedRules).
	Scoped []ScopedRules `json:"scoped,omitempty"`
	Policy Policy        `json:"policy"`
	// Location is the provider's time zone: result dates are calendar days
	// there (midnight), as AVETMISS reports dates. Required.
	Location     *time.Location   `json:"-"`
	Commencement CommencementMode `json:"commencement"`
	// CommencementPrefix starts the commencement line; default
	// DefaultCommencementPrefix. Changing it makes old lines unrecognised.
	CommencementPrefix string `json:"commencement_prefix,omitempty"`
	// AuditComments adds a line naming the result and rule to the enrolled
	// unit's comment with each result write (ResultWrite.Comment).
	AuditComments bool `json:"audit_comments,omitempty"`
	// ActivityPerUnit applies to courses of several units (Module and
	// Course workflows): a unit's first activity is then its own first
	// submission, so opening the course does not start (and mark
	// Continuing) units the learner has not touched. Off, course activity
	// starts every unit of the learner in the course, as VETtrak starts a
	// qualification's units together.
	ActivityPerUnit bool `json:"activity_per_unit,omitempty"`
}

// DefaultResultConfig is DefaultRules, DefaultPolicy and commencement
// appended, in loc.
func DefaultResultConfig(w Workflow, loc *time.Location) ResultConfig {
	return ResultConfig{Rules: DefaultRules(w), Policy: DefaultPolicy(), Location: loc, Commencement: CommencementAppend}
}

// ResultInput is what Results reads.
type ResultInput struct {
	Snapshot Snapshot
	// Desired is Structure's output for the same snapshot: its provenance
	// says which enrolment and units each learner's evidence belongs to.
	Desired     *Desired
	Evidence    []lms.Evidence
	ResultTypes []record.ResultType
	// Ledger is what the SDK wrote before, keyed by ResultKey.
	Ledger map[string]LedgerEntry
	// Bindings maps assessment IDs to unit codes and overrides titles.
	Bindings map[string]string
	// Now is the time of the run; evidence after it is ignored and no
	// final result may finish after its day.
	Now time.Time
}

// ResultWrite is one VETtrak UpdateResult to make.
type ResultWrite struct {
	EnrolmentID int64  `json:"enrolment_id"`
	UnitCode    string `json:"unit_code"` // as VETtrak spells it
	CourseSISID string `json:"course_sis_id"`
	UserSISID   string `json:"user_sis_id"`
	ResultName  string `json:"result_name"`
	Outcome     string `json:"outcome"`
	// Start and Finish are calendar days (midnight) in ResultConfig.Location.
	Start      time.Time `json:"start"`
	Finish     time.Time `json:"finish"`
	Percentage *int      `json:"percentage,omitempty"` // nil: not scored (VETtrak -1)
	// Comment is the enrolled unit's full new comment text, to write with
	// the result; "" leaves the comment alone. Set only with AuditComments.
	Comment string `json:"comment,omitempty"`
	// Rule is the rule that decided the write: "id@version" for a
	// provider-wide rule, "scope/id@version" for a scoped one.
	Rule string `json:"rule"`
	// Scope is the ID of the most specific ScopedRules covering the unit
	// ("" where none does); the rule may come from a broader scope when
	// this one sets only a pass mark or pass grades.
	Scope  string `json:"scope,omitempty"`
	Reason string `json:"reason"`
	// Previous is the result name being replaced ("" when none).
	Previous string `json:"previous,omitempty"`
}

// Key is ResultKey(EnrolmentID, UnitCode).
func (w ResultWrite) Key() string { return ResultKey(w.EnrolmentID, w.UnitCode) }

// Ledger is the entry the Syncer stores once the write succeeded. When
// Comment is empty the write left the comment alone: keep the previous
// entry's Comment.
func (w ResultWrite) Ledger(now time.Time) LedgerEntry {
	return LedgerEntry{ResultName: w.ResultName, Outcome: w.Outcome, Start: w.Start, Finish: w.Finish, Rule: w.Rule, Scope: w.Scope, WrittenAt: now, Comment: w.Comment}
}

// CommentWrite is one VETtrak UpdateResultComment to make: Comment is the
// full new text, which keeps the existing text (see CommencementMode).
type CommentWrite struct {
	EnrolmentID int64  `json:"enrolment_id"`
	UnitCode    string `json:"unit_code"`
	Comment     string `json:"comment"`
	Previous    string `json:"previous,omitempty"`
	Reason      string `json:"reason"`
}

// Key is ResultKey(EnrolmentID, UnitCode).
func (c CommentWrite) Key() string { return ResultKey(c.EnrolmentID, c.UnitCode) }

// Ledger updates the stored entry once the comment was written.
func (c CommentWrite) Ledger(prev LedgerEntry) LedgerEntry {
	prev.Comment = c.Comment
	return prev
}

// ConflictKind says why a result went to review.
type ConflictKind string

// Conflict kinds.
const (
	ConflictDowngrade      ConflictKind = "downgrade"       // would replace a final positive outcome
	ConflictNegative       ConflictKind = "negative"        // would replace a negative or withdrawn outcome
	ConflictManual         ConflictKind = "manual"          // the current result was entered (or cleared) by hand
	ConflictUnknownOutcome ConflictKind = "unknown_outcome" // the current result's outcome is not in the table
	ConflictAVETMISS       ConflictKind = "avetmiss"        // the result would break an AVETMISS rule
	ConflictNotEnrolled    ConflictKind = "not_enrolled"    // the unit is not on the enrolment in the snapshot
	ConflictAmbiguous      ConflictKind = "ambiguous"       // evidence fits several enrolments or courses
	ConflictComment        ConflictKind = "comment"         // the comment change would destroy text entered by hand
)

// Conflict is a result (or comment) the mapping would write but must not
// without a person deciding. Conflicts are never dropped silently.
type Conflict struct {
	EnrolmentID    int64        `json:"enrolment_id"`
	UnitCode       string       `json:"unit_code"`
	Kind           ConflictKind `json:"kind"`
	Reason         string       `json:"reason"`
	Current        string       `json:"current,omitempty"` // current result name
	CurrentOutcome string       `json:"current_outcome,omitempty"`
	Proposed       *ResultWrite `json:"proposed,omitempty"`
}

// Key is ResultKey(EnrolmentID, UnitCode).
func (c Conflict) Key() string { return ResultKey(c.EnrolmentID, c.UnitCode) }

// ResultPlan is what result write-back should do. Writes, comments and
// conflicts are sorted by enrolment ID, then unit code.
type ResultPlan struct {
	Writes      []ResultWrite  `json:"writes"`
	Comments    []CommentWrite `json:"comments"`
	Conflicts   []Conflict     `json:"conflicts"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
	// Lint is the assessment ↔ unit binding of each course evidence came
	// from, and its problems.
	Lint []LintReport `json:"lint"`
}
