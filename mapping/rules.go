package mapping

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// Condition is what LMS evidence must show for a rule to match.
type Condition string

// Conditions.
const (
	// WhenAllPassed: every counted assessment of the unit is graded and
	// passed (at least one). Finish: the last grading.
	WhenAllPassed Condition = "all_assessments_passed"
	// WhenAnyFailed: every counted assessment is graded and at least one
	// failed. Finish: the last grading.
	WhenAnyFailed Condition = "all_graded_any_failed"
	// WhenCourseComplete: every requirement (module item) of the course is
	// complete (the LMS-pulls model). Finish: the completion time, else the
	// last activity.
	WhenCourseComplete Condition = "course_complete"
	// WhenFirstActivity: the learner has done something in the course. Used
	// for an interim "continuing" (70) result. Finish: the planned end date.
	WhenFirstActivity Condition = "first_activity"
	// WhenScoreRange: a score in [Min, Max) percent (Max ≥ 100 includes
	// 100). Score "unit" is the mean percentage of the unit's assessments,
	// all graded; "course" is the course's final score once the course is
	// complete.
	WhenScoreRange Condition = "score_range"
)

// ScoreSource chooses the score a WhenScoreRange rule reads.
type ScoreSource string

// Score sources.
const (
	ScoreUnit   ScoreSource = "unit"
	ScoreCourse ScoreSource = "course"
)

// Rule turns LMS evidence about one learner and unit into a VETtrak result.
// Rules are versioned: change a rule's meaning, bump its Version, and the
// ledger (ResultWrite.Rule = "id@version") shows which version wrote what.
type Rule struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	When    Condition `json:"when"`
	// Min and Max bound the score for WhenScoreRange, in percent.
	Min   float64     `json:"min,omitempty"`
	Max   float64     `json:"max,omitempty"`
	Score ScoreSource `json:"score,omitempty"`
	// ResultName is the VETtrak result type to write, matched by name as
	// VETtrak requires (GetResultTypes).
	ResultName string `json:"result_name"`
	// Outcome is the AVETMISS outcome the rule means; the result type's own
	// outcome must agree.
	Outcome     string `json:"outcome"`
	Description string `json:"description,omitempty"`
}

// Ref is "id@version", as recorded on writes and in the ledger.
func (r Rule) Ref() string { return r.ID + "@" + strconv.Itoa(r.Version) }

// RuleSet is an ordered list of rules (the first that matches a unit wins,
// so put final outcomes before interim ones) and how assessments count as
// passed.
type RuleSet struct {
	Rules []Rule `json:"rules"`
	// PassPercent: a scored assessment passes at this percentage of its
	// points. A provider setting, not a VETtrak rule.
	PassPercent float64 `json:"pass_percent"`
	// PassGrades: grades that pass an assessment graded by letter or
	// pass/fail (compared ignoring case), e.g. "complete", "S".
	PassGrades []string `json:"pass_grades"`
}

// DefaultRules are a starting point; every provider names its own result
// types, and the names here ("Competent", "Continuing") are common VETtrak
// ones, not confirmed defaults. For the Occurrence-groups workflow (the
// LMS-pulls model) a complete course is Competent; for the others, every
// assessment of the unit passed. In both, first activity gives an interim
// Continuing (70).
func DefaultRules(w Workflow) RuleSet {
	final := Rule{ID: "all-passed", Version: 1, When: WhenAllPassed, ResultName: "Competent", Outcome: "20",
		Description: "every assessment of the unit graded and passed"}
	if w == WorkflowOccurrenceGroups {
		final = Rule{ID: "course-complete", Version: 1, When: WhenCourseComplete, ResultName: "Competent", Outcome: "20",
			Description: "every requirement of the course complete"}
	}
	return RuleSet{
		Rules: []Rule{final, {ID: "first-activity", Version: 1, When: WhenFirstActivity, ResultName: "Continuing", Outcome: "70",
			Description: "the learner has started in the LMS"}},
		PassPercent: 50,
		PassGrades:  []string{"complete", "pass", "passed", "competent", "satisfactory", "s", "c"},
	}
}

