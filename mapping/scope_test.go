package mapping

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// scopedCase is the walkthrough with Term 2 moved into a non-accredited
// short course (programme 20, "SC1"), on 10 July 2026: John (enrolment
// 101, Term 1, accredited STAT1) scored 80% and passed the quiz; Bob
// (enrolment 201, Term 2, short course) scored 90% and passed the quiz.
func scopedCase(t *testing.T) *resultCase {
	t.Helper()
	c := newResultCase(t)
	snap := &c.in.Snapshot
	snap.Programmes = append(snap.Programmes, record.Programme{ID: 20, Code: "SC1", Name: "Statistics short course"})
	snap.Occurrences[1].ProgrammeID = 20
	c.in.Now = *at(7, 10, 12)
	c.in.ResultTypes = append(c.in.ResultTypes, record.ResultType{Name: "Satisfactorily Completed", Outcome: "81", Active: true})
	nine := 9.0
	ev := &c.in.Evidence[0]
	ev.Submissions = append(ev.Submissions,
		lms.Submission{AssessmentID: "a1", UserSISID: "vt-u-C3", State: lms.SubmissionGraded, Grade: "complete", SubmittedAt: at(5, 9, 10), GradedAt: at(5, 10, 9)},
		lms.Submission{AssessmentID: "a2", UserSISID: "vt-u-C3", State: lms.SubmissionGraded, Grade: "9", Score: &nine, SubmittedAt: at(5, 14, 10), GradedAt: at(5, 15, 16)})
	ev.Activity = append(ev.Activity, lms.Activity{UserSISID: "vt-u-C3", FirstActivity: at(4, 28, 9), LastActivity: at(5, 15, 10)})
	c.rc.Rules.Rules = c.rc.Rules.Rules[:1] // the final rule only: no interim Continuing to clutter the cases
	return c
}

func shortCourse() ScopedRules {
	return ScopedRules{ID: "short-course", Match: Scope{ProgrammeCode: "sc1"}, Rules: []Rule{
		{ID: "done", Version: 1, When: WhenAllPassed, ResultName: "Satisfactorily Completed", Outcome: "81"}}}
}

func pct(v float64) *float64 { return &v }

// written is what a plan writes, by enrolment: "result name | rule | scope".
func written(p *ResultPlan) map[int64]string {
	out := map[int64]string{}
	for _, w := range p.Writes {
		out[w.EnrolmentID] = w.ResultName + " | " + w.Rule + " | " + w.Scope
	}
	return out
}

