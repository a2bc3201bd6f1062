package fleet_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/sync/fleet/fleettest"
	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// quick are options for tests: short leases and retries, fast polling.
func quick(id string) []fleet.Option {
	return []fleet.Option{fleet.WithWorkerID(id), fleet.WithLeaseTTL(3 * time.Second),
		fleet.WithRetry(3, 100*time.Millisecond, 200*time.Millisecond), fleet.WithPollInterval(50 * time.Millisecond),
		fleet.WithJobTimeout(time.Minute)}
}

func openDB(t *testing.T, dsn string) *pgstore.DB {
	t.Helper()
	db, err := pgstore.Open(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func startFleet(t *testing.T, db *pgstore.DB, reg fleet.Registry, opts ...fleet.Option) *fleet.Fleet {
	t.Helper()
	f, err := fleet.New(t.Context(), db, reg, opts...)
	require.NoError(t, err)
	require.NoError(t, f.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = f.Stop(ctx)
	})
	return f
}

func startFakes(t *testing.T, n int) *fleettest.Fakes {
	t.Helper()
	fakes, err := fleettest.Start(fleettest.Options{Providers: n})
	require.NoError(t, err)
	t.Cleanup(fakes.Close)
	return fakes
}

// setup starts n providers' fakes and a registry over them with the
// schedule, and opens a fresh database.
func setup(t *testing.T, n int, schedule string) (*fleettest.Fakes, *fleet.StaticRegistry, *pgstore.DB) {
	t.Helper()
	fakes := startFakes(t, n)
	reg, err := fleettest.Registry(fakes.Endpoints(), schedule)
	require.NoError(t, err)
	return fakes, reg, openDB(t, pgtest.DSN(t))
}

// waitRuns waits until the run log satisfies ok, and returns it.
func waitRuns(t *testing.T, db *pgstore.DB, filter pgstore.RunFilter, ok func([]pgstore.Run) bool) []pgstore.Run {
	t.Helper()
	var runs []pgstore.Run
	if !assert.Eventually(t, func() bool {
		var err error
		runs, err = db.Runs(t.Context(), filter)
		require.NoError(t, err)
		return ok(runs)
	}, 60*time.Second, 50*time.Millisecond) {
		t.Fatalf("the run log never got there: %s", describe(runs))
	}
	return runs
}

// waitJob waits for River to put a job in state (a run's end is logged
// just before its job completes).
func waitJob(t *testing.T, f *fleet.Fleet, id int64, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var job *rivertype.JobRow
	require.Eventually(t, func() bool {
		var err error
		job, err = f.River().JobGet(t.Context(), id)
		require.NoError(t, err)
		return job.State == state
	}, 30*time.Second, 20*time.Millisecond, "job %d never %s", id, state)
	return job
}

func describe(runs []pgstore.Run) string {
	var b strings.Builder
	for _, r := range runs {
		fmt.Fprintf(&b, "\n  %d %s %s attempt %d %s %q", r.ID, r.Provider, r.Holder, r.Attempt, r.Status, r.Error)
	}
	return b.String()
}

func succeeded(n int) func([]pgstore.Run) bool {
	return func(runs []pgstore.Run) bool {
		c := 0
		for _, r := range runs {
			if r.Status == pgstore.RunSucceeded {
				c++
			}
		}
		return c >= n
	}
}

// A provider's run lands in its LMS, the run log holds its report, and a
// second run changes nothing: the state is in PostgreSQL and the Syncer
// reconciles.
func TestRunSyncsAndLogsReport(t *testing.T) {
	t.Parallel()
	fakes, reg, db := setup(t, 2, "")
	f := startFleet(t, db, reg, quick("w1")...)

	var jobs []int64
	for _, p := range fakes.Providers {
		e, err := f.Enqueue(t.Context(), p.ID)
		require.NoError(t, err)
		assert.False(t, e.Duplicate)
		jobs = append(jobs, e.JobID)
	}
	states, err := f.Wait(t.Context(), jobs...)
	require.NoError(t, err)
	for _, id := range jobs {
		assert.Equal(t, rivertype.JobStateCompleted, states[id])
	}
	runs, err := db.Runs(t.Context(), pgstore.RunFilter{})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	for _, r := range runs {
		var rep vtsync.Report
		require.NoError(t, json.Unmarshal(r.Report, &rep), r.Provider)
		assert.Positive(t, rep.Changes(), "%s: the first run creates", r.Provider)
		assert.Empty(t, rep.Failures, r.Provider)
		assert.Equal(t, 1, r.Attempt)
		assert.True(t, strings.HasPrefix(r.Holder, "w1/job-"), r.Holder)
		require.NotNil(t, r.FinishedAt)
	}
	for _, p := range fakes.Providers {
		_, ok := p.Canvas.UserBySISID("vt-u-10001")
		snap := p.Snapshot()
		assert.Empty(t, snap.Duplicates, p.ID)
		assert.True(t, ok || len(p.Canvas.Users()) > 1, "%s: learners landed in Canvas", p.ID)
	}

	_, err = f.Enqueue(t.Context(), fakes.Providers[0].ID)
	require.NoError(t, err)
	again := waitRuns(t, db, pgstore.RunFilter{Provider: fakes.Providers[0].ID}, succeeded(2))
	var rep vtsync.Report
	require.NoError(t, json.Unmarshal(again[0].Report, &rep))
	assert.Zero(t, rep.Changes(), "the second run finds nothing to do")
	require.NoError(t, pgstore.Overlaps(again))

	_, err = f.Enqueue(t.Context(), "rto-none")
	require.ErrorIs(t, err, fleet.ErrUnknownProvider)
}

// River's unique jobs: while a provider's run is queued, enqueuing it
// again adds nothing; other providers are independent.
func TestEnqueueIsUniquePerProvider(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 2, "")
	f, err := fleet.New(t.Context(), db, reg, fleet.WithWorkers(0))
	require.NoError(t, err)
	require.Error(t, f.Start(t.Context()), "an enqueue-only fleet does not work jobs")

	first, err := f.Enqueue(t.Context(), "rto-001")
	require.NoError(t, err)
	second, err := f.Enqueue(t.Context(), "rto-001")
	require.NoError(t, err)
	assert.True(t, second.Duplicate)
	assert.Equal(t, first.JobID, second.JobID, "the queued job is the one returned")
	all, err := f.EnqueueAll(t.Context())
	require.NoError(t, err)
	assert.True(t, all["rto-001"].Duplicate)
	assert.False(t, all["rto-002"].Duplicate)
}

