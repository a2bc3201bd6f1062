package fleettest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/sync/fleet/fleettest"
	"github.com/vtsync/vtsync/sync/store"
)

func syncOnce(t *testing.T, p *fleettest.FakeProvider) {
	t.Helper()
	s, err := fleet.BuildSyncer(t.Context(), p.Provider(""), p.Credentials(), vtsync.WithStore(store.NewMemory()))
	require.NoError(t, err)
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
}

// Two sets of fakes with the same options hold the same data, so one
// synced sets the reference for the other; the snapshot ignores the fakes'
// own IDs, and it names a duplicate enrolment or membership.
func TestSnapshotComparesAndFindsDuplicates(t *testing.T) {
	a, err := fleettest.Start(fleettest.Options{Providers: 2})
	require.NoError(t, err)
	defer a.Close()
	b, err := fleettest.Start(fleettest.Options{Providers: 2})
	require.NoError(t, err)
	defer b.Close()
	for i := range 2 {
		syncOnce(t, a.Providers[i])
		syncOnce(t, b.Providers[i])
		sa, sb := a.Providers[i].Snapshot(), b.Providers[i].Snapshot()
		assert.Empty(t, sa.Duplicates)
		assert.Equal(t, sa.Lines, sb.Lines)
		assert.NotEmpty(t, sa.Lines)
	}
	assert.NotEqual(t, a.Providers[0].Snapshot().Lines, a.Providers[1].Snapshot().Lines, "providers hold different data")

	// A second active enrolment of the same user in the same section, as a
	// replayed create would leave.
	cv := a.Providers[0].Canvas
	var dup canvastest.Enrollment
	for _, c := range cv.Courses() {
		if es := cv.Enrollments(c.ID); len(es) > 0 {
			dup = es[0]
			break
		}
	}
	require.NotZero(t, dup.ID)
	dup.ID = 0
	require.NotZero(t, cv.SeedEnrollment(dup))
	snap := a.Providers[0].Snapshot()
	require.Len(t, snap.Duplicates, 1)
	assert.Contains(t, snap.Duplicates[0], "enrolment")

	// The LMS-pulls provider's groups and memberships are in its lines.
	var groups, members int
	for _, l := range a.Providers[1].Snapshot().Lines {
		switch {
		case strings.HasPrefix(l, "group "):
			groups++
		case strings.HasPrefix(l, "membership "):
			members++
		}
	}
	assert.Positive(t, groups)
	assert.Positive(t, members)
}

// Completed courses come back to VETtrak as results, each written once:
// a second run changes nothing on either side.
func TestCompleteCoursesWritesResults(t *testing.T) {
	f, err := fleettest.Start(fleettest.Options{Providers: 2})
	require.NoError(t, err)
	defer f.Close()
	at := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	p := f.Providers[1] // LMS-pulls: courses made by hand, with modules
	syncOnce(t, p)
	assert.Zero(t, f.Providers[0].CompleteCourses(at), "the Unit workflow's courses have no modules")
	before := p.Snapshot()
	require.Positive(t, p.CompleteCourses(at))
	st := store.NewMemory()
	run := func() *vtsync.Report {
		s, err := fleet.BuildSyncer(t.Context(), p.Provider(""), p.Credentials(), vtsync.WithStore(st))
		require.NoError(t, err)
		rep, err := s.Run(t.Context())
		require.NoError(t, err)
		return rep
	}
	rep := run()
	assert.Positive(t, rep.ResultsWritten)
	after := p.Snapshot()
	assert.NotEqual(t, before.Lines, after.Lines, "VETtrak holds the new results")
	assert.Zero(t, run().ResultsWritten)
	assert.Equal(t, after.Lines, p.Snapshot().Lines, "written once")
}
