package mapping

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/vtsync/vtsync/lms"
)

// BindingSource says how an assessment was tied to its units.
type BindingSource string

// Binding sources, strongest first.
const (
	// BoundExplicit: the caller's binding (assessment ID → unit code),
	// which survives renames.
	BoundExplicit BindingSource = "binding"
	// BoundTitle: unit codes in brackets in the title.
	BoundTitle BindingSource = "title"
	// BoundSingleUnit: the course has exactly one unit and the title names
	// none, so the assessment assesses that unit.
	BoundSingleUnit BindingSource = "single_unit"
)

// AssessmentBinding is the units one assessment assesses.
type AssessmentBinding struct {
	AssessmentID string        `json:"assessment_id"`
	Title        string        `json:"title"`
	UnitCodes    []string      `json:"unit_codes"` // normalised, sorted
	Source       BindingSource `json:"source"`
}

// LintKind is the kind of an assessment-mapping problem.
type LintKind string

// Lint kinds.
const (
	LintNoUnit           LintKind = "no_unit"            // an assessment assesses no unit of the course
	LintUnknownCode      LintKind = "unknown_code"       // a title names a code that is not a unit of the course
	LintUnknownBinding   LintKind = "unknown_binding"    // an explicit binding names a unit not in the course
	LintUnitNoAssessment LintKind = "unit_no_assessment" // a unit of the course has no assessment
	LintDuplicateCode    LintKind = "duplicate_code"     // one code appears under two units of the course
	LintMultiUnit        LintKind = "multi_unit"         // one assessment assesses several units
	LintBindingOverride  LintKind = "binding_override"   // the binding disagrees with the title (a renamed assessment)
)

// LintFinding is one problem with how a course's assessments map to units.
type LintFinding struct {
	Kind         LintKind `json:"kind"`
	Severity     Severity `json:"severity"`
	AssessmentID string   `json:"assessment_id,omitempty"`
	UnitCode     string   `json:"unit_code,omitempty"`
	Message      string   `json:"message"`
}

// LintReport is the assessment ↔ unit mapping of one course and its
// problems. Results uses the same bindings, so what Lint reports is what
// result write-back will do.
type LintReport struct {
	CourseSISID string              `json:"course_sis_id"`
	Units       []string            `json:"units"` // the course's units, normalised, sorted
	Bindings    []AssessmentBinding `json:"bindings"`
	Findings    []LintFinding       `json:"findings"`
}

// UnitsOf returns the units an assessment is bound to (nil when none).
func (r LintReport) UnitsOf(assessmentID string) []string {
	i, ok := slices.BinarySearchFunc(r.Bindings, assessmentID, func(b AssessmentBinding, id string) int {
		return cmp.Compare(b.AssessmentID, id)
	})
	if !ok {
		return nil
	}
	return r.Bindings[i].UnitCodes
}