// The second guard: a provider whose lease another holder has (a run
// River no longer knows about, or a rescued job's original still going)
// is not run over: the job snoozes and runs once the lease has run out,
// and the log shows the runs apart.
func TestHeldProviderSnoozes(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 1, "")
	intruder, err := db.BeginRun(t.Context(), pgstore.RunStart{Provider: "rto-001", Holder: "elsewhere", TTL: 2 * time.Second})
	require.NoError(t, err)

	f := startFleet(t, db, reg, quick("w1")...)
	e, err := f.Enqueue(t.Context(), "rto-001")
	require.NoError(t, err)
	runs := waitRuns(t, db, pgstore.RunFilter{}, succeeded(1))
	require.Len(t, runs, 2, "the intruder's run and ours")
	assert.Equal(t, intruder.ID, runs[1].ID)
	assert.False(t, runs[0].StartedAt.Before(intruder.HeldUntil), "ours began after the intruder's lease ran out")
	require.NoError(t, pgstore.Overlaps(runs))

	job, err := f.River().JobGet(t.Context(), e.JobID)
	require.NoError(t, err)
	assert.Contains(t, string(job.Metadata), `"snoozes"`, "River recorded the snooze")
	assert.Empty(t, job.Errors, "a snooze is not a failure")
}

// A crashed run also leaves the Syncer's own lease in the provider's store
// (vtsync.ErrLeased). A rescued job must wait it out, not spend its
// attempts on it and be discarded: the fleet gives the Syncer the fleet's
// lease TTL and snoozes on ErrLeased.
func TestCrashedSyncerLeaseSnoozes(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 1, "")
	st, err := db.Store("rto-001")
	require.NoError(t, err)
	_, err = store.NewLeases(st, time.Now).Acquire(t.Context(), vtsync.LeaseName, "crashed-worker", 2*time.Second)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	// One attempt in all: without the snooze the first ErrLeased would
	// discard the job.
	f := startFleet(t, db, reg, append(quick("w1"), fleet.WithRetry(1, 100*time.Millisecond, 200*time.Millisecond))...)
	e, err := f.Enqueue(t.Context(), "rto-001")
	require.NoError(t, err)
	job := waitJob(t, f, e.JobID, rivertype.JobStateCompleted)
	assert.Contains(t, string(job.Metadata), `"snoozes"`, "River recorded the snooze")
	waitRuns(t, db, pgstore.RunFilter{Provider: "rto-001"}, succeeded(1))
}

