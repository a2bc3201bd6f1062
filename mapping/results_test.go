package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

func TestResultsWalkthrough(t *testing.T) {
	c := newResultCase(t)
	p := c.run(t)
	require.Empty(t, p.Conflicts)
	require.Empty(t, p.Diagnostics)
	assert.Equal(t, []ResultWrite{
		{EnrolmentID: 101, UnitCode: "IST101", CourseSISID: istCourse, UserSISID: "vt-u-C1", ResultName: "Competent", Outcome: "20",
			Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Rule: "all-passed@1",
			Reason: `all_assessments_passed in course "vt-unit-IST101" (2/2 assessments passed)`},
		{EnrolmentID: 102, UnitCode: "IST101", CourseSISID: istCourse, UserSISID: "vt-u-C2", ResultName: "Continuing", Outcome: "70",
			Start: date(2026, 3, 5), Finish: date(2026, 4, 10), Rule: "first-activity@1",
			Reason: `first LMS activity 2026-03-05 in course "vt-unit-IST101"`},
	}, p.Writes)
	assert.Equal(t, "101|IST101", p.Writes[0].Key())
	l := p.Writes[0].Ledger(c.in.Now)
	assert.Equal(t, LedgerEntry{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Rule: "all-passed@1", WrittenAt: c.in.Now}, l)
}

// Applying a plan and planning again writes nothing: only changes are
// written.
func TestResultsIdempotent(t *testing.T) {
	for _, mode := range []CommencementMode{CommencementAppend, CommencementReplace} {
		t.Run(string(mode), func(t *testing.T) {
			c := newResultCase(t)
			c.rc.Commencement = mode
			c.rc.AuditComments = true
			c.unit(102).Comment = "Needs laptop"
			c.rc.Policy.OverwriteManual = mode == CommencementReplace
			first := c.run(t)
			require.NotEmpty(t, first.Writes)
			c.apply(first)
			second := c.run(t)
			assert.Empty(t, second.Writes)
			assert.Empty(t, second.Comments)
			assert.Empty(t, second.Conflicts)
		})
	}
}