func TestResultsScoped(t *testing.T) {
	unitType := func(typ record.UnitType) func(c *resultCase) {
		return func(c *resultCase) {
			for i := range c.in.Snapshot.Occurrences {
				for j := range c.in.Snapshot.Occurrences[i].Units {
					c.in.Snapshot.Occurrences[i].Units[j].Type = typ
				}
			}
		}
	}
	competent := func(scope string) string { return "Competent | all-passed@1 | " + scope }
	cases := []struct {
		name   string
		scoped []ScopedRules
		setup  func(c *resultCase)
		want   map[int64]string
		diag   Code   // a diagnostic that must be present…
		rec    string // …naming this rule or scope
	}{
		{name: "provider-wide rules only", want: map[int64]string{101: competent(""), 201: competent("")}},
		{name: "a short course writes 81, the accredited programme 20",
			scoped: []ScopedRules{shortCourse()},
			want:   map[int64]string{101: competent(""), 201: "Satisfactorily Completed | short-course/done@1 | short-course"}},
		{name: "an occurrence's own pass mark (80% < 90%) holds John back",
			scoped: []ScopedRules{shortCourse(), {ID: "t1-strict", Match: Scope{OccurrenceID: 1}, PassPercent: pct(90)}},
			want:   map[int64]string{201: "Satisfactorily Completed | short-course/done@1 | short-course"}},
		{name: "an occurrence pass mark keeps its programme scope's rules",
			scoped: []ScopedRules{{ID: "t2-mark", Match: Scope{OccurrenceID: 2}, PassPercent: pct(85)}, shortCourse()},
			want:   map[int64]string{101: competent(""), 201: "Satisfactorily Completed | short-course/done@1 | t2-mark"}},
		{name: "a stricter occurrence pass mark (90% < 95%) holds Bob back",
			scoped: []ScopedRules{shortCourse(), {ID: "t2-mark", Match: Scope{OccurrenceID: 2}, PassPercent: pct(95)}},
			want:   map[int64]string{101: competent("")}},
		{name: "pass grades can be scoped: the quiz's 'complete' no longer passes in Term 1",
			scoped: []ScopedRules{{ID: "t1-grades", Match: Scope{OccurrenceID: 1}, PassGrades: []string{"S"}}},
			want:   map[int64]string{201: competent("")}},
		{name: "an exact unit code outranks a pattern, whatever the order",
			scoped: []ScopedRules{
				{ID: "ist-all", Match: Scope{UnitCode: "IST*"}, Rules: []Rule{{ID: "p", Version: 1, When: WhenAllPassed, ResultName: "Pass with Distinction", Outcome: "20"}}},
				{ID: "ist101", Match: Scope{UnitCode: "ist 101"}, Rules: []Rule{{ID: "x", Version: 2, When: WhenAllPassed, ResultName: "Satisfactorily Completed", Outcome: "81"}}},
			},
			want: map[int64]string{101: "Satisfactorily Completed | ist101/x@2 | ist101", 201: "Satisfactorily Completed | ist101/x@2 | ist101"}},
		{name: "a programme scope outranks a unit type scope",
			setup: unitType(record.Module),
			scoped: []ScopedRules{
				{ID: "modules", Match: Scope{UnitType: ScopeModule}, Rules: []Rule{{ID: "m", Version: 1, When: WhenAllPassed, ResultName: "Pass with Distinction", Outcome: "20"}}},
				shortCourse(),
			},
			want: map[int64]string{101: "Pass with Distinction | modules/m@1 | modules", 201: "Satisfactorily Completed | short-course/done@1 | short-course"}},
		{name: "a unit type scope does not match units of the other type",
			setup:  unitType(record.UnitOfCompetency),
			scoped: []ScopedRules{{ID: "modules", Match: Scope{UnitType: ScopeModule}, PassPercent: pct(100)}},
			want:   map[int64]string{101: competent(""), 201: competent("")}},
		{name: "a scoped rule naming an unknown result type writes nothing for its units, and says so",
			scoped: []ScopedRules{{ID: "short-course", Match: Scope{ProgrammeID: 20}, Rules: []Rule{{ID: "done", Version: 1, When: WhenAllPassed, ResultName: "Completed OK", Outcome: "81"}}}},
			want:   map[int64]string{101: competent("")}, diag: CodeResultTypeUnknown, rec: "short-course/done@1"},
		{name: "an invalid pass mark writes nothing for the scope's units",
			scoped: []ScopedRules{{ID: "t2", Match: Scope{OccurrenceID: 2}, PassPercent: pct(150)}},
			want:   map[int64]string{101: competent("")}, diag: CodeInvalidRule, rec: "t2"},
		{name: "an invalid scope pattern stops all results (which units it meant is unknown)",
			scoped: []ScopedRules{{ID: "bad", Match: Scope{UnitCode: "IST["}}},
			want:   map[int64]string{}, diag: CodeInvalidRule, rec: "bad"},
		{name: "a scope naming nothing stops all results",
			scoped: []ScopedRules{{ID: "everything"}},
			want:   map[int64]string{}, diag: CodeInvalidRule, rec: "everything"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := scopedCase(t)
			if tc.setup != nil {
				tc.setup(c)
			}
			c.rc.Scoped = tc.scoped
			p := c.run(t)
			assert.Equal(t, tc.want, written(p))
			if tc.diag != "" {
				assert.True(t, hasDiag(p.Diagnostics, tc.diag, Record{RecordRule, tc.rec}), "diagnostic %s missing: %v", tc.diag, p.Diagnostics)
			}
		})
	}
}

