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