func TestResultsPolicy(t *testing.T) {
	competentLedger := LedgerEntry{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Rule: "all-passed@1"}
	tests := []struct {
		name  string
		setup func(c *resultCase)
		// For John (101): the write wanted, or the conflict kind.
		want     *ResultWrite
		conflict ConflictKind
	}{
		{
			name:  "blank result is written",
			setup: func(c *resultCase) {},
			want:  &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15)},
		},
		{
			name: "identical result is not rewritten",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Competent", at(3, 2, 0), at(3, 15, 0)
			},
		},
		{
			name: "final outcome with other dates is not rewritten",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Competent", at(3, 1, 0), at(3, 14, 0)
				l := competentLedger
				l.Start, l.Finish = date(2026, 3, 1), date(2026, 3, 14)
				c.in.Ledger["101|IST101"] = l
			},
		},
		{
			name: "final positive outcome is never downgraded",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Competent", at(3, 2, 0), at(3, 15, 0)
				c.in.Ledger["101|IST101"] = competentLedger
				c.rc.Policy.OverwriteManual, c.rc.Policy.OverwriteNegative = true, true
				c.rc.Rules.Rules = c.rc.Rules.Rules[1:] // only first-activity → Continuing
			},
			conflict: ConflictDowngrade,
		},
		{
			name: "another final positive result type is not replaced",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Pass with Distinction", at(3, 2, 0), at(3, 15, 0)
			},
		},
		{
			name: "negative outcome is not overwritten",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Not Yet Competent", at(3, 2, 0), at(3, 10, 0)
				c.rc.Policy.OverwriteManual = true
			},
			conflict: ConflictNegative,
		},
		{
			name: "negative outcome is overwritten when allowed",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.Outcome, u.StartDate, u.FinishDate = "Not Yet Competent", "30", at(3, 2, 0), at(3, 10, 0)
				c.rc.Policy.OverwriteManual, c.rc.Policy.OverwriteNegative = true, true
			},
			want: &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Previous: "Not Yet Competent"},
		},
		{
			name: "withdrawn outcome on the record is not overwritten",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.Outcome = "Withdrawn", "40"
				c.rc.Policy.OverwriteManual = true
			},
			conflict: ConflictNegative,
		},
		{
			name: "result entered by hand is not overwritten",
			setup: func(c *resultCase) {
				c.unit(101).ResultName = "Continuing"
			},
			conflict: ConflictManual,
		},
		{
			name: "hand-entered outcome listed as replaceable is overwritten",
			setup: func(c *resultCase) {
				c.unit(101).ResultName = "Continuing"
				c.rc.Policy.ManualReplaceable = []string{"70"}
			},
			want: &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Previous: "Continuing"},
		},
		{
			name: "result entered by hand is overwritten when allowed",
			setup: func(c *resultCase) {
				c.unit(101).ResultName = "Continuing"
				c.rc.Policy.OverwriteManual = true
			},
			want: &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Previous: "Continuing"},
		},
		{
			name: "result differing from the ledger counts as hand-entered",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Continuing", at(3, 2, 0), at(5, 1, 0) // someone moved the finish
				c.in.Ledger["101|IST101"] = LedgerEntry{ResultName: "Continuing", Outcome: "70", Start: date(2026, 3, 2), Finish: date(2026, 4, 10), Rule: "first-activity@1"}
			},
			conflict: ConflictManual,
		},
		{
			name: "our own interim result is upgraded",
			setup: func(c *resultCase) {
				u := c.unit(101)
				u.ResultName, u.StartDate, u.FinishDate = "Continuing", at(3, 2, 0), at(4, 10, 0)
				c.in.Ledger["101|IST101"] = LedgerEntry{ResultName: "Continuing", Outcome: "70", Start: date(2026, 3, 2), Finish: date(2026, 4, 10), Rule: "first-activity@1"}
			},
			want: &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 2), Finish: date(2026, 3, 15), Previous: "Continuing"},
		},
		{
			name: "a result cleared by hand is not rewritten",
			setup: func(c *resultCase) {
				c.in.Ledger["101|IST101"] = competentLedger
			},
			conflict: ConflictManual,
		},
		{
			name: "an outcome outside the table goes to review",
			setup: func(c *resultCase) {
				c.unit(101).ResultName = "Superseded (QLD)"
				c.rc.Policy.OverwriteManual = true
			},
			conflict: ConflictUnknownOutcome,
		},
		{
			name: "a result name VETtrak does not list goes to review",
			setup: func(c *resultCase) {
				c.unit(101).ResultName = "Mystery"
				c.rc.Policy.OverwriteManual = true
			},
			conflict: ConflictUnknownOutcome,
		},
		{
			name: "start moves earlier, never later",
			setup: func(c *resultCase) {
				c.unit(101).StartDate = at(2, 20, 0) // VETtrak's start is earlier than first activity
			},
			want: &ResultWrite{ResultName: "Competent", Outcome: "20", Start: date(2026, 2, 20), Finish: date(2026, 3, 15)},
		},
		{
			name: "overlapping activity on another enrolment is an AVETMISS conflict",
			setup: func(c *resultCase) {
				s := &c.in.Snapshot
				s.Enrolments = append(s.Enrolments, record.Enrolment{ID: 99, OccurrenceID: 2, ClientCode: "C1", Status: "Pre-Reporting Withdrawal", StatusType: 9})
				s.EnrolledUnits = append(s.EnrolledUnits, record.EnrolledUnit{EnrolmentID: 99, UnitCode: "IST101", ResultName: "Withdrawn", Outcome: "40",
					StartDate: at(3, 1, 0), FinishDate: at(3, 3, 0)})
			},
			conflict: ConflictAVETMISS,
		},
		{
			name: "a unit not on the enrolment is not written",
			setup: func(c *resultCase) {
				s := &c.in.Snapshot
				var keep []record.EnrolledUnit
				for _, u := range s.EnrolledUnits {
					if u.EnrolmentID != 101 {
						keep = append(keep, u)
					}
				}
				s.EnrolledUnits = keep
			},
			conflict: ConflictNotEnrolled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newResultCase(t)
			tt.setup(c)
			p := c.run(t)
			var got *ResultWrite
			for i := range p.Writes {
				if p.Writes[i].EnrolmentID == 101 {
					got = &p.Writes[i]
				}
			}
			var kinds []ConflictKind
			for _, cf := range p.Conflicts {
				if cf.EnrolmentID == 101 {
					kinds = append(kinds, cf.Kind)
					assert.NotEmpty(t, cf.Reason)
				}
			}
			if tt.conflict != "" {
				assert.Equal(t, []ConflictKind{tt.conflict}, kinds)
			} else {
				assert.Empty(t, kinds, "%+v", p.Conflicts)
			}
			if tt.want == nil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got, "%+v", p.Conflicts)
			assert.Equal(t, tt.want.ResultName, got.ResultName)
			assert.Equal(t, tt.want.Outcome, got.Outcome)
			assert.Equal(t, tt.want.Start, got.Start)
			assert.Equal(t, tt.want.Finish, got.Finish)
			assert.Equal(t, tt.want.Previous, got.Previous)
		})
	}
}

