package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Clock is the time source a Scheduler waits on. The real one is
// RealClock; scheduletest.Clock is a fake for tests.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// RealClock is the system clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Job is the work a Scheduler runs. It must return soon after ctx is
// cancelled.
type Job func(ctx context.Context) error

// ErrAlreadyRunning: Run was called on a Scheduler that is running.
var ErrAlreadyRunning = errors.New("schedule: already running")

// Stats describes a Scheduler's runs so far.
type Stats struct {
	Started   int // runs started
	Completed int // runs that returned (with or without an error)
	Failed    int // runs that returned an error or panicked
	Skipped   int // run times that came while a run was still going
	Running   bool
	LastStart time.Time
	LastEnd   time.Time
	LastErr   error
	// Next is the next run time; zero when the Scheduler is not running.
	Next time.Time
}

// Scheduler runs a Job on a Spec.
type Scheduler struct {
	spec       Spec
	job        Job
	clock      Clock
	log        *slog.Logger
	name       string
	runAtStart bool
	afterRun   func(Stats)

	mu      sync.Mutex
	stats   Stats
	started bool
	wg      sync.WaitGroup
}

// ErrInvalidOption is matched by the error New returns for an option given
// a value it cannot use (a nil clock, logger or callback, an empty name):
// such a value is reported, never replaced by a default.
var ErrInvalidOption = errors.New("schedule: invalid option")

// Option configures a Scheduler. It returns an error matching
// ErrInvalidOption for a value it cannot use.
type Option func(*Scheduler) error

func optionErr(what string) error { return fmt.Errorf("%w: %s", ErrInvalidOption, what) }

// WithClock sets the clock (default RealClock).
func WithClock(c Clock) Option {
	return func(s *Scheduler) error {
		if c == nil {
			return optionErr("WithClock: nil clock")
		}
		s.clock = c
		return nil
	}
}

// WithLogger sets where runs, failures and skips are logged (default: not
// logged). Job errors are logged as they are: wrap the handler with
// internal/redact's handler, or redact in the job, if they may hold
// secrets.
func WithLogger(l *slog.Logger) Option {
	return func(s *Scheduler) error {
		if l == nil {
			return optionErr("WithLogger: nil logger (leave the option out to log nothing)")
		}
		s.log = l
		return nil
	}
}

// WithName names the schedule in log lines (default "job").
func WithName(name string) Option {
	return func(s *Scheduler) error {
		if name == "" {
			return optionErr("WithName: empty name")
		}
		s.name = name
		return nil
	}
}

// WithRunAtStart runs the job as soon as Run starts, then on the Spec.
func WithRunAtStart() Option { return func(s *Scheduler) error { s.runAtStart = true; return nil } }

// WithAfterRun calls f with the Stats after each run has returned and is
// counted (for metrics, progress reports, or a test waiting for a run to
// end). The Scheduler is idle by then, so a run time that comes while f
// is still going starts the next run; Run waits for f before returning.
func WithAfterRun(f func(Stats)) Option {
	return func(s *Scheduler) error {
		if f == nil {
			return optionErr("WithAfterRun: nil callback")
		}
		s.afterRun = f
		return nil
	}
}

// New returns a Scheduler that runs job on spec.
func New(spec Spec, job Job, opts ...Option) (*Scheduler, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if job == nil {
		return nil, errors.New("schedule: nil job")
	}
	s := &Scheduler{spec: spec, job: job, clock: RealClock{}, name: "job"}
	s.log = slog.New(slog.DiscardHandler)
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.log = s.log.With("schedule", s.name)
	return s, nil
}

// Stats returns the counts and times so far.
func (s *Scheduler) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Run runs the job at each run time until ctx is cancelled, then waits
// for a running job (whose context is cancelled too) to return, and
// returns nil. A run time missed while the machine slept gives one late
// run, not one per missed time. Job errors and panics are logged and
// counted; they do not stop the Scheduler.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return ErrAlreadyRunning
	}
	s.started = true
	s.mu.Unlock()
	defer func() {
		s.wg.Wait()
		s.mu.Lock()
		s.started = false
		s.stats.Next = time.Time{}
		s.mu.Unlock()
	}()

	now := s.clock.Now()
	next := Next(s.spec, now)
	if s.runAtStart {
		next = now
	}
	for {
		s.mu.Lock()
		s.stats.Next = next
		s.mu.Unlock()
		if ctx.Err() != nil {
			return nil
		}
		if wait := next.Sub(s.clock.Now()); wait > 0 {
			s.log.Debug("schedule: waiting", "next", next, "wait", wait)
			select {
			case <-ctx.Done():
				return nil
			case <-s.clock.After(wait):
			}
			// The wall clock may have moved back while we waited.
			if s.clock.Now().Before(next) {
				continue
			}
		}
		s.fire(ctx, next)
		now := s.clock.Now()
		if now.Before(next) {
			now = next
		}
		next = Next(s.spec, now)
	}
}

// fire starts the job unless it is still running from an earlier time.
func (s *Scheduler) fire(ctx context.Context, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stats.Running {
		s.stats.Skipped++
		s.log.Warn("schedule: run skipped: the previous run is still going",
			"scheduled", at, "running_since", s.stats.LastStart, "skipped", s.stats.Skipped)
		return
	}
	s.stats.Running = true
	s.stats.Started++
	s.stats.LastStart = s.clock.Now()
	s.log.Info("schedule: run started", "scheduled", at, "run", s.stats.Started)
	s.wg.Add(1)
	go s.runJob(ctx, s.stats.Started)
}

func (s *Scheduler) runJob(ctx context.Context, n int) {
	defer s.wg.Done()
	err := s.call(ctx)
	st := s.finish(n, err)
	if s.afterRun != nil {
		s.afterRun(st)
	}
}

// finish counts a run that returned and marks the Scheduler idle.
func (s *Scheduler) finish(n int, err error) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Running = false
	s.stats.Completed++
	s.stats.LastEnd = s.clock.Now()
	s.stats.LastErr = err
	took := s.stats.LastEnd.Sub(s.stats.LastStart)
	if err != nil {
		s.stats.Failed++
		s.log.Error("schedule: run failed", "run", n, "took", took, "err", err)
	} else {
		s.log.Info("schedule: run finished", "run", n, "took", took)
	}
	return s.stats
}

// call runs the job, turning a panic into an error so that one bad run
// does not take the process down.
func (s *Scheduler) call(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("schedule: job panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("schedule: job panicked: %v", r)
		}
	}()
	return s.job(ctx)
}
