package mapping

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// CommencementMode says whether and how the first LMS activity date is
// recorded in the enrolled unit's comment.
type CommencementMode string

// Commencement modes.
const (
	// CommencementOff records nothing ("" means the same).
	CommencementOff CommencementMode = "off"
	// CommencementAppend adds one line (CommencementPrefix + date) to the
	// existing comment, or moves the date of that line when earlier
	// activity turns up. Other text is kept.
	CommencementAppend CommencementMode = "append"
	// CommencementReplace makes the comment that one line (the Coassemble
	// behaviour). Text the ledger did not write is not replaced unless
	// Policy.OverwriteManual; such cases go to review.
	CommencementReplace CommencementMode = "replace"
)

// DefaultCommencementPrefix starts the commencement line.
const DefaultCommencementPrefix = "LMS commencement: "

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

// Results turns LMS evidence into the VETtrak writes that should happen:
// result writes decided by the rules and guarded by the policy and AVETMISS
// checks, commencement comment writes, and a review list of conflicts.
// It only writes what changes, so running it again after the writes were
// applied (and the ledger updated) plans nothing.
//
// Results is pure and never fails: a bad configuration or input gives a plan
// with no writes and diagnostics saying why.
func Results(cfg Config, rc ResultConfig, in ResultInput) *ResultPlan {
	r := &resulter{cfg: cfg, rc: rc, in: in, plan: &ResultPlan{}, done: map[string]string{}}
	r.run()
	r.finish()
	return r.plan
}

type resulter struct {
	cfg  Config
	rc   ResultConfig
	in   ResultInput
	d    diags
	plan *ResultPlan
	ix   *index
	// base is the provider-wide rule set; scopes the scoped ones, most
	// specific first.
	base     RuleSet
	scopes   []*preparedScope
	resolved map[string]*preparedSet        // by the IDs of the matching scopes
	types    map[string]record.ResultType   // by exact name
	folded   map[string][]record.ResultType // by lower-cased, trimmed name
	today    time.Time
	done     map[string]string // result key → course that produced it
	// byClientUnit indexes enrolled units by client code and unit, for the
	// overlapping-activity check.
	byClientUnit map[string][]record.EnrolledUnit
}

func (r *resulter) run() {
	if err := r.cfg.Validate(); err != nil {
		r.d.add(SeverityError, CodeInvalidConfig, Record{RecordConfig, "Config"}, "%v; no results planned", err)
		return
	}
	if r.rc.Location == nil {
		r.d.add(SeverityError, CodeNoLocation, Record{RecordConfig, "ResultConfig.Location"}, "the provider time zone is not set; no results planned (dates would be wrong)")
		return
	}
	if r.in.Desired == nil {
		r.d.add(SeverityError, CodeNoDesired, Record{RecordConfig, "ResultInput.Desired"}, "no Desired state, so no provenance; no results planned")
		return
	}
	switch r.rc.Commencement {
	case "", CommencementOff, CommencementAppend, CommencementReplace:
	default:
		r.d.add(SeverityError, CodeInvalidConfig, Record{RecordConfig, "ResultConfig.Commencement"}, "unknown commencement mode %q; no results planned", r.rc.Commencement)
		return
	}
	if r.rc.Policy.Outcomes.Version == "" {
		r.rc.Policy.Outcomes = AVETMISS23()
	}
	if r.rc.CommencementPrefix == "" {
		r.rc.CommencementPrefix = DefaultCommencementPrefix
	}
	r.today = dayIn(r.in.Now, r.rc.Location)
	r.ix = newIndex(r.cfg, r.in.Snapshot, &diags{}) // structure diagnostics belong to Structure
	r.indexClientUnits()
	if !r.prepareScopes() {
		return
	}

	for _, ev := range mergeEvidence(r.in.Evidence) {
		r.course(ev)
	}
}

// indexTypes indexes VETtrak's result types by exact and folded name.
func (r *resulter) indexTypes() {
	r.types = map[string]record.ResultType{}
	r.folded = map[string][]record.ResultType{}
	for _, t := range r.in.ResultTypes {
		if _, dup := r.types[t.Name]; !dup || t.Active {
			r.types[t.Name] = t
		}
		k := strings.ToLower(strings.TrimSpace(t.Name))
		r.folded[k] = append(r.folded[k], t)
	}
}