func TestResultsAVETMISSChecks(t *testing.T) {
	today := date(2026, 3, 20)
	other := time.FixedZone("X", 3600)
	base := ResultWrite{EnrolmentID: 1, UnitCode: "U1", ResultName: "Competent", Outcome: "20", Start: date(2026, 3, 1), Finish: date(2026, 3, 10)}
	final, _ := AVETMISS23().Lookup("20")
	interim, _ := AVETMISS23().Lookup("70")
	started := UnitEvidence{FirstActivity: at(3, 1, 9)}
	tests := []struct {
		name   string
		w      func(w *ResultWrite)
		info   OutcomeInfo
		ev     UnitEvidence
		wantOK bool
	}{
		{"valid final", func(w *ResultWrite) {}, final, started, true},
		{"start after finish", func(w *ResultWrite) { w.Start = date(2026, 3, 11) }, final, started, false},
		{"finish in the future", func(w *ResultWrite) { w.Finish = date(2026, 3, 21) }, final, started, false},
		{"finish today is fine", func(w *ResultWrite) { w.Finish = today }, final, started, true},
		{"start in the future", func(w *ResultWrite) { w.Start, w.Finish = date(2026, 3, 25), date(2026, 4, 1) }, interim, started, false},
		{"interim may finish in the future", func(w *ResultWrite) { w.Outcome, w.Finish = "70", date(2026, 6, 1) }, interim, started, true},
		{"70 needs training started", func(w *ResultWrite) { w.Outcome, w.Finish = "70", date(2026, 6, 1) }, interim, UnitEvidence{}, false},
		{"85 is never written", func(w *ResultWrite) { w.Outcome = "85" }, interim, started, false},
		{"no start", func(w *ResultWrite) { w.Start = time.Time{} }, final, started, false},
		{"no finish", func(w *ResultWrite) { w.Finish = time.Time{} }, final, started, false},
		{"dates in another zone", func(w *ResultWrite) { w.Start = w.Start.In(other) }, final, started, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &resulter{rc: ResultConfig{Location: syd}, today: today, byClientUnit: map[string][]record.EnrolledUnit{}}
			w := base
			tt.w(&w)
			problems := r.avetmiss(w, tt.info, tt.ev, "C1")
			if tt.wantOK {
				assert.Empty(t, problems)
			} else {
				assert.NotEmpty(t, problems)
			}
		})
	}
}

// A learner whose enrolment starts after today cannot get a result dated
// from it.
func TestResultsStartAfterTodayIsConflict(t *testing.T) {
	c := newResultCase(t)
	c.rc.Rules.Rules = []Rule{{ID: "done", Version: 2, When: WhenCourseComplete, ResultName: "Competent", Outcome: "20"}}
	c.in.Snapshot.Enrolments[2].StartDate = date(2026, 4, 27) // Bob, Term 2
	ev := &c.in.Evidence[0]
	ev.Progress = append(ev.Progress, lms.CourseProgress{UserSISID: "vt-u-C3", RequirementsTotal: 3, RequirementsCompleted: 3, CompletedAt: at(3, 10, 9)})
	p := c.run(t)
	require.Len(t, p.Conflicts, 1)
	assert.Equal(t, ConflictAVETMISS, p.Conflicts[0].Kind)
	assert.Equal(t, int64(201), p.Conflicts[0].EnrolmentID)
	assert.Contains(t, p.Conflicts[0].Reason, "after today")
	require.NotNil(t, p.Conflicts[0].Proposed)
	assert.Equal(t, "done@2", p.Conflicts[0].Proposed.Rule)
}

