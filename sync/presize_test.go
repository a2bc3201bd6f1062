package sync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The VETtrak snapshot's slices are sized once, on the first run (every
// enrolment's units read) and on the next (most taken from the cache):
// none holds the spare room append's doubling leaves (at the benchmark's
// large size that room was most of 20 MiB).
func TestObservationPreSized(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 1, Occurrences: 10, Units: 5, Learners: 100, EnrolledUnits: 300, Staff: 5})
	require.NoError(t, err)
	now := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	vt := vettraktest.NewServer(vettraktest.WithDataset(data), vettraktest.WithClock(func() time.Time { return now }))
	t.Cleanup(vt.Close)
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	cfg := DefaultConfig(mapping.WorkflowUnit)
	cfg.Scope = Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}
	cfg.SkipResults = true
	s, err := New(api, memlms.New(), cfg, WithStore(store.NewMemory()), WithClock(func() time.Time { return now }))
	require.NoError(t, err)

	for _, run := range []string{"first", "cached"} {
		obs, err := s.observeVETtrak(t.Context())
		require.NoError(t, err, run)
		snap := obs.snap
		require.NotEmpty(t, snap.EnrolledUnits, run)
		assert.Equal(t, len(snap.Occurrences), cap(snap.Occurrences), "%s: occurrences", run)
		assert.Equal(t, len(snap.Enrolments), cap(snap.Enrolments), "%s: enrolments", run)
		assert.Equal(t, len(snap.EnrolledUnits), cap(snap.EnrolledUnits), "%s: enrolled units", run)
		if run == "cached" {
			assert.Empty(t, obs.freshUnits, "the second observation takes the units from the cache")
		}
	}
}

// Placements share the desired state's objects instead of copying them
// per VETtrak enrolment; one that gathers several courses' still gets its
// own slice, and the shared ones are left as they were.
func TestPlacementsShareEnrolments(t *testing.T) {
	en := func(course, user string) lms.Enrolment {
		return lms.Enrolment{CourseSISID: course, UserSISID: user, SectionSISID: course + "-S", Role: lms.RoleStudent, Status: lms.StatusActive}
	}
	d := &mapping.Desired{
		State: lms.State{Enrolments: []lms.Enrolment{en("C1", "u1"), en("C2", "u1")}},
		Provenance: []mapping.Provenance{
			{CourseSISID: "C1", UserSISID: "u1", EnrolmentID: 1, Status: lms.StatusActive},
			{CourseSISID: "C1", UserSISID: "u1", EnrolmentID: 2, Status: lms.StatusActive},
			{CourseSISID: "C2", UserSISID: "u1", EnrolmentID: 2, Status: lms.StatusActive},
			{CourseSISID: "C1", UserSISID: "u1", EnrolmentID: 3, Status: lms.StatusActive},
		},
	}
	p := placementsOf(d)
	require.Len(t, p["1"].Enrolments, 1)
	require.Len(t, p["2"].Enrolments, 2)
	assert.Same(t, &p["1"].Enrolments[0], &p["3"].Enrolments[0], "one copy of C1's enrolment, not one per placement")
	assert.Equal(t, []lms.Enrolment{en("C1", "u1")}, p["1"].Enrolments, "the shared slice is not written through")
	assert.Equal(t, []lms.Enrolment{en("C1", "u1"), en("C2", "u1")}, p["2"].Enrolments)
}