func TestResultsScopedLedgerAndRescoping(t *testing.T) {
	c := scopedCase(t)
	c.rc.Scoped = []ScopedRules{shortCourse()}
	p := c.run(t)
	require.Len(t, p.Writes, 2)
	c.apply(p)
	assert.Equal(t, "short-course", c.in.Ledger[ResultKey(201, "IST101")].Scope, "the ledger records the scope")
	assert.Equal(t, "short-course/done@1", c.in.Ledger[ResultKey(201, "IST101")].Rule)
	assert.Equal(t, "", c.in.Ledger[ResultKey(101, "IST101")].Scope)

	assert.Empty(t, c.run(t).Writes, "nothing is written twice")

	// A new version of the scoped rule, same result: nothing to write.
	c.rc.Scoped[0].Rules[0].Version = 2
	assert.Empty(t, c.run(t).Writes, "a new rule version with the same outcome writes nothing")

	// Moving the short course out of its scope would turn 81 into 20: a
	// final outcome is never replaced by another without a person.
	c.rc.Scoped = nil
	p = c.run(t)
	assert.Empty(t, p.Writes)
}

func TestScopeSpecificity(t *testing.T) {
	cases := []struct {
		scope Scope
		want  int
	}{
		{Scope{}, 0},
		{Scope{UnitType: ScopeModule}, 1},
		{Scope{ProgrammeCode: "SC1"}, 2},
		{Scope{ProgrammeID: 20, ProgrammeCode: "SC1"}, 2},
		{Scope{UnitCode: "BSB*"}, 4},
		{Scope{UnitCode: "BSBLDR501"}, 8},
		{Scope{OccurrenceID: 7}, 16},
		{Scope{OccurrenceID: 7, UnitCode: "BSBLDR501", ProgrammeID: 1, UnitType: ScopeModule}, 27},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.scope.Specificity(), "%+v", tc.scope)
	}
	// Every criterion outranks all the lower ones together.
	assert.Greater(t, Scope{OccurrenceID: 1}.Specificity(), Scope{UnitCode: "X1", ProgrammeID: 1, UnitType: ScopeModule}.Specificity())
	assert.Greater(t, Scope{UnitCode: "X1"}.Specificity(), Scope{UnitCode: "X*", ProgrammeID: 1, UnitType: ScopeModule}.Specificity())
}

func TestScopeString(t *testing.T) {
	assert.Equal(t, "nothing", Scope{}.String())
	assert.Equal(t, `programme code "FAWR", unit "BSB*"`, Scope{ProgrammeCode: " FAWR ", UnitCode: "BSB*"}.String())
	assert.Equal(t, `programme ID 20 with code "SC1", occurrence 7, unit type module`, Scope{ProgrammeID: 20, ProgrammeCode: "SC1", OccurrenceID: 7, UnitType: ScopeModule}.String())
}