func TestResultsRuleAndResultTypeChecks(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(c *resultCase)
		code   Code
		writes int // writes for John (101) and Julie (102); John gets Continuing when the Competent rule is dropped
		name0  string
	}{
		{"result type outcome disagrees", func(c *resultCase) { c.in.ResultTypes[0].Outcome = "30" }, CodeResultTypeMismatch, 2, "Continuing"},
		{"result type inactive", func(c *resultCase) { c.in.ResultTypes[0].Active = false }, CodeResultTypeInactive, 2, "Continuing"},
		{"result type unknown", func(c *resultCase) { c.in.ResultTypes = c.in.ResultTypes[1:] }, CodeResultTypeUnknown, 2, "Continuing"},
		{"result type matched ignoring case", func(c *resultCase) { c.rc.Rules.Rules[0].ResultName = " competent" }, CodeResultTypeCase, 2, "Competent"},
		{"result type without outcome is trusted", func(c *resultCase) { c.in.ResultTypes[0].Outcome = "" }, CodeResultTypeNoCode, 2, "Competent"},
		{"rule outcome 60 is not automatic", func(c *resultCase) {
			c.rc.Rules.Rules[0].Outcome = "60"
			c.rc.Rules.Rules[0].ResultName = "Credit Transfer"
		}, CodeInvalidRule, 2, "Continuing"},
		{"duplicate rule ID", func(c *resultCase) { c.rc.Rules.Rules[1].ID = c.rc.Rules.Rules[0].ID }, CodeInvalidRule, 1, "Competent"},
		{"invalid pass percent", func(c *resultCase) { c.rc.Rules.PassPercent = 120 }, CodeInvalidRule, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newResultCase(t)
			tt.setup(c)
			p := c.run(t)
			found := false
			for _, d := range p.Diagnostics {
				found = found || d.Code == tt.code
			}
			assert.True(t, found, "want diagnostic %s in %v", tt.code, p.Diagnostics)
			require.Len(t, p.Writes, tt.writes)
			if tt.writes > 0 {
				assert.Equal(t, tt.name0, p.Writes[0].ResultName)
			}
		})
	}
}

func TestRuleValidate(t *testing.T) {
	tab := AVETMISS23()
	ok := Rule{ID: "r", Version: 1, When: WhenAllPassed, ResultName: "Competent", Outcome: "20"}
	tests := []struct {
		name string
		mod  func(r *Rule)
		ok   bool
	}{
		{"valid", func(r *Rule) {}, true},
		{"no ID", func(r *Rule) { r.ID = "" }, false},
		{"ID with @", func(r *Rule) { r.ID = "a@b" }, false},
		{"version 0", func(r *Rule) { r.Version = 0 }, false},
		{"no result name", func(r *Rule) { r.ResultName = " " }, false},
		{"unknown outcome", func(r *Rule) { r.Outcome = "99" }, false},
		{"outcome 85", func(r *Rule) { r.Outcome = "85" }, false},
		{"outcome 40", func(r *Rule) { r.Outcome = "40" }, false},
		{"completion with interim outcome", func(r *Rule) { r.Outcome = "70" }, false},
		{"first activity with final outcome", func(r *Rule) { r.When = WhenFirstActivity }, false},
		{"first activity with 70", func(r *Rule) { r.When, r.Outcome = WhenFirstActivity, "70" }, true},
		{"score range", func(r *Rule) { r.When, r.Min, r.Max, r.Score = WhenScoreRange, 50, 100, ScoreUnit }, true},
		{"score range empty", func(r *Rule) { r.When, r.Min, r.Max, r.Score = WhenScoreRange, 80, 80, ScoreUnit }, false},
		{"score range no source", func(r *Rule) { r.When, r.Min, r.Max = WhenScoreRange, 50, 100 }, false},
		{"unknown condition", func(r *Rule) { r.When = "moon_phase" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.mod(&r)
			err := RuleSet{Rules: []Rule{r}, PassPercent: 50}.Validate(tab)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrInvalidRule)
			}
		})
	}
}

