package sync_test

import (
	"context"
	"sync/atomic"
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

// Observe reports each VETtrak read as it finishes (occurrence enrolments,
// client details, enrolled units), counting up to the number it will make,
// so a first sync's thousands of reads show how far they are. Events come
// one at a time and in order, though the reads run in parallel.
func TestObserveProgressPerRead(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	var events []vtsync.Progress
	var inside atomic.Bool
	s := r.syncer(t, vtsync.WithVETtrakConcurrency(4), vtsync.WithProgress(func(p vtsync.Progress) {
		require.False(t, inside.Swap(true), "two progress calls at once")
		defer inside.Store(false)
		events = append(events, p)
	}))
	_, err = s.Run(context.Background())
	require.NoError(t, err)

	for _, tt := range []struct {
		item string
		op   string // the VETtrak operation behind each event
	}{
		{"occurrence enrolments", "GetEnrolmentsForOccurrence"},
		{"client details", "GetClientDetails"},
		{"enrolled units", "GetUnitsForEnrolment"},
	} {
		t.Run(tt.item, func(t *testing.T) {
			var got []vtsync.Progress
			for _, e := range events {
				if e.Phase == vtsync.PhaseObserve && e.Item == tt.item {
					got = append(got, e)
				}
			}
			calls := r.vt.CallCount(tt.op)
			require.Positive(t, calls)
			require.Len(t, got, calls, "an event per read")
			for i, e := range got {
				assert.Equal(t, i+1, e.Done, "in order: %+v", e)
				assert.Equal(t, calls, e.Total)
			}
		})
	}
}