// ErrInvalidRule matches every *RuleError.
var ErrInvalidRule = errors.New("mapping: invalid rule")

// RuleError names the rule and what is wrong with it.
type RuleError struct {
	Rule   string
	Reason string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("mapping: invalid rule %q: %s", e.Rule, e.Reason)
}

// Is makes a RuleError match ErrInvalidRule.
func (e *RuleError) Is(target error) bool { return target == ErrInvalidRule }

// Validate checks every rule against the outcome table and returns all
// problems joined (nil when the set is usable).
func (rs RuleSet) Validate(t OutcomeTable) error {
	var errs []error
	if rs.PassPercent < 0 || rs.PassPercent > 100 || math.IsNaN(rs.PassPercent) {
		errs = append(errs, &RuleError{"", "PassPercent must be within 0..100"})
	}
	seen := map[string]bool{}
	for _, r := range rs.Rules {
		if seen[r.ID] {
			errs = append(errs, &RuleError{r.Ref(), "duplicate rule ID"})
		}
		seen[r.ID] = true
		if err := r.validate(t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r Rule) validate(t OutcomeTable) error {
	bad := func(format string, args ...any) error { return &RuleError{r.Ref(), fmt.Sprintf(format, args...)} }
	switch {
	case strings.TrimSpace(r.ID) == "" || strings.ContainsAny(r.ID, "@|\n"):
		return bad("ID must be set and hold no '@', '|' or newline")
	case r.Version < 1:
		return bad("Version must be 1 or more")
	case strings.TrimSpace(r.ResultName) == "":
		return bad("ResultName must be set")
	}
	o, ok := t.Lookup(r.Outcome)
	if !ok {
		return bad("outcome %q is not in table %s", r.Outcome, t.Version)
	}
	if !o.Automatic {
		return bad("outcome %s (%s) cannot come from LMS evidence", o.Code, o.Meaning)
	}
	switch r.When {
	case WhenAllPassed, WhenAnyFailed, WhenCourseComplete:
		if o.Class == OutcomeNonFinal {
			return bad("condition %s completes the unit; outcome %s is not final", r.When, o.Code)
		}
	case WhenFirstActivity:
		if o.Class != OutcomeNonFinal {
			return bad("first activity cannot decide a final outcome (%s)", o.Code)
		}
	case WhenScoreRange:
		if math.IsNaN(r.Min) || math.IsNaN(r.Max) || r.Min < 0 || r.Max > 1000 || r.Min >= r.Max {
			return bad("score range needs 0 ≤ Min < Max")
		}
		if r.Score != ScoreUnit && r.Score != ScoreCourse {
			return bad("score source %q must be %q or %q", r.Score, ScoreUnit, ScoreCourse)
		}
		if o.Class == OutcomeNonFinal {
			return bad("a score range decides a final outcome; %s is not final", o.Code)
		}
	default:
		return bad("unknown condition %q", r.When)
	}
	return nil
}

// AssessmentEvidence is one counted assessment of a unit for one learner.
type AssessmentEvidence struct {
	AssessmentID string     `json:"assessment_id"`
	Graded       bool       `json:"graded"`
	Passed       bool       `json:"passed"`
	Percent      *float64   `json:"percent,omitempty"`
	At           *time.Time `json:"at,omitempty"` // graded (else submitted) time
}

// UnitEvidence is everything the LMS says about one learner and one unit.
// Unpublished and ungraded ("not_graded") assessments and excused
// submissions do not count.
type UnitEvidence struct {
	CourseSISID   string               `json:"course_sis_id"`
	UserSISID     string               `json:"user_sis_id"`
	EnrolmentID   int64                `json:"enrolment_id"`
	UnitCode      string               `json:"unit_code"`
	Assessments   []AssessmentEvidence `json:"assessments"`
	Progress      *lms.CourseProgress  `json:"progress,omitempty"`
	FinalScore    *float64             `json:"final_score,omitempty"`
	FirstActivity *time.Time           `json:"first_activity,omitempty"`
	LastActivity  *time.Time           `json:"last_activity,omitempty"`
}

// Match is a rule that matched, with what it found.
type Match struct {
	Rule    Rule       `json:"rule"`
	Finish  *time.Time `json:"finish,omitempty"` // evidence of completion; nil for interim rules
	Percent *float64   `json:"percent,omitempty"`
}

// Evaluate returns the first rule of the set that the evidence satisfies.
// Rules are not validated here; Results drops invalid ones first.
func (rs RuleSet) Evaluate(ev UnitEvidence) (Match, bool) {
	for _, r := range rs.Rules {
		if m, ok := r.match(ev); ok {
			return m, true
		}
	}
	return Match{}, false
}

func (r Rule) match(ev UnitEvidence) (Match, bool) {
	allGraded := len(ev.Assessments) > 0
	allPassed := allGraded
	var last *time.Time
	for _, a := range ev.Assessments {
		allGraded = allGraded && a.Graded
		allPassed = allPassed && a.Graded && a.Passed
		if a.At != nil && (last == nil || a.At.After(*last)) {
			last = a.At
		}
	}
	courseDone := ev.Progress != nil && ev.Progress.Complete()
	courseFinish := ev.LastActivity
	if courseDone && ev.Progress.CompletedAt != nil {
		courseFinish = ev.Progress.CompletedAt
	}
	switch r.When {
	case WhenAllPassed:
		if allPassed {
			return Match{Rule: r, Finish: last}, true
		}
	case WhenAnyFailed:
		if allGraded && !allPassed {
			return Match{Rule: r, Finish: last}, true
		}
	case WhenCourseComplete:
		if courseDone {
			return Match{Rule: r, Finish: courseFinish}, true
		}
	case WhenFirstActivity:
		if ev.FirstActivity != nil {
			return Match{Rule: r}, true
		}
	case WhenScoreRange:
		var score *float64
		finish := last
		switch r.Score {
		case ScoreUnit:
			if allGraded {
				sum := 0.0
				for _, a := range ev.Assessments {
					if a.Percent == nil {
						return Match{}, false
					}
					sum += *a.Percent
				}
				score = ptr(sum / float64(len(ev.Assessments)))
			}
		case ScoreCourse:
			if courseDone && ev.FinalScore != nil {
				score, finish = ev.FinalScore, courseFinish
			}
		}
		if score != nil && *score >= r.Min && (*score < r.Max || r.Max >= 100 && *score <= r.Max) {
			return Match{Rule: r, Finish: finish, Percent: score}, true
		}
	}
	return Match{}, false
}

// assess decides whether a submission passes its assessment.
func (rs RuleSet) assess(a lms.Assessment, s *lms.Submission) AssessmentEvidence {
	ev := AssessmentEvidence{AssessmentID: a.ID}
	if s == nil {
		return ev
	}
	ev.At = s.GradedAt
	if ev.At == nil {
		ev.At = s.SubmittedAt
	}
	grade := strings.TrimSpace(s.Grade)
	ev.Graded = (s.State == lms.SubmissionGraded || s.GradedAt != nil) && (grade != "" || s.Score != nil)
	if !ev.Graded {
		return ev
	}
	if a.PointsPossible != nil && *a.PointsPossible > 0 && s.Score != nil && !math.IsNaN(*s.Score) && !math.IsInf(*s.Score, 0) {
		ev.Percent = ptr(100 * *s.Score / *a.PointsPossible)
	}
	passGrade := slices.ContainsFunc(rs.PassGrades, func(g string) bool { return strings.EqualFold(strings.TrimSpace(g), grade) })
	switch {
	case a.GradingType == "pass_fail":
		ev.Passed = passGrade
	case ev.Percent != nil:
		ev.Passed = *ev.Percent >= rs.PassPercent
	default:
		ev.Passed = passGrade
	}
	return ev
}

// counts reports whether an assessment counts towards a unit's result.
func counts(a lms.Assessment) bool { return a.Published && a.GradingType != "not_graded" }