func TestResultsScoreRanges(t *testing.T) {
	c := newResultCase(t)
	c.rc.Rules.Rules = []Rule{
		{ID: "distinction", Version: 1, When: WhenScoreRange, Min: 85, Max: 100, Score: ScoreUnit, ResultName: "Pass with Distinction", Outcome: "20"},
		{ID: "pass", Version: 1, When: WhenScoreRange, Min: 50, Max: 85, Score: ScoreUnit, ResultName: "Competent", Outcome: "20"},
		{ID: "fail", Version: 1, When: WhenScoreRange, Min: 0, Max: 50, Score: ScoreUnit, ResultName: "Not Yet Competent", Outcome: "30"},
	}
	ev := &c.in.Evidence[0]
	ev.Assessments = ev.Assessments[1:2] // the scored project only
	for _, tt := range []struct {
		score float64
		name  string
		pct   int
	}{{9, "Pass with Distinction", 90}, {10, "Pass with Distinction", 100}, {8.5, "Pass with Distinction", 85}, {6, "Competent", 60}, {2, "Not Yet Competent", 20}} {
		score := tt.score
		ev.Submissions[1].Score = &score
		p := c.run(t)
		require.Len(t, p.Writes, 1, "score %v", tt.score)
		assert.Equal(t, tt.name, p.Writes[0].ResultName, "score %v", tt.score)
		require.NotNil(t, p.Writes[0].Percentage)
		assert.Equal(t, tt.pct, *p.Writes[0].Percentage)
	}
}

func TestResultsCourseCompleteAndFailed(t *testing.T) {
	c := newResultCase(t)
	c.rc.Rules = DefaultRules(WorkflowOccurrenceGroups)
	ev := &c.in.Evidence[0]
	ev.Progress = []lms.CourseProgress{
		{UserSISID: "vt-u-C2", RequirementsTotal: 4, RequirementsCompleted: 4, CompletedAt: at(3, 18, 15)},
		{UserSISID: "vt-u-C1", RequirementsTotal: 4, RequirementsCompleted: 3},
	}
	p := c.run(t)
	require.Len(t, p.Writes, 2)
	assert.Equal(t, "Continuing", p.Writes[0].ResultName) // John: 3/4
	assert.Equal(t, "Competent", p.Writes[1].ResultName)  // Julie: complete
	assert.Equal(t, date(2026, 3, 18), p.Writes[1].Finish)
	assert.Equal(t, "course-complete@1", p.Writes[1].Rule)

	// All graded, one failed → the failing rule, when configured.
	c = newResultCase(t)
	c.rc.Rules.Rules = append([]Rule{{ID: "nyc", Version: 1, When: WhenAnyFailed, ResultName: "Not Yet Competent", Outcome: "30"}}, c.rc.Rules.Rules...)
	two := 2.0
	c.in.Evidence[0].Submissions[1].Score = &two
	p = c.run(t)
	require.NotEmpty(t, p.Writes)
	assert.Equal(t, "Not Yet Competent", p.Writes[0].ResultName)
}

