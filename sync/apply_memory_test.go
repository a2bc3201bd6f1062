package sync_test

import (
	"context"
	"runtime"
	"slices"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// liveHeap is the live heap after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// heapAtFirstEnrol is an in-memory LMS that notes the live heap when the
// first enrolment arrives: Apply is then in its largest phase.
type heapAtFirstEnrol struct {
	*memlms.LMS
	once gosync.Once
	live int64
}

func (l *heapAtFirstEnrol) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	l.once.Do(func() { l.live = liveHeap() })
	return l.LMS.Enrol(ctx, e)
}

// Apply works from the plan's ops, not copies of them: a large plan's ops
// are tens of MiB, and Apply used to hold three copies (the valid ops, the
// ops by kind, the phase's ops), about 600 bytes an op. What it adds by
// its enrolment phase is now what the LMS and the store keep of the
// containers and users already written, and a few bytes an op.
func TestApplyKeepsNoCopyOfThePlansOps(t *testing.T) {
	api, clock := benchSource(t, vettraktest.GenSpec{Seed: 1, Occurrences: 100, Units: 20, Learners: 2000, EnrolledUnits: 6000, Staff: 10})
	cfg := benchConfig()
	cfg.Bulk.Off = true
	dst := &heapAtFirstEnrol{LMS: memlms.New()}
	s, err := vtsync.New(api, dst, cfg, vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
	require.NoError(t, err)
	ctx := t.Context()
	p, err := s.Plan(ctx)
	require.NoError(t, err)
	n := len(p.Ops)
	require.Greater(t, n, 5000)
	before := liveHeap()
	rep, err := s.Apply(ctx, p)
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	grew := dst.live - before
	t.Logf("%d ops, %d bytes an op", n, grew/int64(n))
	assert.Less(t, grew, int64(n)*250, "Apply's working set by its enrolment phase, %d ops", n)
}

// Apply runs a plan's ops phase by phase whatever their order in
// Plan.Ops (a hand-edited plan need not be sorted): reversed, the
// enrolments still follow the courses, sections and users they need.
func TestApplyRunsAnUnsortedPlanByPhase(t *testing.T) {
	api, clock := benchSource(t, benchSizes[0].spec)
	cfg := benchConfig()
	cfg.Bulk.Off = true
	s, err := vtsync.New(api, memlms.New(), cfg, vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
	require.NoError(t, err)
	ctx := t.Context()
	p, err := s.Plan(ctx)
	require.NoError(t, err)
	counts := p.Counts()
	require.NotZero(t, counts[vtsync.OpEnrol])
	slices.Reverse(p.Ops)
	rep, err := s.Apply(ctx, p)
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	require.Empty(t, rep.Skipped)
	assert.Equal(t, counts[vtsync.OpEnrol], rep.Created[vtsync.ObjectEnrolment])
	assert.Equal(t, counts[vtsync.OpCreateUser], rep.Created[vtsync.ObjectUser])
	again, err := s.Plan(ctx)
	require.NoError(t, err)
	assert.Empty(t, again.Ops, "everything was applied")
}