func TestValidateRules(t *testing.T) {
	good := shortCourse()
	cases := []struct {
		name   string
		scoped []ScopedRules
		err    string
	}{
		{name: "valid", scoped: []ScopedRules{good, {ID: "t1", Match: Scope{OccurrenceID: 1}, PassPercent: pct(90)}}},
		{name: "duplicate ID", scoped: []ScopedRules{good, {ID: "short-course", Match: Scope{OccurrenceID: 1}}}, err: "duplicate scope ID"},
		{name: "same criteria twice", scoped: []ScopedRules{good, {ID: "again", Match: Scope{ProgrammeCode: " SC1 "}}}, err: `matches exactly what scope "short-course" matches`},
		{name: "no criteria", scoped: []ScopedRules{{ID: "all"}}, err: "names no programme"},
		{name: "no ID", scoped: []ScopedRules{{Match: Scope{OccurrenceID: 1}}}, err: "ID must be set"},
		{name: "slash in ID", scoped: []ScopedRules{{ID: "a/b", Match: Scope{OccurrenceID: 1}}}, err: "ID must be set"},
		{name: "bad pattern", scoped: []ScopedRules{{ID: "p", Match: Scope{UnitCode: "BSB["}}}, err: "unit code pattern"},
		{name: "bad unit type", scoped: []ScopedRules{{ID: "p", Match: Scope{UnitType: "skill set"}}}, err: "unit type"},
		{name: "negative ID", scoped: []ScopedRules{{ID: "p", Match: Scope{OccurrenceID: -1}}}, err: "must be positive"},
		{name: "pass mark out of range", scoped: []ScopedRules{{ID: "p", Match: Scope{OccurrenceID: 1}, PassPercent: pct(-1)}}, err: "PassPercent"},
		{name: "scoped rule invalid", scoped: []ScopedRules{{ID: "p", Match: Scope{OccurrenceID: 1}, Rules: []Rule{{ID: "r", Version: 1, When: WhenFirstActivity, ResultName: "Competent", Outcome: "20"}}}}, err: "first activity cannot decide a final outcome"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := DefaultResultConfig(WorkflowUnit, syd)
			rc.Scoped = tc.scoped
			err := rc.ValidateRules()
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidRule))
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestCheckRules(t *testing.T) {
	snap := scopedCase(t).in.Snapshot
	types := append(resultTypes(), record.ResultType{Name: "Satisfactorily Completed", Outcome: "81", Active: true})
	cases := []struct {
		name   string
		scoped []ScopedRules
		types  []record.ResultType
		want   []Code
	}{
		{name: "all present", scoped: []ScopedRules{shortCourse(), {ID: "t1", Match: Scope{OccurrenceID: 1, UnitCode: "IST1*"}, PassPercent: pct(90)}}, types: types},
		{name: "result type missing", scoped: []ScopedRules{shortCourse()}, types: resultTypes(), want: []Code{CodeResultTypeUnknown}},
		{name: "outcome disagrees", scoped: []ScopedRules{shortCourse()},
			types: append(resultTypes(), record.ResultType{Name: "Satisfactorily Completed", Outcome: "20", Active: true}), want: []Code{CodeResultTypeMismatch}},
		{name: "unknown programme", scoped: []ScopedRules{{ID: "p", Match: Scope{ProgrammeCode: "NOPE"}, PassPercent: pct(60)}}, types: types, want: []Code{CodeUnknownScopeTarget}},
		{name: "unknown occurrence", scoped: []ScopedRules{{ID: "o", Match: Scope{OccurrenceID: 99}, PassPercent: pct(60)}}, types: types, want: []Code{CodeUnknownScopeTarget}},
		{name: "unit pattern matching nothing", scoped: []ScopedRules{{ID: "u", Match: Scope{UnitCode: "BSB*"}, PassPercent: pct(60)}}, types: types, want: []Code{CodeUnknownScopeTarget}},
		{name: "invalid scope", scoped: []ScopedRules{{ID: "u", Match: Scope{UnitCode: "BSB["}}}, types: types, want: []Code{CodeInvalidRule}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := DefaultResultConfig(WorkflowUnit, syd)
			rc.Rules.Rules = rc.Rules.Rules[:1]
			rc.Scoped = tc.scoped
			ds := CheckRules(rc, tc.types, snap)
			var got []Code
			for _, d := range ds {
				got = append(got, d.Code)
				assert.NotEmpty(t, d.Record.ID, "a diagnostic names the scope or rule")
			}
			assert.Equal(t, tc.want, got, "%v", ds)
		})
	}
}