// A run that fails as a whole (the secrets vault is down, then VETtrak
// refuses the login) is retried with backoff until it succeeds; each
// attempt is in the log, and no secret is.
func TestFailedRunIsRetried(t *testing.T) {
	t.Parallel()
	fakes := startFakes(t, 1)
	ep := fakes.Providers[0].Endpoint
	var calls atomic.Int32
	const wrong = "wrong-Pa55word-xyzzy"
	reg, err := fleet.NewStaticRegistry(func(context.Context, string) (fleet.Credentials, error) {
		c := ep.Credentials()
		switch calls.Add(1) {
		case 1:
			return fleet.Credentials{}, errors.New("vault sealed")
		case 2:
			c.VETtrak = vettrak.Credentials{Username: c.VETtrak.Username, Password: wrong}
		}
		return c, nil
	}, ep.Provider(""))
	require.NoError(t, err)
	db := openDB(t, pgtest.DSN(t))
	f := startFleet(t, db, reg, quick("w1")...)
	e, err := f.Enqueue(t.Context(), ep.ID)
	require.NoError(t, err)

	runs := waitRuns(t, db, pgstore.RunFilter{}, succeeded(1))
	require.Len(t, runs, 3, describe(runs))
	for i, want := range []struct {
		status  pgstore.RunStatus
		attempt int
		err     string
	}{
		{pgstore.RunSucceeded, 3, ""},
		{pgstore.RunFailed, 2, "vettrak"},
		{pgstore.RunFailed, 1, "vault sealed"},
	} {
		assert.Equal(t, want.status, runs[i].Status)
		assert.Equal(t, want.attempt, runs[i].Attempt)
		assert.Contains(t, strings.ToLower(runs[i].Error), want.err)
		assert.NotContains(t, runs[i].Error, wrong)
		assert.NotContains(t, string(runs[i].Report), wrong)
	}
	job := waitJob(t, f, e.JobID, rivertype.JobStateCompleted)
	require.Len(t, job.Errors, 2)
	for _, je := range job.Errors {
		assert.NotContains(t, je.Error, wrong, "River's copy of the error is redacted too")
	}
}

// A job for a provider the registry no longer knows is cancelled, not
// retried, and runs nothing.
func TestUnknownProviderIsCancelled(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 1, "")
	f := startFleet(t, db, reg, quick("w1")...)
	res, err := f.River().Insert(t.Context(), fleet.RunArgs{Provider: "rto-gone"}, nil)
	require.NoError(t, err)
	waitJob(t, f, res.Job.ID, rivertype.JobStateCancelled)
	runs, err := f.Runs(t.Context(), pgstore.RunFilter{})
	require.NoError(t, err)
	assert.Empty(t, runs)
}

// Schedules use sync/schedule's syntax and River's leader enqueues them:
// a provider "every 1s" runs again and again, never two at once.
func TestScheduleRunsProvider(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 1, "every 1s")
	startFleet(t, db, reg, quick("w1")...)
	runs := waitRuns(t, db, pgstore.RunFilter{}, succeeded(2))
	require.NoError(t, pgstore.Overlaps(runs))
}

func TestBadScheduleIsRefused(t *testing.T) {
	t.Parallel()
	_, reg, db := setup(t, 1, "every fortnight-ish")
	_, err := fleet.New(t.Context(), db, reg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rto-001")
	_, err = fleet.New(t.Context(), db, reg, fleet.WithoutSchedules())
	require.NoError(t, err, "without schedules the spec is not read")
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	db := openDB(t, pgtest.DSN(t))
	reg, err := fleet.NewStaticRegistry(func(context.Context, string) (fleet.Credentials, error) {
		return fleet.Credentials{}, errors.New("none")
	})
	require.NoError(t, err)
	for name, opt := range map[string]fleet.Option{
		"lease":   fleet.WithLeaseTTL(time.Millisecond),
		"timeout": fleet.WithJobTimeout(0),
		"retry":   fleet.WithRetry(0, time.Second, time.Second),
		"rescue":  fleet.WithRescueAfter(time.Second),
		"id":      fleet.WithWorkerID(""),
	} {
		_, err := fleet.New(t.Context(), db, reg, opt)
		assert.Error(t, err, name)
	}
	_, err = fleet.New(t.Context(), nil, reg)
	assert.Error(t, err)
}

// A provider whose config is invalid fails its run and its job is
// cancelled, not retried: retrying cannot mend a config.
func TestInvalidConfigIsCancelled(t *testing.T) {
	t.Parallel()
	fakes := startFakes(t, 1)
	ep := fakes.Providers[0].Endpoint
	p := ep.Provider("")
	p.Config.Scope = vtsync.Scope{} // selects nothing: invalid
	reg, err := fleet.NewStaticRegistry(func(context.Context, string) (fleet.Credentials, error) {
		return ep.Credentials(), nil
	}, p)
	require.NoError(t, err)
	db := openDB(t, pgtest.DSN(t))
	f := startFleet(t, db, reg, quick("w1")...)
	e, err := f.Enqueue(t.Context(), ep.ID)
	require.NoError(t, err)
	job := waitJob(t, f, e.JobID, rivertype.JobStateCancelled)
	assert.Equal(t, 1, job.Attempt)
	runs, err := f.Runs(t.Context(), pgstore.RunFilter{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, pgstore.RunFailed, runs[0].Status)
	assert.Contains(t, runs[0].Error, "scope")
}
