package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

const istCourse = "vt-unit-IST101"

func at(m time.Month, d, h int) *time.Time { t := time.Date(2026, m, d, h, 0, 0, 0, syd); return &t }

func resultTypes() []record.ResultType {
	return []record.ResultType{
		{Name: "Competent", Outcome: "20", Active: true},
		{Name: "Continuing", Outcome: "70", Active: true},
		{Name: "Not Yet Competent", Outcome: "30", Active: true},
		{Name: "Withdrawn", Outcome: "40", Active: true},
		{Name: "Credit Transfer", Outcome: "60", Active: true},
		{Name: "Pass with Distinction", Outcome: "20", Active: true},
		{Name: "Superseded (QLD)", Outcome: "65", Active: true},
	}
}

// istEvidence: John passed both assessments; Julie submitted the quiz (not
// graded yet); Bob has not started.
func istEvidence() lms.Evidence {
	ten := 10.0
	eight := 8.0
	return lms.Evidence{
		CourseSISID: istCourse,
		Assessments: []lms.Assessment{
			{ID: "a1", CourseSISID: istCourse, Title: "Quiz (IST101)", Kind: lms.KindQuiz, GradingType: "pass_fail", Published: true},
			{ID: "a2", CourseSISID: istCourse, Title: "Project", Kind: lms.KindAssignment, GradingType: "points", PointsPossible: &ten, Published: true},
			{ID: "a3", CourseSISID: istCourse, Title: "Draft (not marked)", GradingType: "not_graded", Published: true},
		},
		Submissions: []lms.Submission{
			{AssessmentID: "a1", UserSISID: "vt-u-C1", State: lms.SubmissionGraded, Grade: "complete", SubmittedAt: at(3, 9, 10), GradedAt: at(3, 10, 9)},
			{AssessmentID: "a2", UserSISID: "vt-u-C1", State: lms.SubmissionGraded, Grade: "8", Score: &eight, SubmittedAt: at(3, 14, 10), GradedAt: at(3, 15, 16)},
			{AssessmentID: "a1", UserSISID: "vt-u-C2", State: lms.SubmissionSubmitted, SubmittedAt: at(3, 12, 10)},
		},
		Activity: []lms.Activity{
			{UserSISID: "vt-u-C1", FirstActivity: at(3, 2, 9), LastActivity: at(3, 15, 10)},
			{UserSISID: "vt-u-C2", FirstActivity: at(3, 5, 23), LastActivity: at(3, 12, 10)},
		},
	}
}

type resultCase struct {
	cfg Config
	rc  ResultConfig
	in  ResultInput
}

// newResultCase is the walkthrough in the Unit workflow (sections per
// occurrence) on 20 March 2026, with the evidence above and no ledger.
func newResultCase(t *testing.T) *resultCase {
	t.Helper()
	cfg := DefaultConfig(WorkflowUnit)
	cfg.Sections = SectionPerOccurrence
	rc := DefaultResultConfig(WorkflowUnit, syd)
	rc.Commencement = CommencementOff
	return &resultCase{cfg: cfg, rc: rc, in: ResultInput{
		Snapshot:    walkthrough(),
		Evidence:    []lms.Evidence{istEvidence()},
		ResultTypes: resultTypes(),
		Ledger:      map[string]LedgerEntry{},
		Now:         *at(3, 20, 12),
	}}
}

// unit returns a pointer to an enrolled unit of the case's snapshot.
func (c *resultCase) unit(enrolmentID int64) *record.EnrolledUnit {
	for i := range c.in.Snapshot.EnrolledUnits {
		if c.in.Snapshot.EnrolledUnits[i].EnrolmentID == enrolmentID {
			return &c.in.Snapshot.EnrolledUnits[i]
		}
	}
	panic("no enrolled unit")
}

func (c *resultCase) run(t *testing.T) *ResultPlan {
	t.Helper()
	d, err := Structure(c.cfg, c.in.Snapshot, nil)
	require.NoError(t, err)
	c.in.Desired = d
	return Results(c.cfg, c.rc, c.in)
}

// apply plays a plan into the snapshot and ledger, as the Syncer would.
func (c *resultCase) apply(p *ResultPlan) {
	for _, w := range p.Writes {
		for i := range c.in.Snapshot.EnrolledUnits {
			u := &c.in.Snapshot.EnrolledUnits[i]
			if ResultKey(u.EnrolmentID, u.UnitCode) == w.Key() {
				u.ResultName, u.Outcome = w.ResultName, w.Outcome
				u.StartDate, u.FinishDate, u.Percentage = ptr(w.Start), ptr(w.Finish), w.Percentage
				if w.Comment != "" {
					u.Comment = w.Comment
				}
			}
		}
		prev := c.in.Ledger[w.Key()]
		l := w.Ledger(c.in.Now)
		if l.Comment == "" {
			l.Comment = prev.Comment
		}
		c.in.Ledger[w.Key()] = l
	}
	for _, cw := range p.Comments {
		for i := range c.in.Snapshot.EnrolledUnits {
			u := &c.in.Snapshot.EnrolledUnits[i]
			if ResultKey(u.EnrolmentID, u.UnitCode) == cw.Key() {
				u.Comment = cw.Comment
			}
		}
		c.in.Ledger[cw.Key()] = cw.Ledger(c.in.Ledger[cw.Key()])
	}
}
