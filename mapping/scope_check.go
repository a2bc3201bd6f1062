package mapping

import (
	"path"
	"strconv"
	"strings"

	"github.com/vtsync/vtsync/vettrak/record"
)

// CheckRules checks the result rules and every scope against what VETtrak
// holds, before any write: each rule's result type exists (types is
// GetResultTypes' answer), is active and reports the rule's outcome; each
// scope is well formed; each scoped programme and occurrence exists in
// snap, and each scoped unit code (or pattern) names a unit some
// occurrence in snap runs. Problems with the rules are errors; a scope
// that matches nothing in snap is a warning, since snap may cover only
// part of the provider (a date window).
//
// It returns no diagnostics when everything is usable.
func CheckRules(rc ResultConfig, types []record.ResultType, snap Snapshot) []Diagnostic {
	r := &resulter{rc: rc, in: ResultInput{ResultTypes: types}}
	if r.rc.Policy.Outcomes.Version == "" {
		r.rc.Policy.Outcomes = AVETMISS23()
	}
	r.prepareScopes()
	for _, sr := range rc.Scoped {
		if sr.validateMatch() != nil {
			continue // prepareScopes said why
		}
		checkScopeTargets(&r.d, sr, snap)
	}
	return r.d.finish()
}

// checkScopeTargets warns about scope criteria that name nothing in snap.
func checkScopeTargets(d *diags, sr ScopedRules, snap Snapshot) {
	m := sr.Match
	rec := Record{RecordRule, sr.ID}
	progCode := map[int64]string{}
	for _, p := range snap.Programmes {
		progCode[p.ID] = p.Code
	}
	var progSeen, occSeen, unitSeen bool
	for _, o := range snap.Occurrences {
		code := o.ProgrammeCode
		if strings.TrimSpace(code) == "" {
			code = progCode[o.ProgrammeID]
		}
		if (m.ProgrammeID == 0 || m.ProgrammeID == o.ProgrammeID) &&
			(strings.TrimSpace(m.ProgrammeCode) == "" || strings.EqualFold(strings.TrimSpace(m.ProgrammeCode), strings.TrimSpace(code))) {
			progSeen = true
		}
		occSeen = occSeen || o.ID == m.OccurrenceID
		for _, u := range o.Units {
			if unitCovered(m.UnitCode, NormalizeUnitCode(u.Code)) {
				unitSeen = true
			}
		}
	}
	for _, p := range snap.Programmes {
		if (m.ProgrammeID == 0 || m.ProgrammeID == p.ID) &&
			(strings.TrimSpace(m.ProgrammeCode) == "" || strings.EqualFold(strings.TrimSpace(m.ProgrammeCode), strings.TrimSpace(p.Code))) {
			progSeen = true
		}
	}
	if (m.ProgrammeID != 0 || strings.TrimSpace(m.ProgrammeCode) != "") && !progSeen {
		d.add(SeverityWarning, CodeUnknownScopeTarget, rec, "no programme %s in VETtrak's answer; the scope applies to nothing", scopeProgramme(m))
	}
	if m.OccurrenceID != 0 && !occSeen {
		d.add(SeverityWarning, CodeUnknownScopeTarget, rec, "no occurrence %d in VETtrak's answer; the scope applies to nothing", m.OccurrenceID)
	}
	if strings.TrimSpace(m.UnitCode) != "" && !unitSeen {
		d.add(SeverityWarning, CodeUnknownScopeTarget, rec, "no occurrence runs a unit %q; the scope applies to nothing", strings.TrimSpace(m.UnitCode))
	}
}

func unitCovered(pattern, unit string) bool {
	p := strings.TrimSpace(pattern)
	if p == "" {
		return false
	}
	want := NormalizeUnitCode(p)
	if isPattern(p) {
		ok, err := path.Match(want, unit)
		return err == nil && ok
	}
	return want == unit
}

func scopeProgramme(m Scope) string {
	var parts []string
	if m.ProgrammeID != 0 {
		parts = append(parts, "ID "+strconv.FormatInt(m.ProgrammeID, 10))
	}
	if c := strings.TrimSpace(m.ProgrammeCode); c != "" {
		parts = append(parts, "code "+quote(c))
	}
	return strings.Join(parts, " with ")
}

func quote(s string) string { return `"` + cleanText(s) + `"` }
