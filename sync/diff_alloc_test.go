package sync

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/lms"
)

// diff's allocations do not grow with the objects that match: its
// indexes point into the observed state and key enrolments by their own
// strings (it built a key string for every observed and every wanted
// enrolment, and copied every observed object into its index), and on a
// first run its ops are sized once (they grew by quarters, each step a
// copy). Counted with testing.AllocsPerRun, never timed.
func TestDiffAllocationsDoNotGrowWithMatches(t *testing.T) {
	allocs := func(have func(*lms.State) *lms.State, learners int) float64 {
		want := benchState(40, learners)
		h := have(benchState(40, learners))
		return testing.AllocsPerRun(3, func() { diff(want, h, h.Users, h.Courses, time.UTC) })
	}
	same := func(s *lms.State) *lms.State { return s }
	small, large := allocs(same, 400), allocs(same, 4000)
	t.Logf("no-op diff: %v allocations at 400 learners, %v at 4000", small, large)
	// The maps' buckets grow with the state; a few allocations per
	// hundred objects, not two per enrolment.
	assert.Less(t, large-small, float64(4000-400)*0.2, "no-op diff: %v allocations at 400 learners, %v at 4000", small, large)

	// A first run: every object an op. The ops slice is allocated once;
	// grown by append it was copied at every quarter, about five times its
	// final size allocated in all (~1,200 bytes an op, the ops' own keys,
	// reasons and payloads included; ~500 now).
	want := benchState(40, 4000)
	var n int
	bytes := allocatedBy(func() { n = len(diff(want, &lms.State{}, nil, nil, time.UTC).ops) })
	t.Logf("first-run diff: %d ops, %d bytes an op", n, bytes/uint64(n))
	assert.Less(t, bytes/uint64(n), uint64(800), "first-run diff of %d ops allocated %d bytes", n, bytes)
}

// allocatedBy is how many bytes the process allocated while f ran.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