func TestResultsCommencement(t *testing.T) {
	tests := []struct {
		name     string
		mode     CommencementMode
		comment  string
		ledger   string
		manual   bool
		want     string // new comment for John; "" = no write
		conflict bool
	}{
		{"off", CommencementOff, "Keep me", "", false, "", false},
		{"append to empty", CommencementAppend, "", "", false, "LMS commencement: 2026-03-02", false},
		{"append keeps text", CommencementAppend, "Needs laptop\n", "", false, "Needs laptop\nLMS commencement: 2026-03-02", false},
		{"append is idempotent", CommencementAppend, "Needs laptop\nLMS commencement: 2026-03-02", "", false, "", false},
		{"an earlier recorded date stays", CommencementAppend, "LMS commencement: 2026-03-01\nNeeds laptop", "", false, "", false},
		{"a later recorded date moves earlier", CommencementAppend, "LMS commencement: 2026-03-09\nNeeds laptop", "", false, "LMS commencement: 2026-03-02\nNeeds laptop", false},
		{"replace our own comment", CommencementReplace, "LMS commencement: 2026-03-09", "LMS commencement: 2026-03-09", false, "LMS commencement: 2026-03-02", false},
		{"replace refuses hand text", CommencementReplace, "Needs laptop", "", false, "", true},
		{"replace hand text when allowed", CommencementReplace, "Needs laptop", "", true, "LMS commencement: 2026-03-02", false},
		{"replace is idempotent", CommencementReplace, "LMS commencement: 2026-03-02", "", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newResultCase(t)
			c.rc.Commencement = tt.mode
			c.rc.Policy.OverwriteManual = tt.manual
			c.unit(101).Comment = tt.comment
			if tt.ledger != "" {
				c.in.Ledger["101|IST101"] = LedgerEntry{Comment: tt.ledger}
			}
			p := c.run(t)
			var got *CommentWrite
			for i := range p.Comments {
				if p.Comments[i].EnrolmentID == 101 {
					got = &p.Comments[i]
				}
			}
			if tt.want == "" {
				assert.Nil(t, got)
			} else {
				require.NotNil(t, got)
				assert.Equal(t, tt.want, got.Comment)
				assert.Equal(t, tt.comment, got.Previous)
				assert.Equal(t, tt.want, got.Ledger(LedgerEntry{Rule: "r@1"}).Comment)
				assert.Equal(t, "r@1", got.Ledger(LedgerEntry{Rule: "r@1"}).Rule)
			}
			hasConflict := false
			for _, cf := range p.Conflicts {
				hasConflict = hasConflict || cf.Kind == ConflictComment
			}
			assert.Equal(t, tt.conflict, hasConflict)
		})
	}
}

// With audit comments the commencement line and the audit line travel with
// the result write, in one comment.
func TestResultsAuditComment(t *testing.T) {
	c := newResultCase(t)
	c.rc.Commencement = CommencementAppend
	c.rc.AuditComments = true
	c.unit(101).Comment = "Needs laptop"
	p := c.run(t)
	require.Len(t, p.Writes, 2)
	assert.Equal(t, "Needs laptop\nLMS commencement: 2026-03-02\nvtsync: Competent (20) by rule all-passed@1, finish 2026-03-15", p.Writes[0].Comment)
	assert.Empty(t, p.Comments, "the comment write is folded into the result write")
}

