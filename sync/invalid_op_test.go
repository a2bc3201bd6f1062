package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// A saved plan edited by hand (or written by a newer version) may carry an
// op of a kind Apply does not know, or one without its payload: that op
// fails on its own with ErrInvalidOp, nothing panics, and the rest of the
// plan applies.
func TestApplyRefusesInvalidOps(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	s := r.syncer(t)
	plan, err := s.Plan(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, plan.Ops)
	b, err := plan.JSON()
	require.NoError(t, err)
	var saved vtsync.Plan
	require.NoError(t, json.Unmarshal(b, &saved))
	bad := []vtsync.Op{
		{Kind: vtsync.OpCreateCourse, Key: "create_course:NOPAYLOAD", Scope: "NOPAYLOAD", Observed: "absent"},
		{Kind: vtsync.OpEnrol, Key: "enrol:NOPAYLOAD", Scope: "NOPAYLOAD"},
		{Kind: vtsync.OpMarkOccurrence, Key: "mark_occurrence:0"},
		{Kind: "archive_course", Key: "archive_course:X", Scope: "X"},
	}
	saved.Ops = append(saved.Ops, bad...)

	rep, err := s.Apply(ctx, &saved)
	require.NoError(t, err)
	var invalid []string
	for _, f := range rep.Failures {
		if errors.Is(f.Err(), vtsync.ErrInvalidOp) {
			invalid = append(invalid, f.Key)
		}
	}
	assert.ElementsMatch(t, []string{"create_course:NOPAYLOAD", "enrol:NOPAYLOAD", "mark_occurrence:0", "archive_course:X"}, invalid)
	assert.Len(t, rep.Failures, len(bad), "only the invalid ops fail")
	assert.Equal(t, len(plan.Ops), rep.Changes()+rep.ResultsWritten+rep.CommentsWritten+rep.Marked, "the rest of the plan applied")
}
