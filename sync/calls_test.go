package sync_test

import (
	"context"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// countingLMS is an LMS written outside the module that counts its own
// calls, as a vendor's backend would: lms.StatsReporter is all it needs
// for the Syncer to report them.
type countingLMS struct {
	*memlms.LMS
	mu    gosync.Mutex
	reads int64
}

func (c *countingLMS) ReadState(ctx context.Context, ids []string) (*lms.State, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.LMS.ReadState(ctx, ids)
}

func (c *countingLMS) Stats() callstats.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return callstats.Snapshot{Reads: c.reads, ByOp: map[string]int64{"ReadState": c.reads}}
}

var _ lms.StatsReporter = (*countingLMS)(nil)

func TestReportCountsCallsOfAnOutsideLMS(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	target := &countingLMS{LMS: r.lms}
	s := r.syncerOn(t, target)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.Contains(t, rep.Calls, "lms")
	assert.Positive(t, rep.Calls["lms"].Reads, "the LMS's own count reaches the report")
	assert.Equal(t, rep.Calls["lms"].Reads, rep.Calls["lms"].ByOp["ReadState"])
	assert.Positive(t, rep.Calls["vettrak"].Calls(), "the vettrak client's count, same type")
}