// prepareRules returns in's rules that are valid and whose result type
// exists, is active and carries the rule's outcome; scope names the scope
// they belong to ("" for the provider-wide rules) in diagnostics.
func (r *resulter) prepareRules(scope string, in RuleSet) RuleSet {
	if r.types == nil {
		r.indexTypes()
	}
	folded := r.folded
	out := in
	out.Rules = nil
	if in.PassPercent < 0 || in.PassPercent > 100 || math.IsNaN(in.PassPercent) {
		name := "PassPercent"
		if scope != "" {
			name = scope + "/PassPercent"
		}
		r.d.add(SeverityError, CodeInvalidRule, Record{RecordRule, name}, "PassPercent %v is outside 0..100; no rules applied", in.PassPercent)
		return out
	}
	seen := map[string]bool{}
	for _, rule := range in.Rules {
		rec := Record{RecordRule, scopedRef(scope, rule)}
		if seen[rule.ID] {
			r.d.add(SeverityError, CodeInvalidRule, rec, "duplicate rule ID; the later rule is not applied")
			continue
		}
		seen[rule.ID] = true
		if err := rule.validate(r.rc.Policy.Outcomes); err != nil {
			r.d.add(SeverityError, CodeInvalidRule, rec, "%v; not applied", err)
			continue
		}
		t, ok := r.types[rule.ResultName]
		if !ok {
			cands := folded[strings.ToLower(strings.TrimSpace(rule.ResultName))]
			if len(cands) != 1 {
				r.d.add(SeverityError, CodeResultTypeUnknown, rec, "VETtrak has no result type named %q (%d near matches); not applied", rule.ResultName, len(cands))
				continue
			}
			t = cands[0]
			r.d.add(SeverityWarning, CodeResultTypeCase, rec, "result type %q matched as %q; VETtrak's spelling is written", rule.ResultName, t.Name)
			rule.ResultName = t.Name
		}
		if !t.Active {
			r.d.add(SeverityError, CodeResultTypeInactive, rec, "result type %q is not active in VETtrak; not applied", t.Name)
			continue
		}
		switch strings.TrimSpace(t.Outcome) {
		case "":
			r.d.add(SeverityWarning, CodeResultTypeNoCode, rec, "result type %q carries no outcome; the rule's outcome %s is trusted", t.Name, rule.Outcome)
		case strings.TrimSpace(rule.Outcome):
		default:
			r.d.add(SeverityError, CodeResultTypeMismatch, rec, "result type %q reports outcome %s but the rule means %s; not applied", t.Name, t.Outcome, rule.Outcome)
			continue
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

func (r *resulter) indexClientUnits() {
	r.byClientUnit = map[string][]record.EnrolledUnit{}
	for id, eus := range r.ix.enrolUnits {
		e := r.ix.enrolByID[id]
		for _, u := range eus {
			k := e.ClientCode + "|" + NormalizeUnitCode(u.UnitCode)
			r.byClientUnit[k] = append(r.byClientUnit[k], u)
		}
	}
}

// mergeEvidence groups evidence by course (a course read in two parts is
// one), sorted by course.
func mergeEvidence(in []lms.Evidence) []lms.Evidence {
	by := map[string]*lms.Evidence{}
	for _, e := range in {
		m := by[e.CourseSISID]
		if m == nil {
			m = &lms.Evidence{CourseSISID: e.CourseSISID}
			by[e.CourseSISID] = m
		}
		m.Assessments = append(m.Assessments, e.Assessments...)
		m.Submissions = append(m.Submissions, e.Submissions...)
		m.Progress = append(m.Progress, e.Progress...)
		m.Activity = append(m.Activity, e.Activity...)
	}
	out := make([]lms.Evidence, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[k])
	}
	return out
}

// pick returns one element of xs chosen by content, so duplicates resolve
// the same way in any order: the one with the latest time, then the
// smallest content.
func pick[T any](xs []T, at func(T) *time.Time) T {
	best := xs[0]
	for _, x := range xs[1:] {
		a, b := at(x), at(best)
		switch {
		case a != nil && (b == nil || a.After(*b)):
			best = x
		case (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) && contentKey(x) < contentKey(best):
			best = x
		}
	}
	return best
}

// courseEvidence is one course's evidence indexed by user.
type courseEvidence struct {
	subs     map[string]map[string]*lms.Submission // user → assessment → submission
	progress map[string]*lms.Progress
	activity map[string]*lms.Activity
	users    []string
}

func (r *resulter) notFuture(t *time.Time, rec Record) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	if t.After(r.in.Now) {
		r.d.add(SeverityWarning, CodeFutureEvidence, rec, "LMS time %s is after the run time; ignored", t.UTC().Format(time.RFC3339))
		return nil
	}
	return t
}

func (r *resulter) indexEvidence(ev lms.Evidence) courseEvidence {
	ce := courseEvidence{subs: map[string]map[string]*lms.Submission{}, progress: map[string]*lms.Progress{}, activity: map[string]*lms.Activity{}}
	users := map[string]bool{}
	subs := map[[2]string][]lms.Submission{}
	for _, s := range ev.Submissions {
		subs[[2]string{s.UserSISID, s.AssessmentID}] = append(subs[[2]string{s.UserSISID, s.AssessmentID}], s)
	}
	for k, list := range subs {
		s := pick(list, func(s lms.Submission) *time.Time { return cmp.Or(s.GradedAt, s.SubmittedAt) })
		rec := Record{RecordAssessment, k[1]}
		s.GradedAt, s.SubmittedAt = r.notFuture(s.GradedAt, rec), r.notFuture(s.SubmittedAt, rec)
		if ce.subs[k[0]] == nil {
			ce.subs[k[0]] = map[string]*lms.Submission{}
		}
		ce.subs[k[0]][k[1]] = &s
		users[k[0]] = true
	}
	progress := map[string][]lms.Progress{}
	for _, p := range ev.Progress {
		progress[p.UserSISID] = append(progress[p.UserSISID], p)
	}
	for u, list := range progress {
		p := pick(list, func(p lms.Progress) *time.Time { return p.CompletedAt })
		p.CompletedAt = r.notFuture(p.CompletedAt, courseRecord(ev.CourseSISID))
		ce.progress[u] = &p
		users[u] = true
	}
	activity := map[string][]lms.Activity{}
	for _, a := range ev.Activity {
		activity[a.UserSISID] = append(activity[a.UserSISID], a)
	}
	for u, list := range activity {
		a := pick(list, func(a lms.Activity) *time.Time { return a.LastActivity })
		a.FirstActivity = r.notFuture(a.FirstActivity, courseRecord(ev.CourseSISID))
		a.LastActivity = r.notFuture(a.LastActivity, courseRecord(ev.CourseSISID))
		ce.activity[u] = &a
		users[u] = true
	}
	delete(users, "")
	ce.users = slices.Sorted(maps.Keys(users))
	return ce
}

func (r *resulter) course(ev lms.Evidence) {
	crec := courseRecord(ev.CourseSISID)
	info, ok := r.in.Desired.Course(ev.CourseSISID)
	if !ok {
		r.d.add(SeverityWarning, CodeUnknownCourse, crec, "evidence for a course the Desired state does not manage; ignored")
		return
	}
	lint := Lint(ev.CourseSISID, info.UnitCodes, ev.Assessments, r.in.Bindings)
	r.plan.Lint = append(r.plan.Lint, lint)
	if n := countFindings(lint, SeverityWarning); n > 0 {
		r.d.add(SeverityWarning, CodeLint, crec, "%d assessment ↔ unit binding problem(s); see the lint report (ResultPlan.Lint, Plan.Lint)", n)
	}
	byUnit := map[string][]lms.Assessment{}
	for _, a := range sortedAssessments(ev.Assessments) {
		if !counts(a) {
			continue
		}
		for _, u := range lint.UnitsOf(a.ID) {
			byUnit[u] = append(byUnit[u], a)
		}
	}
	ce := r.indexEvidence(ev)
	orphans := 0
	for _, user := range ce.users {
		srcs := r.in.Desired.Sources(ev.CourseSISID, user)
		if len(srcs) == 0 {
			orphans++
			continue
		}
		// unit → active enrolments carrying it
		units := map[string][]Provenance{}
		for _, p := range srcs {
			for _, u := range p.UnitCodes {
				if p.Status != lms.StatusActive {
					r.d.add(SeverityInfo, CodeSkippedInactive, enrolledUnitRecord(p.EnrolmentID, u), "the enrolment is %s; LMS evidence is not written back", p.Status)
					continue
				}
				units[u] = append(units[u], p)
			}
		}
		for _, u := range slices.Sorted(maps.Keys(units)) {
			ps := units[u]
			if len(ps) > 1 {
				for _, p := range ps {
					r.conflict(Conflict{EnrolmentID: p.EnrolmentID, UnitCode: u, Kind: ConflictAmbiguous,
						Reason: fmt.Sprintf("user %q's evidence for %s in course %q fits %d active enrolments; a person must choose", user, u, ev.CourseSISID, len(ps))})
				}
				continue
			}
			r.unit(ps[0], u, ce, byUnit[u], len(info.UnitCodes) == 1 || !r.rc.ActivityPerUnit)
		}
	}
	if orphans > 0 {
		r.d.add(SeverityInfo, CodeNoProvenance, crec, "%d learners have evidence but no VETtrak enrolment behind them (placed by hand?); ignored", orphans)
	}
}

func countFindings(l LintReport, min Severity) int {
	n := 0
	for _, f := range l.Findings {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

func (r *resulter) conflict(c Conflict) { r.plan.Conflicts = append(r.plan.Conflicts, c) }

// gather builds one learner's evidence for one unit. Course-wide activity
// counts for the unit unless the course has several units and
// ActivityPerUnit is set.
func (r *resulter) gather(rs RuleSet, p Provenance, unit string, ce courseEvidence, assessments []lms.Assessment, courseWide bool) UnitEvidence {
	ev := UnitEvidence{CourseSISID: p.CourseSISID, UserSISID: p.UserSISID, EnrolmentID: p.EnrolmentID, UnitCode: unit}
	subs := ce.subs[p.UserSISID]
	earliest := func(t *time.Time) {
		if t != nil && (ev.FirstActivity == nil || t.Before(*ev.FirstActivity)) {
			ev.FirstActivity = t
		}
	}
	latest := func(t *time.Time) {
		if t != nil && (ev.LastActivity == nil || t.After(*ev.LastActivity)) {
			ev.LastActivity = t
		}
	}
	for _, a := range assessments {
		s := subs[a.ID]
		if s != nil && s.Excused {
			continue
		}
		ae := rs.assess(a, s)
		ev.Assessments = append(ev.Assessments, ae)
		if s != nil {
			earliest(s.SubmittedAt)
			earliest(s.GradedAt)
			latest(s.SubmittedAt)
		}
	}
	if a := ce.activity[p.UserSISID]; a != nil {
		if courseWide {
			earliest(a.FirstActivity)
			latest(a.LastActivity)
		}
		ev.FinalScore = a.FinalScore
	}
	if pr := ce.progress[p.UserSISID]; pr != nil {
		ev.Progress = pr
		if pr.RequirementsCompleted > 0 {
			latest(pr.CompletedAt)
		}
	}
	return ev
}

// unit decides the writes for one enrolled unit.
func (r *resulter) unit(p Provenance, unit string, ce courseEvidence, assessments []lms.Assessment, courseWide bool) {
	key := ResultKey(p.EnrolmentID, unit)
	if prev, dup := r.done[key]; dup {
		r.conflict(Conflict{EnrolmentID: p.EnrolmentID, UnitCode: unit, Kind: ConflictAmbiguous,
			Reason: fmt.Sprintf("evidence for this enrolled unit comes from courses %q and %q", prev, p.CourseSISID)})
		r.plan.Writes = slices.DeleteFunc(r.plan.Writes, func(w ResultWrite) bool { return w.Key() == key })
		r.plan.Comments = slices.DeleteFunc(r.plan.Comments, func(c CommentWrite) bool { return c.Key() == key })
		return
	}
	r.done[key] = p.CourseSISID

	set := r.rulesFor(p.EnrolmentID, unit)
	ev := r.gather(set.rules, p, unit, ce, assessments, courseWide)
	m, matched := set.rules.Evaluate(ev)
	wantComment := r.rc.Commencement == CommencementAppend || r.rc.Commencement == CommencementReplace
	if !matched && !(wantComment && ev.FirstActivity != nil) {
		return
	}
	eu, ok := r.enrolledUnit(p.EnrolmentID, unit)
	if !ok {
		r.conflict(Conflict{EnrolmentID: p.EnrolmentID, UnitCode: unit, Kind: ConflictNotEnrolled,
			Reason: "the LMS has evidence but the snapshot holds no such enrolled unit (not read, or not on the enrolment); nothing is written"})
		return
	}
	var ledger *LedgerEntry
	if l, ok := r.in.Ledger[key]; ok {
		ledger = &l
	}

	comment, commentReason, commentConflict := r.commencement(eu, ev, ledger)
	if commentConflict != "" {
		r.conflict(Conflict{EnrolmentID: p.EnrolmentID, UnitCode: eu.UnitCode, Kind: ConflictComment, Reason: commentConflict})
	}
	var write *ResultWrite
	if matched {
		write = r.propose(p, eu, ev, m, set, ledger)
	}
	if write != nil && r.rc.AuditComments {
		base := eu.Comment
		if comment != "" {
			base = comment
		}
		line := fmt.Sprintf(auditPrefix+"%s (%s) by rule %s, finish %s", write.ResultName, write.Outcome, write.Rule, write.Finish.Format(time.DateOnly))
		if !containsLine(base, line) {
			write.Comment = appendLine(base, line)
			comment = ""
			if commentReason != "" {
				write.Reason += "; " + commentReason
			}
		}
	}
	if comment != "" {
		r.plan.Comments = append(r.plan.Comments, CommentWrite{EnrolmentID: p.EnrolmentID, UnitCode: eu.UnitCode, Comment: comment, Previous: eu.Comment, Reason: commentReason})
	}
	if write != nil {
		r.plan.Writes = append(r.plan.Writes, *write)
	}
}

func (r *resulter) enrolledUnit(enrolmentID int64, unit string) (record.EnrolledUnit, bool) {
	for _, u := range r.ix.enrolUnits[enrolmentID] {
		if NormalizeUnitCode(u.UnitCode) == unit {
			return u, true
		}
	}
	return record.EnrolledUnit{}, false
}

// currentOf reads an enrolled unit's current result; the outcome comes from
// the record, else from the result type of that name.
func (r *resulter) currentOf(eu record.EnrolledUnit) current {
	c := current{name: strings.TrimSpace(eu.ResultName), outcome: strings.TrimSpace(eu.Outcome), start: eu.StartDate, finish: eu.FinishDate, pct: eu.Percentage}
	if c.outcome == "" && c.name != "" {
		if t, ok := r.types[c.name]; ok {
			c.outcome = strings.TrimSpace(t.Outcome)
		}
	}
	return c
}

// propose builds the write a matched rule asks for, then applies the
// policy and the AVETMISS checks. nil means nothing to write (or a
// conflict was recorded).
func (r *resulter) propose(p Provenance, eu record.EnrolledUnit, ev UnitEvidence, m Match, set *preparedSet, ledger *LedgerEntry) *ResultWrite {
	loc := r.rc.Location
	info, _ := r.rc.Policy.Outcomes.Lookup(m.Rule.Outcome)
	w := ResultWrite{EnrolmentID: p.EnrolmentID, UnitCode: eu.UnitCode, CourseSISID: p.CourseSISID, UserSISID: p.UserSISID,
		ResultName: m.Rule.ResultName, Outcome: strings.TrimSpace(m.Rule.Outcome), Rule: scopedRef(set.ruleScope, m.Rule), Scope: set.scope, Previous: strings.TrimSpace(eu.ResultName)}
	e := r.ix.enrolByID[p.EnrolmentID]
	var occ record.Occurrence
	if oi := r.ix.occByID[e.OccurrenceID]; oi != nil {
		occ = oi.occ
	}

	// Start: the first LMS activity, moved earlier only (an existing earlier
	// start stays); else the unit's, enrolment's or occurrence's start.
	var start *time.Time
	for _, t := range []*time.Time{ev.FirstActivity, eu.StartDate} {
		if t != nil && !t.IsZero() && (start == nil || t.Before(*start)) {
			start = t
		}
	}
	for _, t := range []time.Time{e.StartDate, occ.StartDate} {
		if start == nil && !t.IsZero() {
			start = ptr(t)
		}
	}
	if start != nil {
		w.Start = dayIn(*start, loc)
	}
	if info.Class == OutcomeNonFinal {
		// An interim result runs to the planned end date.
		for _, t := range []*time.Time{eu.FinishDate, ptr(e.EndDate), ptr(occ.EndDate)} {
			if t != nil && !t.IsZero() {
				w.Finish = dayIn(*t, loc)
				break
			}
		}
		w.Reason = fmt.Sprintf("%s in course %q", m.Rule.When, p.CourseSISID)
		if ev.FirstActivity != nil {
			w.Reason = fmt.Sprintf("first LMS activity %s in course %q", dayIn(*ev.FirstActivity, loc).Format(time.DateOnly), p.CourseSISID)
		}
	} else {
		finish := m.Finish
		if finish == nil {
			finish = ev.LastActivity
		}
		if finish == nil {
			finish = &r.in.Now
		}
		w.Finish = dayIn(*finish, loc)
		w.Reason = fmt.Sprintf("%s in course %q (%s)", m.Rule.When, p.CourseSISID, summarize(ev))
	}
	if m.Percent != nil {
		pct := int(math.Round(min(max(*m.Percent, 0), 100)))
		w.Percentage = &pct
	}

	cur := r.currentOf(eu)
	switch d, kind, why := r.rc.Policy.decide(cur, ledger, w, loc); d {
	case decideSkip:
		return nil
	case decideConflict:
		r.conflict(Conflict{EnrolmentID: w.EnrolmentID, UnitCode: w.UnitCode, Kind: kind, Reason: why, Current: cur.name, CurrentOutcome: cur.outcome, Proposed: &w})
		return nil
	}
	if problems := r.avetmiss(w, info, ev, e.ClientCode); len(problems) > 0 {
		r.conflict(Conflict{EnrolmentID: w.EnrolmentID, UnitCode: w.UnitCode, Kind: ConflictAVETMISS, Reason: strings.Join(problems, "; "),
			Current: cur.name, CurrentOutcome: cur.outcome, Proposed: &w})
		return nil
	}
	return &w
}

func summarize(ev UnitEvidence) string {
	passed := 0
	for _, a := range ev.Assessments {
		if a.Passed {
			passed++
		}
	}
	s := fmt.Sprintf("%d/%d assessments passed", passed, len(ev.Assessments))
	if ev.Progress != nil {
		s += fmt.Sprintf(", %d/%d requirements", ev.Progress.RequirementsCompleted, ev.Progress.RequirementsTotal)
	}
	return s
}

// avetmiss checks a write against the AVETMISS date rules the snapshot can
// check (integration_anchors.md §4b).
func (r *resulter) avetmiss(w ResultWrite, info OutcomeInfo, ev UnitEvidence, client string) []string {
	var out []string
	loc := r.rc.Location
	switch {
	case w.Start.IsZero():
		out = append(out, "no start date is known")
	case w.Start.Location() != loc:
		out = append(out, "start date is not in the provider's time zone")
	case w.Start.After(r.today):
		out = append(out, fmt.Sprintf("start %s is after today: training has not started", w.Start.Format(time.DateOnly)))
	}
	switch {
	case w.Finish.IsZero():
		out = append(out, "no finish date is known")
	case w.Finish.Location() != loc:
		out = append(out, "finish date is not in the provider's time zone")
	case info.Class != OutcomeNonFinal && w.Finish.After(r.today):
		out = append(out, fmt.Sprintf("finish %s is in the future", w.Finish.Format(time.DateOnly)))
	}
	if !w.Start.IsZero() && !w.Finish.IsZero() && w.Start.After(w.Finish) {
		out = append(out, fmt.Sprintf("start %s is after finish %s", w.Start.Format(time.DateOnly), w.Finish.Format(time.DateOnly)))
	}
	if w.Outcome == "70" && ev.FirstActivity == nil {
		out = append(out, "outcome 70 (continuing) needs evidence that training started")
	}
	if w.Outcome == "85" {
		out = append(out, "outcome 85 is not written: VETtrak leaves a not-started unit's result empty")
	}
	// No overlapping activity periods for the same learner and unit on
	// another enrolment (AVETMISS rejects them; the anchors' LMS pushes
	// caused exactly this).
	if !w.Start.IsZero() && !w.Finish.IsZero() {
		for _, o := range r.byClientUnit[client+"|"+NormalizeUnitCode(w.UnitCode)] {
			if o.EnrolmentID == w.EnrolmentID || strings.TrimSpace(o.ResultName) == "" || o.StartDate == nil || o.FinishDate == nil {
				continue
			}
			os, of := dayIn(*o.StartDate, loc), dayIn(*o.FinishDate, loc)
			if !w.Start.After(of) && !os.After(w.Finish) {
				out = append(out, fmt.Sprintf("activity %s..%s overlaps enrolment %d's %s..%s for the same unit", w.Start.Format(time.DateOnly), w.Finish.Format(time.DateOnly), o.EnrolmentID, os.Format(time.DateOnly), of.Format(time.DateOnly)))
			}
		}
	}
	return out
}

// commencement computes the enrolled unit's new comment text recording the
// first LMS activity. It returns "" when nothing changes, and a conflict
// reason when the change would destroy hand-entered text.
func (r *resulter) commencement(eu record.EnrolledUnit, ev UnitEvidence, ledger *LedgerEntry) (text, reason, conflict string) {
	if ev.FirstActivity == nil || r.rc.Commencement == "" || r.rc.Commencement == CommencementOff {
		return "", "", ""
	}
	loc := r.rc.Location
	day := dayIn(*ev.FirstActivity, loc)
	prefix := r.rc.CommencementPrefix
	line := prefix + day.Format(time.DateOnly)
	cur := eu.Comment
	reason = fmt.Sprintf("first LMS activity %s in course %q", day.Format(time.DateOnly), ev.CourseSISID)
	switch r.rc.Commencement {
	case CommencementReplace:
		if containsLine(cur, line) && r.onlyOwnLines(cur) {
			return "", "", ""
		}
		ours := ledger != nil && ledger.Comment == cur || r.onlyOwnLines(cur)
		if strings.TrimSpace(cur) != "" && !ours && !r.rc.Policy.OverwriteManual {
			return "", "", fmt.Sprintf("replacing the comment with %q would destroy text not written by the SDK; use append mode or OverwriteManual", line)
		}
		return line, reason, ""
	}
	lines := strings.Split(cur, "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), prefix)
		if !ok {
			continue
		}
		if old, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(rest), loc); err == nil && !old.After(day) {
			return "", "", "" // already recorded, same or earlier date
		}
		lines[i] = line // earlier activity found (or an unreadable date): fix our line only
		return strings.Join(lines, "\n"), reason + " (earlier than recorded)", ""
	}
	return appendLine(cur, line), reason, ""
}

// auditPrefix starts the audit line AuditComments adds.
const auditPrefix = "vtsync: "

// onlyOwnLines reports whether every line of a comment is one the SDK
// writes (commencement or audit lines).
func (r *resulter) onlyOwnLines(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, r.rc.CommencementPrefix) && !strings.HasPrefix(l, auditPrefix) {
			return false
		}
	}
	return true
}

