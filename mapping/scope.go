package mapping

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/vtsync/vtsync/vettrak/record"
)

// ScopedRules are result rules, a pass mark and pass grades for part of a
// provider: a programme, an occurrence, a unit (or a pattern of units) or
// a unit type. The Coassemble integration asks providers to "set the
// Result Type to suit the VETtrak Occurrence"; scopes let an accredited
// programme write "Competent" (20) while a non-accredited short course in
// the same sync writes "Satisfactorily completed" (81).
//
// Every scope that matches an enrolled unit takes part, most specific
// first (see Scope.Specificity): the rules, the pass mark and the pass
// grades each come from the most specific matching scope that sets them
// (nil Rules, nil PassPercent, nil PassGrades leave them to broader
// scopes), and finally from the provider-wide RuleSet, which alone
// applies where no scope matches. So an occurrence scope that sets only a
// pass mark keeps its programme scope's result types. The most specific
// scope's ID is recorded on every write (ResultWrite.Scope) and in the
// ledger; a scoped rule is recorded as "scope/id@version".
type ScopedRules struct {
	// ID names the scope in plans, the ledger and diagnostics: unique, set,
	// with no '@', '|', '/' or newline.
	ID    string `json:"id"`
	Match Scope  `json:"match"`
	// Rules replace the provider-wide rules in this scope (first match
	// wins, as in RuleSet); nil inherits them.
	Rules []Rule `json:"rules,omitempty"`
	// PassPercent replaces RuleSet.PassPercent; nil inherits it.
	PassPercent *float64 `json:"pass_percent,omitempty"`
	// PassGrades replace RuleSet.PassGrades; nil inherits them.
	PassGrades []string `json:"pass_grades,omitempty"`
}

// Scope says which enrolled units ScopedRules apply to. Every field that
// is set must match; at least one must be set.
type Scope struct {
	// ProgrammeCode matches the occurrence's programme code, ignoring case.
	ProgrammeCode string `json:"programme_code,omitempty"`
	// ProgrammeID matches the occurrence's programme ID.
	ProgrammeID int64 `json:"programme_id,omitempty"`
	// OccurrenceID matches one occurrence.
	OccurrenceID int64 `json:"occurrence_id,omitempty"`
	// UnitCode is a national code ("BSBLDR501") or a pattern in path.Match
	// syntax ("BSB*", "ICT?0001"), compared on normalised codes (upper
	// case, no spaces).
	UnitCode string `json:"unit_code,omitempty"`
	// UnitType is ScopeUnitOfCompetency or ScopeModule: the occurrence's
	// TUnit.Unit_Type for the unit. A unit the occurrence does not list
	// has no known type and matches no UnitType scope.
	UnitType string `json:"unit_type,omitempty"`
}

// Unit types a Scope can name.
const (
	ScopeUnitOfCompetency = "unit_of_competency"
	ScopeModule           = "module"
)

// Weights of each criterion in Specificity: an occurrence is more specific
// than any unit code, an exact unit code than any pattern, a pattern than
// a programme, a programme than a unit type. Weights are powers of two so
// a scope naming more criteria outranks one naming fewer of lower weight.
const (
	weightOccurrence  = 16
	weightUnitExact   = 8
	weightUnitPattern = 4
	weightProgramme   = 2
	weightUnitType    = 1
)

// Specificity ranks scopes: among the scopes matching an enrolled unit the
// highest applies, and of equal ones the first in the list.
func (s Scope) Specificity() int {
	n := 0
	if s.OccurrenceID != 0 {
		n += weightOccurrence
	}
	if u := strings.TrimSpace(s.UnitCode); u != "" {
		if isPattern(u) {
			n += weightUnitPattern
		} else {
			n += weightUnitExact
		}
	}
	if s.ProgrammeID != 0 || strings.TrimSpace(s.ProgrammeCode) != "" {
		n += weightProgramme
	}
	if s.UnitType != "" {
		n += weightUnitType
	}
	return n
}

