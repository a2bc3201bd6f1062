package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

func TestConfigMessagesForPeople(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *rig)
		want   string
	}{
		{"typo suggests the field", func(r *rig) { r.config["workfow"] = "unit" },
			`unknown field "workfow" — did you mean "workflow"?`},
		{"nested typo", func(r *rig) { r.config["vettrak"].(map[string]any)["endpiont"] = "x" },
			`did you mean "endpoint"?`},
		{"no wild guess", func(r *rig) { r.config["zzzzzzzz"] = 1 }, `unknown field "zzzzzzzz"`},
		{"wrong type shows the value", func(r *rig) { r.config["vettrak"].(map[string]any)["rate_limit"] = "fast" },
			`vettrak.rate_limit: "fast" is not a number`},
		{"bool", func(r *rig) { r.config["skip_results"] = "yes" }, `skip_results: "yes" is not true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			tt.change(r)
			res := r.run("plan")
			require.Equal(t, exitUsage, res.code, res)
			assert.Contains(t, res.stderr, tt.want)
			assert.NotRegexp(t, `[^.]json: `, res.stderr)
			assert.NotContains(t, res.stderr, "Go struct")
			assert.NotContains(t, res.stderr, "main.")
			assert.NotContains(t, res.stderr, "float64")
			if tt.name == "no wild guess" {
				assert.NotContains(t, res.stderr, "did you mean")
			}
		})
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "1 unit", plural(1, "unit"))
	assert.Equal(t, "0 units", plural(0, "unit"))
	assert.Equal(t, "2 changes", plural(2, "change"))
	assert.Equal(t, "3 matches", plural(3, "match"))
}

func TestInterruptNoticeStartsOnANewLine(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	interruptNotice(&b)
	assert.Equal(t, "\nvtsync: stopping; press Ctrl-C again to force\n", b.String())
}

// Lint warnings are shown in words for courses with assessments, and not
// at all for courses without any (results by completion).
func TestLintReadableAndQuietWithoutAssessments(t *testing.T) {
	t.Parallel()
	idle := mapping.LintReport{CourseSISID: "c-idle", Findings: []mapping.LintFinding{
		{Kind: mapping.LintUnitNoAssessment, Severity: mapping.SeverityWarning, UnitCode: "IST101", Message: "unit IST101 has no assessment"}}}
	busy := mapping.LintReport{CourseSISID: "c-busy",
		Bindings: []mapping.AssessmentBinding{{AssessmentID: "1", Title: "Quiz"}},
		Findings: []mapping.LintFinding{{Kind: mapping.LintNoUnit, Severity: mapping.SeverityWarning, AssessmentID: "1", Message: `assessment "Quiz" names no unit of the course`}}}
	ds := []mapping.Diagnostic{
		{Severity: mapping.SeverityWarning, Code: mapping.CodeLint, Record: mapping.Record{Kind: "course", ID: "c-idle"}, Message: "1 problem"},
		{Severity: mapping.SeverityWarning, Code: mapping.CodeLint, Record: mapping.Record{Kind: "course", ID: "c-busy"}, Message: "1 problem"},
	}
	p := &vtsync.Plan{Workflow: mapping.WorkflowModule, Lint: []mapping.LintReport{idle, busy}, Diagnostics: ds}
	var b strings.Builder
	printPlan(&b, p, false)
	out := b.String()
	assert.Contains(t, out, "Assessment checks:\n  c-busy: warning: assessment \"Quiz\" names no unit of the course\n")
	assert.NotContains(t, out, "c-idle")
	assert.Contains(t, out, `course "c-busy"`)
}

func TestJSONSeverityAsWords(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("plan", "--format", "json", "--progress", "none")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, `"severity": "warning"`)
	assert.NotRegexp(t, `"severity": \d`, res.stdout)
	// The saved plan keeps numbers, which apply reads back.
	res = r.run("plan", "--out", r.path("p.json"), "--progress", "none")
	require.Equal(t, exitOK, res.code, res)
	res = r.run("apply", "--plan", r.path("p.json"), "--dry-run", "--progress", "none")
	assert.Equal(t, exitOK, res.code, res)
}
