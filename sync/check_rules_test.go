package sync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Check validates every result rule and scope against VETtrak before any
// write: a scoped rule naming a result type VETtrak lacks fails the check,
// a scope naming no occurrence in scope is only a warning.
func TestCheckValidatesResultScopes(t *testing.T) {
	shortCourse := mapping.ScopedRules{ID: "short", Match: mapping.Scope{UnitCode: "IST*"}, Rules: []mapping.Rule{
		{ID: "done", Version: 1, When: mapping.WhenAllPassed, ResultName: "Satisfactorily Completed", Outcome: "81"}}}
	tests := []struct {
		name    string
		scoped  []mapping.ScopedRules
		ok      bool
		mention string
	}{
		{name: "scopes match", scoped: []mapping.ScopedRules{shortCourse}, ok: true,
			mention: "2 provider-wide rule(s) and 1 scope(s) match"},
		{name: "unknown result type", ok: false, mention: `result_type_unknown rule "short/done@1"`,
			scoped: []mapping.ScopedRules{{ID: "short", Match: mapping.Scope{UnitCode: "IST*"}, Rules: []mapping.Rule{
				{ID: "done", Version: 1, When: mapping.WhenAllPassed, ResultName: "Completed OK", Outcome: "81"}}}}},
		{name: "outcome disagrees", ok: false, mention: "result_type_mismatch",
			scoped: []mapping.ScopedRules{{ID: "short", Match: mapping.Scope{UnitCode: "IST*"}, Rules: []mapping.Rule{
				{ID: "done", Version: 1, When: mapping.WhenAllPassed, ResultName: "Competent", Outcome: "81"}}}}},
		{name: "occurrence not in scope is a warning", ok: true, mention: `unknown_scope_target rule "t9": no occurrence 999`,
			scoped: []mapping.ScopedRules{{ID: "t9", Match: mapping.Scope{OccurrenceID: 999}, PassPercent: vtsync.Ptr(80.0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			r.cfg.Results.Scoped = tt.scoped
			rep, err := r.syncer(t).Check(context.Background())
			require.NotNil(t, rep)
			assert.Equal(t, tt.ok, rep.RulesOK, rep.String())
			assert.Contains(t, rep.String(), tt.mention)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, vtsync.ErrInvalidConfig)
			}
		})
	}
}