func TestResultsSkipsAndDiagnostics(t *testing.T) {
	t.Run("withdrawn enrolment gets no result", func(t *testing.T) {
		c := newResultCase(t)
		c.in.Snapshot.Enrolments[0].Status, c.in.Snapshot.Enrolments[0].StatusType = "Withdrawn", 9
		p := c.run(t)
		for _, w := range p.Writes {
			assert.NotEqual(t, int64(101), w.EnrolmentID)
		}
		assert.True(t, hasDiag(p.Diagnostics, CodeSkippedInactive, enrolledUnitRecord(101, "IST101")))
	})
	t.Run("no location", func(t *testing.T) {
		c := newResultCase(t)
		c.rc.Location = nil
		p := c.run(t)
		assert.Empty(t, p.Writes)
		assert.True(t, HasErrors(p.Diagnostics))
		assert.Equal(t, CodeNoLocation, p.Diagnostics[0].Code)
	})
	t.Run("no desired", func(t *testing.T) {
		c := newResultCase(t)
		p := Results(c.cfg, c.rc, c.in)
		assert.Empty(t, p.Writes)
		assert.Equal(t, CodeNoDesired, p.Diagnostics[0].Code)
	})
	t.Run("invalid config", func(t *testing.T) {
		c := newResultCase(t)
		p := c.run(t)
		require.NotEmpty(t, p.Writes)
		c.cfg.Login = nil
		p = Results(c.cfg, c.rc, c.in)
		assert.Empty(t, p.Writes)
		assert.Equal(t, CodeInvalidConfig, p.Diagnostics[0].Code)
	})
	t.Run("evidence for an unmanaged course", func(t *testing.T) {
		c := newResultCase(t)
		c.in.Evidence = append(c.in.Evidence, lms.Evidence{CourseSISID: "someone-elses"})
		p := c.run(t)
		assert.True(t, hasDiag(p.Diagnostics, CodeUnknownCourse, courseRecord("someone-elses")))
		assert.Len(t, p.Writes, 2)
	})
	t.Run("learner placed by hand", func(t *testing.T) {
		c := newResultCase(t)
		c.in.Evidence[0].Activity = append(c.in.Evidence[0].Activity, lms.Activity{UserSISID: "manual-user", FirstActivity: at(3, 1, 1)})
		p := c.run(t)
		assert.True(t, hasDiag(p.Diagnostics, CodeNoProvenance, courseRecord(istCourse)))
	})
	t.Run("future evidence is ignored", func(t *testing.T) {
		c := newResultCase(t)
		c.in.Evidence[0].Submissions[1].GradedAt = at(3, 25, 9) // after Now
		c.in.Evidence[0].Submissions[1].SubmittedAt = at(3, 25, 8)
		p := c.run(t)
		found := false
		for _, d := range p.Diagnostics {
			found = found || d.Code == CodeFutureEvidence
		}
		assert.True(t, found)
		require.Len(t, p.Writes, 2)
		assert.Equal(t, date(2026, 3, 10), p.Writes[0].Finish, "the last grading before now")
	})
	t.Run("excused and unpublished assessments do not count", func(t *testing.T) {
		c := newResultCase(t)
		ev := &c.in.Evidence[0]
		ev.Assessments = append(ev.Assessments, lms.Assessment{ID: "a4", Title: "Hidden", GradingType: "pass_fail"})
		ev.Submissions[1].Excused = true
		ev.Submissions[1].Grade = ""
		p := c.run(t)
		require.NotEmpty(t, p.Writes)
		assert.Equal(t, "Competent", p.Writes[0].ResultName)
		assert.Equal(t, "1/1 assessments passed", p.Writes[0].Reason[len(p.Writes[0].Reason)-23:len(p.Writes[0].Reason)-1])
	})
	t.Run("two active enrolments for one unit are ambiguous", func(t *testing.T) {
		c := newResultCase(t)
		s := &c.in.Snapshot
		s.Enrolments = append(s.Enrolments, record.Enrolment{ID: 150, OccurrenceID: 2, ClientCode: "C1"})
		s.EnrolledUnits = append(s.EnrolledUnits, record.EnrolledUnit{EnrolmentID: 150, UnitCode: "IST101"})
		p := c.run(t)
		var kinds []ConflictKind
		for _, cf := range p.Conflicts {
			kinds = append(kinds, cf.Kind)
		}
		assert.Equal(t, []ConflictKind{ConflictAmbiguous, ConflictAmbiguous}, kinds)
		require.Len(t, p.Writes, 1)
		assert.Equal(t, int64(102), p.Writes[0].EnrolmentID)
	})
}

