package pgstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
	"github.com/vtsync/vtsync/sync/store"
)

func pgtestDSN(t *testing.T) string { return pgtest.DSN(t) }

// A lease has one holder until it expires; its holder renews it; another
// holder takes it only once it has expired, and the old holder then finds
// it lost.
func TestLease(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	a, err := db.AcquireLease(ctx, "p1", "worker-a", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "worker-a", a.Holder)

	held, err := db.AcquireLease(ctx, "p1", "worker-b", time.Hour)
	require.ErrorIs(t, err, pgstore.ErrLeaseHeld)
	assert.Equal(t, "worker-a", held.Holder, "the error returns who holds it")
	assert.Contains(t, err.Error(), "worker-a")

	again, err := db.AcquireLease(ctx, "p1", "worker-a", time.Hour)
	require.NoError(t, err, "the holder may take its own lease again")
	assert.False(t, again.Expires.Before(a.Expires))

	_, err = db.AcquireLease(ctx, "p2", "worker-b", time.Hour)
	require.NoError(t, err, "leases of other names are independent")

	short, err := db.AcquireLease(ctx, "p3", "worker-a", 50*time.Millisecond)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := db.AcquireLease(ctx, "p3", "worker-b", time.Hour)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "an expired lease goes to the next holder")
	_, err = db.RenewLease(ctx, short, time.Hour)
	require.ErrorIs(t, err, pgstore.ErrLeaseLost)

	renewed, err := db.RenewLease(ctx, a, 2*time.Hour)
	require.NoError(t, err)
	assert.True(t, renewed.Expires.After(a.Expires))
	require.NoError(t, db.ReleaseLease(ctx, renewed))
	require.NoError(t, db.ReleaseLease(ctx, renewed), "releasing twice")
	_, err = db.AcquireLease(ctx, "p1", "worker-b", time.Hour)
	require.NoError(t, err, "a released lease is free")
	require.NoError(t, db.ReleaseLease(ctx, a), "releasing a lease someone else now holds changes nothing")
	_, err = db.AcquireLease(ctx, "p1", "worker-c", time.Hour)
	require.ErrorIs(t, err, pgstore.ErrLeaseHeld, "worker-b still holds it")

	require.NoError(t, db.Close())
	_, err = db.AcquireLease(ctx, "p9", "w", time.Hour)
	assert.ErrorIs(t, err, store.ErrClosed)
}

// The run log: a second run of a provider cannot begin while the first
// holds it; finishing records the outcome and frees the provider; the
// log's runs never overlap, and Overlaps finds a pair that does.
func TestRunLog(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	first, err := db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-1", Holder: "w1/job-1/1", JobID: 1, Attempt: 1, TTL: time.Hour})
	require.NoError(t, err)
	assert.Equal(t, pgstore.RunRunning, first.Status)

	_, err = db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-1", Holder: "w2/job-2/1", JobID: 2, Attempt: 1, TTL: time.Hour})
	require.ErrorIs(t, err, pgstore.ErrLeaseHeld)
	other, err := db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-2", Holder: "w2/job-3/1", JobID: 3, Attempt: 1, TTL: time.Hour})
	require.NoError(t, err, "another provider runs meanwhile")

	before := first.HeldUntil
	require.NoError(t, db.Heartbeat(ctx, first, 2*time.Hour))
	assert.True(t, first.HeldUntil.After(before))

	require.NoError(t, db.FinishRun(ctx, first, pgstore.RunSucceeded, "", []byte(`{"planned":3}`)))
	require.NoError(t, db.FinishRun(ctx, other, pgstore.RunFailed, "vettrak: login refused", nil))
	second, err := db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-1", Holder: "w2/job-2/1", JobID: 2, Attempt: 1, TTL: time.Hour})
	require.NoError(t, err, "a finished run frees its provider")

	runs, err := db.Runs(ctx, pgstore.RunFilter{Provider: "rto-1"})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	assert.Equal(t, second.ID, runs[0].ID, "newest first")
	assert.Equal(t, pgstore.RunSucceeded, runs[1].Status)
	assert.JSONEq(t, `{"planned":3}`, string(runs[1].Report))
	require.NotNil(t, runs[1].FinishedAt)
	failed, err := db.Runs(ctx, pgstore.RunFilter{Status: pgstore.RunFailed})
	require.NoError(t, err)
	require.Len(t, failed, 1)
	assert.Equal(t, "vettrak: login refused", failed[0].Error)

	all, err := db.Runs(ctx, pgstore.RunFilter{})
	require.NoError(t, err)
	require.NoError(t, pgstore.Overlaps(all))
	bad := append(all, pgstore.Run{ID: 99, Provider: "rto-1", Holder: "intruder",
		StartedAt: runs[1].StartedAt.Add(time.Microsecond), HeldUntil: time.Now().Add(time.Hour)})
	err = pgstore.Overlaps(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "intruder")

	require.ErrorIs(t, db.FinishRun(ctx, second, pgstore.RunRunning, "", nil), store.ErrInvalid)
}

// A run whose process died holds its provider only until its lease runs
// out; then the next run begins, and the log shows no overlap.
func TestRunLogDeadHolder(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	dead, err := db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-1", Holder: "dead", TTL: 100 * time.Millisecond})
	require.NoError(t, err)
	var next *pgstore.Run
	require.Eventually(t, func() bool {
		next, err = db.BeginRun(ctx, pgstore.RunStart{Provider: "rto-1", Holder: "alive", TTL: time.Hour})
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	assert.False(t, next.StartedAt.Before(dead.HeldUntil))
	require.ErrorIs(t, db.Heartbeat(ctx, dead, time.Hour), pgstore.ErrLeaseLost, "the dead holder's lease is gone")
	runs, err := db.Runs(ctx, pgstore.RunFilter{})
	require.NoError(t, err)
	require.NoError(t, pgstore.Overlaps(runs))
}
