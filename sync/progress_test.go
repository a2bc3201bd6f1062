package sync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Apply reports progress per operation, naming the kind running now, so a
// display moves with the work instead of showing the phase that ended.
func TestApplyProgressPerOperation(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	var events []vtsync.Progress
	s := r.syncer(t, vtsync.WithConcurrency(4), vtsync.WithProgress(func(p vtsync.Progress) { events = append(events, p) }))
	rep, err := s.Run(context.Background())
	require.NoError(t, err)

	var apply []vtsync.Progress
	for _, e := range events {
		if e.Phase == vtsync.PhaseApply {
			apply = append(apply, e)
		}
	}
	require.NotEmpty(t, apply)
	// One event as each kind's phase starts, and one per operation.
	assert.GreaterOrEqual(t, len(apply), rep.Planned, "an event per operation")
	last := 0
	for _, e := range apply {
		assert.GreaterOrEqual(t, e.Done, last, "done never goes back: %+v", e)
		last = e.Done
		assert.Equal(t, rep.Planned, e.Total)
		assert.NotEmpty(t, e.Item)
	}
	assert.Equal(t, rep.Planned, last)
	assert.Equal(t, vtsync.Progress{Phase: vtsync.PhaseApply, Done: 0, Total: rep.Planned, Item: "update_course"}, apply[0],
		"the first event names the phase starting, not one that ended")
}