// In the Module workflow assessments name their units; an explicit binding
// keeps a renamed assessment on its unit.
func TestResultsModuleBindings(t *testing.T) {
	snap := Snapshot{
		Programmes: []record.Programme{{ID: 7, Code: "BSB50420", Name: "Diploma of Leadership"}},
		Occurrences: []record.Occurrence{{ID: 70, Description: "Dip Lead 2026", ProgrammeID: 7, StartDate: date(2026, 2, 1), EndDate: date(2026, 11, 30),
			Units: []record.Unit{{Code: "BSBLDR501", Name: "Leadership"}, {Code: "BSBOPS501", Name: "Operations"}, {Code: "BSBWHS411", Name: "WHS"}}}},
		Enrolments: []record.Enrolment{{ID: 700, OccurrenceID: 70, ClientCode: "L1"}},
		EnrolledUnits: []record.EnrolledUnit{
			{EnrolmentID: 700, UnitCode: "BSBLDR501"}, {EnrolmentID: 700, UnitCode: "BSBOPS501"}, {EnrolmentID: 700, UnitCode: "BSBWHS411"},
		},
		Clients: []record.Person{{Code: "L1", GivenName: "Lee", Surname: "Learner", Email: "lee@example.edu"}},
	}
	cfg := DefaultConfig(WorkflowModule)
	d, err := Structure(cfg, snap, nil)
	require.NoError(t, err)
	course := "vt-prog-7"
	ev := lms.Evidence{
		CourseSISID: course,
		Assessments: []lms.Assessment{
			{ID: "x1", Title: "Written Assessment (BSBLDR501)", GradingType: "pass_fail", Published: true},
			{ID: "x2", Title: "Role play (bsbldr 501)", GradingType: "pass_fail", Published: true},
			{ID: "x3", Title: "Ops report v2", GradingType: "pass_fail", Published: true}, // renamed; bound explicitly
		},
		Submissions: []lms.Submission{
			{AssessmentID: "x1", UserSISID: "vt-u-L1", State: lms.SubmissionGraded, Grade: "complete", GradedAt: at(3, 3, 9)},
			{AssessmentID: "x2", UserSISID: "vt-u-L1", State: lms.SubmissionGraded, Grade: "incomplete", GradedAt: at(3, 4, 9)},
			{AssessmentID: "x3", UserSISID: "vt-u-L1", State: lms.SubmissionGraded, Grade: "complete", GradedAt: at(3, 5, 9)},
		},
		Activity: []lms.Activity{{UserSISID: "vt-u-L1", FirstActivity: at(2, 20, 9)}},
	}
	rc := DefaultResultConfig(WorkflowModule, syd)
	rc.Commencement = CommencementOff
	rc.ActivityPerUnit = true
	in := ResultInput{Snapshot: snap, Desired: d, Evidence: []lms.Evidence{ev}, ResultTypes: resultTypes(), Now: *at(3, 20, 12),
		Bindings: map[string]string{"x3": "BSBOPS501"}}
	p := Results(cfg, rc, in)
	require.Len(t, p.Writes, 2)
	assert.Equal(t, "BSBLDR501", p.Writes[0].UnitCode)
	assert.Equal(t, "Continuing", p.Writes[0].ResultName, "one of two assessments failed")
	assert.Equal(t, date(2026, 3, 3), p.Writes[0].Start, "a unit starts with its own first submission, not the course log-in")
	assert.Equal(t, "BSBOPS501", p.Writes[1].UnitCode)
	assert.Equal(t, "Competent", p.Writes[1].ResultName)
	require.Len(t, p.Lint, 1)
	assert.Equal(t, []string{"BSBLDR501"}, p.Lint[0].UnitsOf("x2"))
	assert.Equal(t, BoundExplicit, p.Lint[0].Bindings[2].Source)
	// BSBWHS411 has no assessment yet: course-wide activity does not make
	// it Continuing in a course of several units.
	for _, w := range p.Writes {
		assert.NotEqual(t, "BSBWHS411", w.UnitCode)
	}

	// By default course-wide activity starts every unit of the course.
	rc.ActivityPerUnit = false
	p = Results(cfg, rc, in)
	require.Len(t, p.Writes, 3)
	assert.Equal(t, "BSBWHS411", p.Writes[2].UnitCode)
	assert.Equal(t, "Continuing", p.Writes[2].ResultName)
	assert.Equal(t, date(2026, 2, 20), p.Writes[2].Start)
	rc.ActivityPerUnit = true

	// Without the binding the renamed assessment counts for nothing and
	// the unit has no assessment: no result for it.
	in.Bindings = nil
	p = Results(cfg, rc, in)
	require.Len(t, p.Writes, 1)
	assert.Equal(t, "BSBLDR501", p.Writes[0].UnitCode)
	assert.True(t, hasDiag(p.Diagnostics, CodeLint, courseRecord(course)))
}
