package fleet

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Defaults of the options below.
const (
	DefaultQueue       = "vtsync"
	DefaultWorkers     = 4
	DefaultLeaseTTL    = time.Minute
	DefaultJobTimeout  = 2 * time.Hour
	DefaultMaxAttempts = 5
	DefaultRetryBase   = 30 * time.Second
	DefaultRetryMax    = time.Hour
)

type options struct {
	id          string
	queue       string
	workers     int
	leaseTTL    time.Duration
	jobTimeout  time.Duration
	rescueAfter time.Duration
	maxAttempts int
	retryBase   time.Duration
	retryMax    time.Duration
	pollEvery   time.Duration
	schedules   bool
	log         *slog.Logger
}

// Option configures a Fleet.
type Option func(*options)

// WithWorkerID names this process in River and in the run log (default
// host name and process ID).
func WithWorkerID(id string) Option { return func(o *options) { o.id = id } }

// WithQueue sets the River queue the fleet's jobs go to (default
// DefaultQueue).
func WithQueue(name string) Option { return func(o *options) { o.queue = name } }

// WithWorkers sets how many providers this process syncs at once (default
// DefaultWorkers). Zero makes a fleet that only enqueues and queries: it
// works no jobs and runs no schedules.
func WithWorkers(n int) Option { return func(o *options) { o.workers = max(0, n) } }

// WithLeaseTTL sets how long a run holds its provider without renewing
// (default DefaultLeaseTTL; renewed every third of it). After a worker
// dies its providers are free again after at most this long.
func WithLeaseTTL(d time.Duration) Option { return func(o *options) { o.leaseTTL = d } }

// WithJobTimeout bounds one run (default DefaultJobTimeout).
func WithJobTimeout(d time.Duration) Option { return func(o *options) { o.jobTimeout = d } }

// WithRescueAfter sets how long a job may stay running before River takes
// its worker for dead and runs it again (default: job timeout plus lease
// TTL plus a minute). The lease keeps a rescued job from overlapping a
// live run, so this only decides how soon a dead worker's run is retried.
func WithRescueAfter(d time.Duration) Option { return func(o *options) { o.rescueAfter = d } }

// WithRetry sets how a run that failed as a whole is retried: up to
// attempts tries in all, waiting base, 2×base, 4×base… (at most ceiling)
// between them, plus up to a tenth of jitter. River moves a job due for
// retry back to its queue every few seconds, so waits shorter than that
// are rounded up.
func WithRetry(attempts int, base, ceiling time.Duration) Option {
	return func(o *options) { o.maxAttempts, o.retryBase, o.retryMax = attempts, base, ceiling }
}

// WithPollInterval sets how often an idle worker looks for jobs besides
// PostgreSQL's notifications (River's default is a second).
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollEvery = d } }

// WithoutSchedules leaves the providers' schedules out of this process:
// it works enqueued runs only.
func WithoutSchedules() Option { return func(o *options) { o.schedules = false } }

// WithLogger sets the logger of the fleet, River and the Syncers (default:
// discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

func buildOptions(opts []Option) (options, error) {
	host, _ := os.Hostname()
	o := options{
		id: fmt.Sprintf("%s-%d", host, os.Getpid()), queue: DefaultQueue, workers: DefaultWorkers,
		leaseTTL: DefaultLeaseTTL, jobTimeout: DefaultJobTimeout, maxAttempts: DefaultMaxAttempts,
		retryBase: DefaultRetryBase, retryMax: DefaultRetryMax, schedules: true,
		log: slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case o.id == "":
		return o, fmt.Errorf("fleet: empty worker ID")
	case o.leaseTTL < 100*time.Millisecond:
		return o, fmt.Errorf("fleet: lease TTL %s is under 100ms", o.leaseTTL)
	case o.jobTimeout <= 0:
		return o, fmt.Errorf("fleet: job timeout %s is not positive", o.jobTimeout)
	case o.maxAttempts < 1 || o.retryBase <= 0 || o.retryMax < o.retryBase:
		return o, fmt.Errorf("fleet: retry: %d attempts, base %s, max %s", o.maxAttempts, o.retryBase, o.retryMax)
	}
	if o.rescueAfter == 0 {
		o.rescueAfter = o.jobTimeout + o.leaseTTL + time.Minute
	}
	if o.rescueAfter < o.jobTimeout {
		return o, fmt.Errorf("fleet: rescue after %s is shorter than the job timeout %s", o.rescueAfter, o.jobTimeout)
	}
	return o, nil
}
