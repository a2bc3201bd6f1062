package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/vtsync/vtsync/sync/fleet/pgstore"
)

// Fleet is one process's part of the fleet: it enqueues runs, works them
// (unless built WithWorkers(0)) and answers questions about them.
type Fleet struct {
	db     *pgstore.DB
	reg    Registry
	o      options
	client *river.Client[pgx.Tx]
}

// Migrate brings River's and pgstore's tables up to date. New calls it;
// processes starting together wait for each other.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pgstore.Migrate(ctx, pool); err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	defer conn.Release()
	// River's migrator does not serialise concurrent callers: a session
	// advisory lock does.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('vtsync_river_migrate'))`); err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	defer func() {
		// On failure the lock goes with the session when the pool closes
		// the connection.
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('vtsync_river_migrate'))`)
	}()
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("fleet: migrate river: %w", err)
	}
	return nil
}

// New builds a fleet on db (whose pool River shares) and reg, migrating
// the database first. Call Start to work jobs.
func New(ctx context.Context, db *pgstore.DB, reg Registry, opts ...Option) (*Fleet, error) {
	if db == nil || reg == nil {
		return nil, errors.New("fleet: a database and a registry are required")
	}
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db.Pool()); err != nil {
		return nil, err
	}
	f := &Fleet{db: db, reg: reg, o: o}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &runWorker{f: f}); err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	cfg := &river.Config{
		ID:                   o.id,
		Workers:              workers,
		JobTimeout:           o.jobTimeout,
		RescueStuckJobsAfter: o.rescueAfter,
		MaxAttempts:          o.maxAttempts,
		FetchPollInterval:    o.pollEvery,
		Logger:               o.log,
	}
	if o.pollEvery > 0 {
		cfg.FetchCooldown = min(o.pollEvery, river.FetchCooldownDefault)
	}
	if o.workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{o.queue: {MaxWorkers: o.workers}}
		if o.schedules {
			providers, err := reg.Providers(ctx)
			if err != nil {
				return nil, fmt.Errorf("fleet: providers: %w", err)
			}
			if cfg.PeriodicJobs, err = f.periodicJobs(providers); err != nil {
				return nil, err
			}
		}
	}
	if f.client, err = river.NewClient(riverpgxv5.New(db.Pool()), cfg); err != nil {
		return nil, fmt.Errorf("fleet: river: %w", err)
	}
	return f, nil
}

// ID is the worker ID this process runs under.
func (f *Fleet) ID() string { return f.o.id }

// River returns the River client, for what this package does not wrap
// (job lists, queue pauses, subscriptions).
func (f *Fleet) River() *river.Client[pgx.Tx] { return f.client }

// Start starts working jobs and, on the elected leader, the schedules.
// It returns at once; Stop ends it.
func (f *Fleet) Start(ctx context.Context) error {
	if f.o.workers == 0 {
		return errors.New("fleet: built WithWorkers(0): it only enqueues")
	}
	if err := f.client.Start(ctx); err != nil {
		return fmt.Errorf("fleet: start: %w", err)
	}
	return nil
}

// Stop lets running syncs finish (until ctx ends, when they are cancelled)
// and stops.
func (f *Fleet) Stop(ctx context.Context) error {
	err := f.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = f.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	if err != nil {
		return fmt.Errorf("fleet: stop: %w", err)
	}
	return nil
}

// Enqueued is what Enqueue did.
type Enqueued struct {
	JobID int64
	// Duplicate is set when the provider already had a run queued,
	// waiting to retry, or running: no second one was added.
	Duplicate bool
}

// Enqueue asks for a run of the provider now. A provider with a run
// already queued or running gets no second one (Duplicate).
func (f *Fleet) Enqueue(ctx context.Context, provider string) (Enqueued, error) {
	if _, err := f.reg.Provider(ctx, provider); err != nil {
		return Enqueued{}, err
	}
	res, err := f.client.Insert(ctx, RunArgs{Provider: provider}, f.insertOpts())
	if err != nil {
		return Enqueued{}, fmt.Errorf("fleet: enqueue %q: %w", provider, err)
	}
	return Enqueued{JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}

// EnqueueAll asks for a run of every provider in the registry.
func (f *Fleet) EnqueueAll(ctx context.Context) (map[string]Enqueued, error) {
	providers, err := f.reg.Providers(ctx)
	if err != nil {
		return nil, fmt.Errorf("fleet: providers: %w", err)
	}
	out := make(map[string]Enqueued, len(providers))
	for _, p := range providers {
		e, err := f.Enqueue(ctx, p.ID)
		if err != nil {
			return out, err
		}
		out[p.ID] = e
	}
	return out, nil
}

// Wait waits until each job has ended (completed, cancelled, or discarded
// after its last attempt) and returns their final states. A run's row in
// the log ends a moment before its job does, and Enqueue counts the job as
// a run still going until then: wait for the job before asking for the
// provider's next run.
func (f *Fleet) Wait(ctx context.Context, jobIDs ...int64) (map[int64]rivertype.JobState, error) {
	out := make(map[int64]rivertype.JobState, len(jobIDs))
	t := time.NewTicker(cmp.Or(f.o.pollEvery, 100*time.Millisecond))
	defer t.Stop()
	for {
		for _, id := range jobIDs {
			if _, ok := out[id]; ok {
				continue
			}
			job, err := f.client.JobGet(ctx, id)
			if err != nil {
				return out, fmt.Errorf("fleet: job %d: %w", id, err)
			}
			switch job.State {
			case rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
				out[id] = job.State
			}
		}
		if len(out) == len(jobIDs) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-t.C:
		}
	}
}

// Runs queries the run log, newest first.
func (f *Fleet) Runs(ctx context.Context, filter pgstore.RunFilter) ([]pgstore.Run, error) {
	return f.db.Runs(ctx, filter)
}
