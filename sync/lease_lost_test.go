package sync_test

import (
	"context"
	"errors"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// stealingSource lets another holder take the provider's lease during the
// first enrolment read, as an instance whose lease lapsed while this one
// stalled would, then waits for the Syncer to notice.
type stealingSource struct {
	vtsync.Source
	once  gosync.Once
	steal func(ctx context.Context)
}

func (s *stealingSource) EnrolmentsForOccurrence(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
	s.once.Do(func() { s.steal(ctx) })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Source.EnrolmentsForOccurrence(ctx, id)
}

// A lease taken by another holder mid-run stops the run with an error
// that says so (ErrLeaseLost, and who holds it), not a bare "context
// canceled".
func TestLeaseLostMidRunSaysSo(t *testing.T) {
	r := groupsRig(t)
	const ttl = 30 * time.Millisecond
	var now atomic.Int64 // the Syncer's and the thief's clock, safe to move from the read
	now.Store(r.now.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }

	r.src = &stealingSource{Source: r.api, steal: func(ctx context.Context) {
		now.Add(int64(2 * ttl)) // this instance's lease lapsed
		leases := store.NewLeases(r.st, clock)
		_, err := leases.Acquire(context.Background(), vtsync.LeaseName, "the other instance", time.Hour)
		require.NoError(t, err)
		select { // the renewal (every ttl/3) finds the lease taken
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Error("the run was not stopped after its lease was taken")
		}
	}}
	s := r.syncer(t, vtsync.WithClock(clock), vtsync.WithLeaseTTL(ttl))
	rep, err := s.Run(context.Background())
	require.Error(t, err)
	assert.NotNil(t, rep)
	assert.ErrorIs(t, err, vtsync.ErrLeaseLost)
	assert.ErrorIs(t, err, context.Canceled, "how the work was stopped")
	var le *store.LeaseError
	require.True(t, errors.As(err, &le), "who holds it: %v", err)
	assert.Equal(t, "the other instance", le.Holder)
	assert.Contains(t, err.Error(), "lease lost while working")
}