func containsLine(text, line string) bool {
	return slices.ContainsFunc(strings.Split(text, "\n"), func(l string) bool { return strings.TrimSpace(l) == line })
}

func appendLine(text, line string) string {
	t := strings.TrimRight(text, "\n")
	if strings.TrimSpace(t) == "" {
		return line
	}
	return t + "\n" + line
}

func (r *resulter) finish() {
	p := r.plan
	slices.SortFunc(p.Writes, func(a, b ResultWrite) int { return byUnit(a.EnrolmentID, a.UnitCode, b.EnrolmentID, b.UnitCode) })
	slices.SortFunc(p.Comments, func(a, b CommentWrite) int { return byUnit(a.EnrolmentID, a.UnitCode, b.EnrolmentID, b.UnitCode) })
	slices.SortFunc(p.Conflicts, func(a, b Conflict) int {
		return cmp.Or(byUnit(a.EnrolmentID, a.UnitCode, b.EnrolmentID, b.UnitCode), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Reason, b.Reason))
	})
	p.Conflicts = slices.CompactFunc(p.Conflicts, func(a, b Conflict) bool {
		return byUnit(a.EnrolmentID, a.UnitCode, b.EnrolmentID, b.UnitCode) == 0 && a.Kind == b.Kind && a.Reason == b.Reason
	})
	slices.SortFunc(p.Lint, func(a, b LintReport) int { return cmp.Compare(a.CourseSISID, b.CourseSISID) })
	p.Diagnostics = r.d.finish()
}

// byUnit orders enrolled units by enrolment ID, then normalised unit code.
func byUnit(ea int64, ua string, eb int64, ub string) int {
	return cmp.Or(cmp.Compare(ea, eb), cmp.Compare(NormalizeUnitCode(ua), NormalizeUnitCode(ub)))
}