// Lint binds a course's assessments to its units and reports problems:
// assessments with no unit, codes that are not units of the course, units
// with no assessment, a code that two units of the course share, assessments
// of several units, and explicit bindings that disagree with the title.
//
// units are the course's unit codes as VETtrak spells them. bindings maps
// assessment IDs to unit codes and overrides titles, so a renamed assessment
// keeps its unit; a binding may name several codes separated as in titles.
func Lint(courseSISID string, units []string, assessments []lms.Assessment, bindings map[string]string) LintReport {
	r := LintReport{CourseSISID: courseSISID}
	known := map[string][]string{} // normalised → raw spellings
	for _, u := range units {
		n := NormalizeUnitCode(u)
		if n == "" {
			continue
		}
		if !slices.Contains(known[n], u) {
			known[n] = append(known[n], u)
		}
	}
	r.Units = slices.Sorted(maps.Keys(known))
	for _, n := range r.Units {
		if raws := known[n]; len(raws) > 1 {
			slices.Sort(raws)
			r.Findings = append(r.Findings, LintFinding{Kind: LintDuplicateCode, Severity: SeverityWarning, UnitCode: n,
				Message: fmt.Sprintf("code %s appears under %d units %q; assessments naming it count for one unit", n, len(raws), raws)})
		}
	}

	assessed := map[string]bool{}
	for _, a := range sortedAssessments(assessments) {
		b := AssessmentBinding{AssessmentID: a.ID, Title: a.Title}
		titleCodes := parseTitle(a.Title)
		var titleKnown []string
		for _, c := range titleCodes {
			if _, ok := known[c.code]; ok {
				titleKnown = append(titleKnown, c.code)
			} else if !c.spaced {
				r.Findings = append(r.Findings, LintFinding{Kind: LintUnknownCode, Severity: SeverityWarning, AssessmentID: a.ID, UnitCode: c.code,
					Message: fmt.Sprintf("title %q names %s, which is not a unit of this course", a.Title, c.code)})
			}
		}
		slices.Sort(titleKnown)
		if raw, ok := bindings[a.ID]; ok {
			b.Source = BoundExplicit
			for _, tok := range splitCodes(raw) {
				code := NormalizeUnitCode(tok)
				if _, ok := known[code]; ok {
					b.UnitCodes = append(b.UnitCodes, code)
				} else {
					r.Findings = append(r.Findings, LintFinding{Kind: LintUnknownBinding, Severity: SeverityError, AssessmentID: a.ID, UnitCode: code,
						Message: fmt.Sprintf("binding names %q, which is not a unit of this course; the assessment counts for no unit", tok)})
				}
			}
			slices.Sort(b.UnitCodes)
			b.UnitCodes = slices.Compact(b.UnitCodes)
			if len(titleKnown) > 0 && !slices.Equal(titleKnown, b.UnitCodes) {
				r.Findings = append(r.Findings, LintFinding{Kind: LintBindingOverride, Severity: SeverityInfo, AssessmentID: a.ID,
					Message: fmt.Sprintf("binding %v overrides title codes %v", b.UnitCodes, titleKnown)})
			}
		} else if len(titleKnown) > 0 {
			b.Source = BoundTitle
			b.UnitCodes = titleKnown
		} else if len(titleCodes) == 0 && len(r.Units) == 1 {
			b.Source = BoundSingleUnit
			b.UnitCodes = []string{r.Units[0]}
		}
		switch {
		case len(b.UnitCodes) == 0:
			r.Findings = append(r.Findings, LintFinding{Kind: LintNoUnit, Severity: SeverityWarning, AssessmentID: a.ID,
				Message: fmt.Sprintf("assessment %q assesses no unit of this course; its results are not written back", a.Title)})
		case len(b.UnitCodes) > 1:
			r.Findings = append(r.Findings, LintFinding{Kind: LintMultiUnit, Severity: SeverityInfo, AssessmentID: a.ID,
				Message: fmt.Sprintf("assessment %q counts for %d units %v", a.Title, len(b.UnitCodes), b.UnitCodes)})
		}
		for _, u := range b.UnitCodes {
			assessed[u] = true
		}
		r.Bindings = append(r.Bindings, b)
	}
	for _, u := range r.Units {
		if !assessed[u] {
			r.Findings = append(r.Findings, LintFinding{Kind: LintUnitNoAssessment, Severity: SeverityWarning, UnitCode: u,
				Message: fmt.Sprintf("unit %s has no assessment in this course", u)})
		}
	}
	slices.SortFunc(r.Findings, func(a, b LintFinding) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.AssessmentID, b.AssessmentID),
			cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.Message, b.Message))
	})
	r.Findings = slices.Compact(r.Findings)
	return r
}

// sortedAssessments returns assessments sorted by ID, one per ID (the first
// after sorting by title, so duplicates resolve the same way in any order).
func sortedAssessments(in []lms.Assessment) []lms.Assessment {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b lms.Assessment) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Title, b.Title), cmp.Compare(contentKey(a), contentKey(b)))
	})
	return slices.CompactFunc(out, func(a, b lms.Assessment) bool { return a.ID == b.ID })
}
