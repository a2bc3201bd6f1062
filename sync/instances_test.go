package sync_test

import (
	"context"
	"errors"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// completeAll marks the walkthrough's Term 1 learners (John, Julie)
// complete, so a results pass writes one result for each.
func completeAll(t *testing.T, r *rig) {
	t.Helper()
	st := r.lms.Dump()
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	for _, given := range []string{"John", "Julie"} {
		require.NoError(t, r.lms.SetProgress(st.Courses[0].SISID, lms.CourseProgress{UserSISID: userByGiven(t, st, given), RequirementsTotal: 1, RequirementsCompleted: 1, CompletedAt: &done}))
	}
}

func resultWrites(r *rig) int {
	return r.vt.CallCount("UpdateResult") + r.vt.CallCount("UpdateResultIncludingLinked")
}

// instanceStores are the ways two instances of one provider can be set up.
func instanceStores(t *testing.T, r *rig) map[string][2]store.Store {
	db, err := store.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return map[string][2]store.Store{
		"one memory store": {r.st, r.st},
		"one bolt store":   {db, db},
		"two stores":       {r.st, store.NewMemory()},
	}
}

// Issue 18 item 3: two instances of one provider that both planned before
// either applied write every result once: the second finds each value
// already in place on its fresh check immediately before the write. The
// plans are made from freshly read units (UnitsMaxAge < 0), the case the
// check of cached copies did not cover.
func TestTwoInstancesWriteEachResultOnce(t *testing.T) {
	for _, name := range []string{"one memory store", "one bolt store", "two stores"} {
		t.Run(name, func(t *testing.T) {
			r := groupsRig(t)
			r.cfg.UnitsMaxAge = -1
			stores := instanceStores(t, r)[name]
			completeAll(t, r)
			a := r.syncer(t, vtsync.WithStore(stores[0]))
			b := r.syncer(t, vtsync.WithStore(stores[1]))
			ctx := context.Background()
			pa, err := a.Plan(ctx)
			require.NoError(t, err)
			pb, err := b.Plan(ctx)
			require.NoError(t, err)
			want := pa.Counts()[vtsync.OpWriteResult]
			require.Positive(t, want)
			require.Equal(t, want, pb.Counts()[vtsync.OpWriteResult])

			ra, err := a.Apply(ctx, pa)
			require.NoError(t, err)
			assert.Equal(t, want, ra.ResultsWritten)
			rb, err := b.Apply(ctx, pb)
			require.NoError(t, err)
			assert.Zero(t, rb.ResultsWritten)
			assert.Empty(t, rb.Failures, "a value already in place is no failure")
			assert.Equal(t, want, rb.AlreadyExisted)
			assert.Equal(t, want, resultWrites(r), "every UpdateResult once")
			assert.Empty(t, r.vt.Data().ResultHistory(3001, vettraktest.WalkthroughUnit), "VETtrak's result history is not doubled")

			// Both instances now know the results as their own.
			for _, s := range []*vtsync.Syncer{a, b} {
				rep, err := s.ReportResults(ctx)
				require.NoError(t, err)
				assert.Zero(t, rep.ResultsWritten)
				assert.Empty(t, rep.Conflicts)
			}
		})
	}
}

// Two Syncers sharing one store and running at the same moment: the lease
// lets one work and refuses the other (ErrLeased), which changes nothing;
// whatever the interleaving, every result is written once.
func TestConcurrentInstancesOnOneStore(t *testing.T) {
	for _, name := range []string{"one memory store", "one bolt store"} {
		t.Run(name, func(t *testing.T) {
			r := groupsRig(t)
			r.cfg.UnitsMaxAge = -1
			st := instanceStores(t, r)[name][0]
			completeAll(t, r)
			plan, err := r.syncer(t, vtsync.WithStore(st)).Plan(context.Background())
			require.NoError(t, err)
			want := plan.Counts()[vtsync.OpWriteResult]
			require.Positive(t, want)
			var wg gosync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = r.syncer(t, vtsync.WithStore(st)).ReportResults(context.Background())
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					assert.ErrorIs(t, err, vtsync.ErrLeased)
				}
			}
			rep, err := r.syncer(t, vtsync.WithStore(st)).ReportResults(context.Background())
			require.NoError(t, err)
			assert.Zero(t, rep.ResultsWritten, "all written by then")
			assert.Equal(t, want, resultWrites(r), "every UpdateResult once")
		})
	}
}

// A lease held by another instance refuses Run, ReportResults and Apply
// before anything is read or written; when it lapses the run goes ahead.
func TestLeaseHeldElsewhere(t *testing.T) {
	r := groupsRig(t)
	completeAll(t, r)
	ctx := context.Background()
	plan, err := r.syncer(t).Plan(ctx) // planning alone needs no lease
	require.NoError(t, err)
	leases := store.NewLeases(r.st, func() time.Time { return r.now })
	_, err = leases.Acquire(ctx, "sync", "the other instance", vtsync.DefaultLeaseTTL)
	require.NoError(t, err)

	r.vt.ResetCalls()
	s := r.syncer(t)
	for name, call := range map[string]func() (*vtsync.Report, error){
		"run":     func() (*vtsync.Report, error) { return s.Run(ctx) },
		"results": func() (*vtsync.Report, error) { return s.ReportResults(ctx) },
		"apply":   func() (*vtsync.Report, error) { return s.Apply(ctx, plan) },
	} {
		rep, err := call()
		require.ErrorIs(t, err, vtsync.ErrLeased, name)
		var le *store.LeaseError
		require.True(t, errors.As(err, &le), name)
		assert.Equal(t, "the other instance", le.Holder)
		assert.NotNil(t, rep, name)
	}
	assert.Zero(t, resultWrites(r))
	assert.Zero(t, r.vt.CallCount("GetEnrolmentsForOccurrence"), "refused before reading")

	r.tick(2 * vtsync.DefaultLeaseTTL) // the other instance died
	rep, err := s.Run(ctx)
	require.NoError(t, err)
	assert.Positive(t, rep.ResultsWritten)
	_, err = leases.Acquire(ctx, "sync", "the other instance", vtsync.DefaultLeaseTTL)
	require.NoError(t, err, "the lease is released after the run")
}
