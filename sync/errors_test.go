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

// An invalid mapping config is both packages' invalid config: the Syncer's
// error contains mapping's, field and all.
func TestInvalidMappingConfigMatchesBoth(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	tests := []struct {
		name  string
		edit  func(*mapping.Config)
		field string
	}{
		{"unknown workflow", func(c *mapping.Config) { c.Workflow = "semester" }, "Workflow"},
		{"no login source", func(c *mapping.Config) { c.Login = nil }, "Login"},
		{"active withdrawal", func(c *mapping.Config) { c.WithdrawnStatus = "active" }, "WithdrawnStatus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := r.cfg
			tt.edit(&cfg.Mapping)
			_, err := vtsync.New(r.api, r.lms, cfg)
			require.ErrorIs(t, err, vtsync.ErrInvalidConfig)
			require.ErrorIs(t, err, mapping.ErrInvalidConfig)
			var ce *mapping.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
		})
	}
}

// Every sentinel of the package says which package it comes from, with
// the name the package is imported under (see the package doc).
func TestSentinelsArePrefixed(t *testing.T) {
	for _, err := range []error{vtsync.ErrInvalidConfig, vtsync.ErrHold, vtsync.ErrStale, vtsync.ErrSkipped,
		vtsync.ErrChangedInVETtrak, vtsync.ErrNeedsPerson, vtsync.ErrInvalidOp,
		&vtsync.HoldError{Holds: []vtsync.Hold{{Kind: vtsync.HoldRemove, Count: 3, Base: 20, Share: 0.15, Limit: 0.1}}},
		&vtsync.PanicError{Value: "boom"}} {
		assert.Regexp(t, `^vtsync: `, err.Error())
	}
	_, err := vtsync.New(nil, nil, vtsync.Config{})
	assert.True(t, errors.Is(err, vtsync.ErrInvalidConfig))
	assert.Regexp(t, `^vtsync: invalid config: `, err.Error())
}

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
