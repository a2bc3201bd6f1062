package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vtsync/vtsync/sync/store"
)

// RunStatus is where a run is.
type RunStatus string

// Run statuses. A run whose process died stays RunRunning in the log;
// its HeldUntil says when its lease ran out.
const (
	RunRunning   RunStatus = "running"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
)

// Run is one row of the run log: one attempt to sync one provider.
type Run struct {
	ID       int64
	Provider string
	// Holder names who ran it (worker, job and attempt); it holds no
	// secret.
	Holder  string
	JobID   int64
	Attempt int
	// StartedAt is when the provider's lease was taken; HeldUntil is when
	// it runs out (or ran out) unless renewed.
	StartedAt  time.Time
	HeldUntil  time.Time
	FinishedAt *time.Time
	Status     RunStatus
	// Error says why a run failed as a whole (redacted by the caller).
	Error string
	// Report is the run's sync.Report as JSON, when it produced one.
	Report json.RawMessage

	lease Lease
}

// End is when the run stopped holding its provider: when it finished, or
// when its lease ran out for a run that never finished (its process died).
func (r Run) End() time.Time {
	if r.FinishedAt != nil {
		return *r.FinishedAt
	}
	return r.HeldUntil
}

// leaseName is the lease that keeps a provider's runs apart.
func leaseName(provider string) string { return "provider/" + provider }

// RunStart describes a run about to begin.
type RunStart struct {
	Provider, Holder string
	JobID            int64
	Attempt          int
	TTL              time.Duration
}

// BeginRun takes the provider's lease for the holder and records the run,
// in one transaction: of two holders, at most one begins; the other gets
// ErrLeaseHeld (and the lease it met, in the returned Run's HeldUntil).
func (d *DB) BeginRun(ctx context.Context, rs RunStart) (*Run, error) {
	if d.closed.Load() {
		return nil, fmt.Errorf("pgstore: begin run of %q: %w", rs.Provider, store.ErrClosed)
	}
	if rs.Provider == "" {
		return nil, fmt.Errorf("pgstore: begin run: %w: empty provider", store.ErrInvalid)
	}
	r := &Run{Provider: rs.Provider, Holder: rs.Holder, JobID: rs.JobID, Attempt: rs.Attempt, Status: RunRunning}
	err := pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		l, err := acquire(ctx, tx, leaseName(rs.Provider), rs.Holder, rs.TTL)
		if err != nil {
			r.HeldUntil = l.Expires
			return err
		}
		r.lease = l
		return tx.QueryRow(ctx, `INSERT INTO vtsync_runs (provider, holder, job_id, attempt, started_at, held_until, status)
			VALUES ($1, $2, $3, $4, clock_timestamp(), $5, $6) RETURNING id, started_at, held_until`,
			rs.Provider, rs.Holder, rs.JobID, rs.Attempt, l.Expires, RunRunning).Scan(&r.ID, &r.StartedAt, &r.HeldUntil)
	})
	if err != nil {
		return r, fmt.Errorf("pgstore: begin run of %q: %w", rs.Provider, ctxErr(ctx, err))
	}
	return r, nil
}

// Heartbeat renews the run's lease by ttl and records the new expiry. It
// fails with ErrLeaseLost when another holder took the provider: the run
// must stop.
func (d *DB) Heartbeat(ctx context.Context, r *Run, ttl time.Duration) error {
	if d.closed.Load() {
		return fmt.Errorf("pgstore: heartbeat of run %d: %w", r.ID, store.ErrClosed)
	}
	err := pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		l, err := renew(ctx, tx, r.lease, ttl)
		if err != nil {
			return err
		}
		r.lease = l
		_, err = tx.Exec(ctx, `UPDATE vtsync_runs SET held_until = $2 WHERE id = $1`, r.ID, l.Expires)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: heartbeat of run %d (%s): %w", r.ID, r.Provider, ctxErr(ctx, err))
	}
	r.HeldUntil = r.lease.Expires
	return nil
}

// FinishRun records how the run ended (errText already redacted; report
// may be nil) and releases the provider's lease, in one transaction.
func (d *DB) FinishRun(ctx context.Context, r *Run, status RunStatus, errText string, report []byte) error {
	if d.closed.Load() {
		return fmt.Errorf("pgstore: finish run %d: %w", r.ID, store.ErrClosed)
	}
	if status == RunRunning {
		return fmt.Errorf("pgstore: finish run %d: %w: status %q", r.ID, store.ErrInvalid, status)
	}
	var rep any // a nil []byte would be sent as an empty, invalid JSON value
	if len(report) > 0 {
		rep = string(report)
	}
	err := pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		var fin time.Time
		if err := tx.QueryRow(ctx, `UPDATE vtsync_runs SET finished_at = clock_timestamp(), status = $2, error = $3,
			report = $4::jsonb WHERE id = $1 RETURNING finished_at`, r.ID, status, errText, rep).Scan(&fin); err != nil {
			return err
		}
		r.FinishedAt, r.Status, r.Error, r.Report = &fin, status, errText, report
		return release(ctx, tx, r.lease)
	})
	if err != nil {
		return fmt.Errorf("pgstore: finish run %d (%s): %w", r.ID, r.Provider, ctxErr(ctx, err))
	}
	return nil
}

// RunFilter selects runs; zero fields select everything.
type RunFilter struct {
	Provider string
	Status   RunStatus
	// Limit caps the number of runs (newest first); zero means 1000.
	Limit int
}

// Runs returns runs of the log, newest first.
func (d *DB) Runs(ctx context.Context, f RunFilter) ([]Run, error) {
	if d.closed.Load() {
		return nil, fmt.Errorf("pgstore: runs: %w", store.ErrClosed)
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := d.pool.Query(ctx, `SELECT id, provider, holder, job_id, attempt, started_at, held_until,
			finished_at, status, error, report
		FROM vtsync_runs
		WHERE ($1 = '' OR provider = $1) AND ($2 = '' OR status = $2)
		ORDER BY started_at DESC, id DESC LIMIT $3`, f.Provider, string(f.Status), f.Limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: runs: %w", ctxErr(ctx, err))
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		var r Run
		var status string
		var report []byte
		err := row.Scan(&r.ID, &r.Provider, &r.Holder, &r.JobID, &r.Attempt, &r.StartedAt, &r.HeldUntil,
			&r.FinishedAt, &status, &r.Error, &report)
		r.Status, r.Report = RunStatus(status), report
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: runs: %w", ctxErr(ctx, err))
	}
	return runs, nil
}

// Overlaps checks runs (of any providers, in any order) for two runs of
// one provider that held it at the same time, and returns an error naming
// each such pair. The fleet's tests check the log with it; an operator can
// too.
func Overlaps(runs []Run) error {
	by := map[string][]Run{}
	for _, r := range runs {
		by[r.Provider] = append(by[r.Provider], r)
	}
	var errs []error
	for p, rs := range by {
		sortByStart(rs)
		for i := 1; i < len(rs); i++ {
			prev, cur := rs[i-1], rs[i]
			if cur.StartedAt.Before(prev.End()) {
				errs = append(errs, fmt.Errorf("provider %q: run %d (%s) started at %s, before run %d (%s) ended at %s",
					p, cur.ID, cur.Holder, cur.StartedAt.Format(time.RFC3339Nano), prev.ID, prev.Holder,
					prev.End().Format(time.RFC3339Nano)))
			}
		}
	}
	return errors.Join(errs...)
}

func sortByStart(rs []Run) {
	slices.SortFunc(rs, func(a, b Run) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
