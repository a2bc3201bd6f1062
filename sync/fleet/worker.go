package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vtsync/vtsync/internal/redact"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
)

// RunArgs is the job of one provider's run. Only the provider ID is in
// it: everything else, secrets above all, comes from the Registry when
// the run starts.
type RunArgs struct {
	Provider string `json:"provider" river:"unique"`
}

// Kind implements river.JobArgs.
func (RunArgs) Kind() string { return "vtsync_provider_run" }

// uniqueStates are the job states in which a provider's job blocks
// another: queued, waiting to retry, or running. River requires the first
// four; retryable keeps a failing provider's retries from piling up.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateScheduled, rivertype.JobStateRetryable,
}

// InsertOpts implements river.JobArgsWithInsertOpts, so RunArgs inserted
// by other code are unique per provider too.
func (RunArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: DefaultQueue, MaxAttempts: DefaultMaxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}}
}

func (f *Fleet) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: f.o.queue, MaxAttempts: f.o.maxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}}
}

// runWorker works RunArgs jobs.
type runWorker struct {
	river.WorkerDefaults[RunArgs]
	f *Fleet
}

// NextRetry backs off exponentially from the fleet's base, with a tenth of
// jitter so a fleet of providers failing together (an outage) does not
// retry in lockstep.
func (w *runWorker) NextRetry(job *river.Job[RunArgs]) time.Time {
	return time.Now().Add(backoff(w.f.o.retryBase, w.f.o.retryMax, len(job.Errors)))
}

func backoff(base, ceiling time.Duration, failures int) time.Duration {
	d := base
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// Timeout implements river.Worker.
func (w *runWorker) Timeout(*river.Job[RunArgs]) time.Duration { return w.f.o.jobTimeout }

// Work runs one provider: take its lease and log the run, sync, record how
// it ended. A provider another run holds is snoozed until its lease may
// have run out; a run that failed as a whole returns its error, so River
// retries it; a held plan or an invalid config is cancelled (retrying
// cannot help: a person must look).
func (w *runWorker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	f := w.f
	id := job.Args.Provider
	p, err := f.reg.Provider(ctx, id)
	if errors.Is(err, ErrUnknownProvider) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("fleet: provider %q: %w", id, err)
	}
	holder := fmt.Sprintf("%s/job-%d/attempt-%d", f.o.id, job.ID, job.Attempt)
	run, err := f.db.BeginRun(ctx, pgstore.RunStart{Provider: id, Holder: holder, JobID: job.ID,
		Attempt: job.Attempt, TTL: f.o.leaseTTL})
	if errors.Is(err, pgstore.ErrLeaseHeld) {
		wait := min(max(time.Until(run.HeldUntil), time.Second), f.o.leaseTTL)
		f.o.log.InfoContext(ctx, "provider busy: snoozing", "provider", id, "job", job.ID, "wait", wait.String())
		return river.JobSnooze(wait)
	}
	if err != nil {
		return err
	}
	// The credentials are asked for once the provider is ours, so a
	// refusal is a failed run in the log like any other.
	secrets := &redact.Secrets{}
	creds, runErr := f.reg.Credentials(ctx, id)
	var rep *vtsync.Report
	if runErr != nil {
		runErr = fmt.Errorf("credentials of %q: %w", id, runErr)
	} else {
		secrets.Add(creds.secrets()...)
		rep, runErr = f.runHeld(ctx, p, creds, run)
	}
	status, errText := pgstore.RunSucceeded, ""
	if runErr != nil {
		status, errText = pgstore.RunFailed, secrets.String(runErr.Error())
	}
	var report []byte
	if rep != nil {
		if report, err = json.Marshal(rep); err != nil {
			report = nil
		}
	}
	// Record the end even when the job's context has ended (timeout,
	// shutdown): the run log must not show a finished run as running.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := f.db.FinishRun(fctx, run, status, errText, []byte(secrets.String(string(report)))); err != nil {
		f.o.log.ErrorContext(ctx, "recording the run's end", "provider", id, "run", run.ID, "err", secrets.String(err.Error()))
	}
	f.o.log.InfoContext(ctx, "run finished", "provider", id, "run", run.ID, "status", string(status))
	if runErr == nil {
		return nil
	}
	if errors.Is(runErr, vtsync.ErrLeased) {
		// A crashed run's Syncer lease has not lapsed yet: busy, not broken.
		return river.JobSnooze(f.o.leaseTTL)
	}
	var hold *vtsync.HoldError
	if errors.As(runErr, &hold) || errors.Is(runErr, vtsync.ErrInvalidConfig) {
		return river.JobCancel(errors.New(errText))
	}
	return errors.New(errText)
}

// runHeld syncs p while renewing its lease; losing the lease cancels the
// sync.
func (f *Fleet) runHeld(ctx context.Context, p Provider, creds Credentials, run *pgstore.Run) (*vtsync.Report, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		t := time.NewTicker(f.o.leaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				err := f.db.Heartbeat(ctx, run, f.o.leaseTTL)
				if errors.Is(err, pgstore.ErrLeaseLost) {
					cancel(err)
					return
				}
				if err != nil && ctx.Err() == nil {
					// The database may be back before the lease runs out.
					f.o.log.WarnContext(ctx, "lease renewal failed", "provider", p.ID, "err", err)
				}
			}
		}
	}()
	rep, err := f.sync(ctx, p, creds)
	close(done)
	<-beat
	if cause := context.Cause(ctx); errors.Is(cause, pgstore.ErrLeaseLost) {
		err = errors.Join(err, cause)
	}
	return rep, err
}

// sync builds p's Syncer on its store and runs it once.
func (f *Fleet) sync(ctx context.Context, p Provider, creds Credentials) (*vtsync.Report, error) {
	st, err := f.db.Store(p.ID)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	// The Syncer's own lease in the store (vtsync.ErrLeased) guards the
	// same provider as the run log's: it must lapse as soon after a crash,
	// or a rescued job would find it held for the Syncer's default minute.
	s, err := BuildSyncer(ctx, p, creds, vtsync.WithStore(st), vtsync.WithLogger(f.o.log.With("provider", p.ID)),
		vtsync.WithLeaseTTL(f.o.leaseTTL))
	if err != nil {
		return nil, err
	}
	return s.Run(ctx)
}
