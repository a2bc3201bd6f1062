package sync_test

import (
	"context"
	gosync "sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// inFlight counts calls in flight at once: enter at a call's start, call
// what it returns at its end.
type inFlight struct {
	mu        gosync.Mutex
	now, most int
}

func (c *inFlight) enter() func() {
	c.mu.Lock()
	c.now++
	c.most = max(c.most, c.now)
	c.mu.Unlock()
	return func() { c.mu.Lock(); c.now--; c.mu.Unlock() }
}

// countingSource counts the VETtrak calls in flight at once.
type countingSource struct {
	vtsync.Source
	inFlight
}

func (c *countingSource) EnrolmentsForOccurrence(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
	defer c.enter()()
	return c.Source.EnrolmentsForOccurrence(ctx, id)
}

func (c *countingSource) ClientDetails(ctx context.Context, code string) (*vettrak.Person, error) {
	defer c.enter()()
	return c.Source.ClientDetails(ctx, code)
}

func (c *countingSource) UnitsForEnrolment(ctx context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
	defer c.enter()()
	return c.Source.UnitsForEnrolment(ctx, id)
}

// VETtrak gets its own bound: one call at a time to VETtrak while the
// LMS side has eight workers.
func TestVETtrakConcurrencyApart(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	r.cfg.Mapping.CreateMissingCourses = true
	src := &countingSource{Source: r.api}
	r.src = src
	rep, err := r.syncer(t, vtsync.WithConcurrency(8), vtsync.WithVETtrakConcurrency(1)).Run(t.Context())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	assert.Positive(t, rep.Created["enrolment"])
	assert.Equal(t, 1, src.most, "VETtrak calls in flight at once")
}