// String describes the scope in words, e.g. `programme "FAWR", unit
// "BSB*"`, for plans, logs and consoles.
func (s Scope) String() string {
	var parts []string
	if s.ProgrammeID != 0 || strings.TrimSpace(s.ProgrammeCode) != "" {
		parts = append(parts, "programme "+scopeProgramme(s))
	}
	if s.OccurrenceID != 0 {
		parts = append(parts, "occurrence "+strconv.FormatInt(s.OccurrenceID, 10))
	}
	if u := strings.TrimSpace(s.UnitCode); u != "" {
		parts = append(parts, "unit "+quote(u))
	}
	if s.UnitType != "" {
		parts = append(parts, "unit type "+s.UnitType)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

func isPattern(code string) bool { return strings.ContainsAny(code, `*?[\`) }

// matches reports whether the scope covers unit (normalised) of occurrence
// occ; unitType is nil when the occurrence does not list the unit.
func (s Scope) matches(occ record.Occurrence, unit string, unitType *record.UnitType) bool {
	if s.OccurrenceID != 0 && s.OccurrenceID != occ.ID {
		return false
	}
	if s.ProgrammeID != 0 && s.ProgrammeID != occ.ProgrammeID {
		return false
	}
	if c := strings.TrimSpace(s.ProgrammeCode); c != "" && !strings.EqualFold(c, strings.TrimSpace(occ.ProgrammeCode)) {
		return false
	}
	if strings.TrimSpace(s.UnitCode) != "" && !unitCovered(s.UnitCode, unit) {
		return false
	}
	if s.UnitType != "" {
		if unitType == nil || scopeUnitType(*unitType) != s.UnitType {
			return false
		}
	}
	return true
}

func scopeUnitType(t record.UnitType) string {
	if t == record.Module {
		return ScopeModule
	}
	return ScopeUnitOfCompetency
}

// ScopeError names the scope and what is wrong with it. It matches
// ErrInvalidRule.
type ScopeError struct {
	Scope  string
	Reason string
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("mapping: invalid rule scope %q: %s", e.Scope, e.Reason)
}

// Is makes a ScopeError match ErrInvalidRule.
func (e *ScopeError) Is(target error) bool { return target == ErrInvalidRule }

// validate checks the scope's own fields (not its rules' result types,
// which need VETtrak: see CheckRules).
func (sr ScopedRules) validate(t OutcomeTable) error {
	return errors.Join(sr.validateMatch(), sr.validateBody(t))
}

// validateMatch checks what decides which units the scope covers.
func (sr ScopedRules) validateMatch() error {
	bad := func(format string, args ...any) error { return &ScopeError{sr.ID, fmt.Sprintf(format, args...)} }
	var errs []error
	if strings.TrimSpace(sr.ID) == "" || strings.ContainsAny(sr.ID, "@|/\n") {
		errs = append(errs, bad("ID must be set and hold no '@', '|', '/' or newline"))
	}
	m := sr.Match
	if m.Specificity() == 0 {
		errs = append(errs, bad("names no programme, occurrence, unit code or unit type; it would apply everywhere (use the provider-wide rules for that)"))
	}
	if m.ProgrammeID < 0 || m.OccurrenceID < 0 {
		errs = append(errs, bad("programme and occurrence IDs must be positive"))
	}
	if u := strings.TrimSpace(m.UnitCode); u != "" {
		if _, err := path.Match(NormalizeUnitCode(u), ""); err != nil {
			errs = append(errs, bad("unit code pattern %q: %v", u, err))
		}
	}
	switch m.UnitType {
	case "", ScopeUnitOfCompetency, ScopeModule:
	default:
		errs = append(errs, bad("unit type %q must be %q or %q", m.UnitType, ScopeUnitOfCompetency, ScopeModule))
	}
	return errors.Join(errs...)
}

// validateBody checks what the scope decides for the units it covers.
func (sr ScopedRules) validateBody(t OutcomeTable) error {
	var errs []error
	if p := sr.PassPercent; p != nil && (*p < 0 || *p > 100 || math.IsNaN(*p)) {
		errs = append(errs, &ScopeError{sr.ID, "PassPercent must be within 0..100"})
	}
	if sr.Rules != nil {
		if err := (RuleSet{Rules: sr.Rules}).Validate(t); err != nil {
			errs = append(errs, fmt.Errorf("scope %q: %w", sr.ID, err))
		}
	}
	return errors.Join(errs...)
}

// ruleSet is the scope's rules with what it leaves unset taken from base.
func (sr ScopedRules) ruleSet(base RuleSet) RuleSet {
	rs := base
	if sr.Rules != nil {
		rs.Rules = sr.Rules
	}
	if sr.PassPercent != nil {
		rs.PassPercent = *sr.PassPercent
	}
	if sr.PassGrades != nil {
		rs.PassGrades = sr.PassGrades
	}
	return rs
}

// ValidateRules checks the provider-wide rules and every scope against the
// outcome table: rule shapes, pass marks, scope IDs (unique), criteria and
// patterns. It returns every problem joined, each matching ErrInvalidRule;
// nil when all are usable. Whether the result types exist in VETtrak and
// the scoped records exist is CheckRules' job.
func (rc ResultConfig) ValidateRules() error {
	t := rc.Policy.Outcomes
	if t.Version == "" {
		t = AVETMISS23()
	}
	errs := []error{rc.Rules.Validate(t)}
	seen := map[string]bool{}
	same := map[Scope]string{}
	for _, sr := range rc.Scoped {
		if seen[sr.ID] {
			errs = append(errs, &ScopeError{sr.ID, "duplicate scope ID"})
		}
		seen[sr.ID] = true
		if prev, dup := same[normScope(sr.Match)]; dup {
			errs = append(errs, &ScopeError{sr.ID, fmt.Sprintf("matches exactly what scope %q matches; only the first would ever apply", prev)})
		} else {
			same[normScope(sr.Match)] = sr.ID
		}
		errs = append(errs, sr.validate(t))
	}
	return errors.Join(errs...)
}

func normScope(s Scope) Scope {
	s.ProgrammeCode = strings.ToUpper(strings.TrimSpace(s.ProgrammeCode))
	if u := strings.TrimSpace(s.UnitCode); u != "" {
		s.UnitCode = NormalizeUnitCode(u)
	}
	return s
}

// preparedSet is the rule set that applies to an enrolled unit.
type preparedSet struct {
	// scope is the most specific matching scope ("" where none matches).
	scope string
	// ruleScope is the scope whose rules are used ("" for the provider's).
	ruleScope string
	rules     RuleSet
}

// preparedScope is one scope with its rules checked against VETtrak's
// result types.
type preparedScope struct {
	sr    ScopedRules
	rules []Rule // checked; meaningful only when sr.Rules != nil
	rank  int
	order int
	// broken: the pass mark is invalid, so the scope claims its units but
	// decides nothing for them.
	broken bool
}

// prepareScopes prepares the provider-wide rules and every scope, most
// specific first. A scope whose criteria are invalid stops all result
// planning (false): which units it meant is unknown, and the provider-wide
// rules may be wrong for them (a short course would be written
// "Competent"). A scope whose pass mark is invalid still claims its units
// but decides nothing for them until fixed.
func (r *resulter) prepareScopes() bool {
	r.base = r.prepareRules("", r.rc.Rules)
	r.resolved = map[string]*preparedSet{}
	seen := map[string]bool{}
	ok := true
	for i, sr := range r.rc.Scoped {
		rec := Record{RecordRule, sr.ID}
		if seen[sr.ID] {
			r.d.add(SeverityError, CodeInvalidRule, rec, "duplicate scope ID; no results planned until the scopes are fixed")
			ok = false
			continue
		}
		seen[sr.ID] = true
		if err := sr.validateMatch(); err != nil {
			r.d.add(SeverityError, CodeInvalidRule, rec, "%v; no results planned until the scope is fixed", err)
			ok = false
			continue
		}
		ps := &preparedScope{sr: sr, rank: sr.Match.Specificity(), order: i}
		if p := sr.PassPercent; p != nil && (*p < 0 || *p > 100 || math.IsNaN(*p)) {
			r.d.add(SeverityError, CodeInvalidRule, rec, "PassPercent %v is outside 0..100; no results for the units of this scope", *p)
			ps.broken = true
		}
		if sr.Rules != nil {
			ps.rules = r.prepareRules(sr.ID, RuleSet{Rules: sr.Rules}).Rules
		}
		r.scopes = append(r.scopes, ps)
	}
	slices.SortStableFunc(r.scopes, func(a, b *preparedScope) int {
		return cmp.Or(cmp.Compare(b.rank, a.rank), cmp.Compare(a.order, b.order))
	})
	return ok
}

// rulesFor returns the rule set that applies to one enrolled unit (unit
// normalised). Each of rules, pass mark and pass grades comes from the
// most specific matching scope that sets it, else from the provider-wide
// RuleSet: an occurrence scope that sets only a pass mark keeps the rules
// of its programme's scope.
func (r *resulter) rulesFor(enrolmentID int64, unit string) *preparedSet {
	if len(r.scopes) == 0 {
		return &preparedSet{rules: r.base}
	}
	oi := r.ix.occByID[r.ix.enrolByID[enrolmentID].OccurrenceID]
	if oi == nil {
		return &preparedSet{rules: r.base}
	}
	occ := oi.occ
	if strings.TrimSpace(occ.ProgrammeCode) == "" {
		occ.ProgrammeCode = r.ix.programmes[occ.ProgrammeID].Code
	}
	var typ *record.UnitType
	for _, u := range occ.Units {
		if NormalizeUnitCode(u.Code) == unit {
			typ = &u.Type
			break
		}
	}
	var chain []*preparedScope
	var key strings.Builder
	for _, s := range r.scopes {
		if s.sr.Match.matches(occ, unit, typ) {
			chain = append(chain, s)
			key.WriteString(s.sr.ID + "|")
		}
	}
	if set, ok := r.resolved[key.String()]; ok {
		return set
	}
	set := &preparedSet{rules: r.base}
	var gotRules, gotPercent, gotGrades bool
	for _, s := range chain {
		if set.scope == "" {
			set.scope = s.sr.ID
		}
		if s.broken {
			set.rules.Rules = nil
			gotRules = true
		}
		if !gotRules && s.sr.Rules != nil {
			set.rules.Rules, set.ruleScope, gotRules = s.rules, s.sr.ID, true
		}
		if !gotPercent && s.sr.PassPercent != nil {
			set.rules.PassPercent, gotPercent = *s.sr.PassPercent, true
		}
		if !gotGrades && s.sr.PassGrades != nil {
			set.rules.PassGrades, gotGrades = s.sr.PassGrades, true
		}
	}
	r.resolved[key.String()] = set
	return set
}

// scopedRef is how a rule is named in diagnostics: "scope/id@version" for
// a scoped rule.
func scopedRef(scope string, rule Rule) string {
	if scope == "" {
		return rule.Ref()
	}
	return scope + "/" + rule.Ref()
}
