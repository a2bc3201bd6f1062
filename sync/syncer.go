package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	gosync "sync"
	"time"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/sync/internal/state"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// Syncer keeps one provider's VETtrak and one LMS in step. Build it with
// New; Run does one whole sync, Plan and Apply split a sync in two for
// review, ReportResults does result passback alone, and Check tests both
// connections.
//
// All its state is in its Config and its Store, so many Syncers can run side
// by side in one process. Its methods are safe for concurrent use, but runs
// of one Syncer are serialised: a second Run waits for the first.
type Syncer struct {
	src     Source
	dst     lms.LMS
	cfg     Config
	store   store.Store
	log     *slog.Logger
	now     func() time.Time
	onProg  func(Progress)
	workers int
	// vtWorkers, when set, bounds VETtrak calls apart from workers.
	vtWorkers int
	secrets   *redact.Secrets
	dryRun    bool
	// loc is the provider's one time zone (Config.TimeZone, settled).
	loc    *time.Location
	limits limits

	// Typed views of the store.
	ledgerDB  state.Ledger[mapping.LedgerEntry]
	pendingDB store.Typed[mapping.LedgerEntry]
	clientsDB store.Typed[vettrak.Person]
	cursors   state.Cursors
	failures  *state.Failures

	runMu gosync.Mutex
	lease leaseState
}

// Option configures a Syncer. An option given a value it cannot use
// returns an error, which New returns (matching ErrInvalidConfig): a nil
// clock, store or logger is a mistake to report, not a default to fall
// back on silently.
type Option func(*Syncer) error

func optionErr(format string, args ...any) error {
	return configError(fmt.Errorf(format, args...))
}

// WithStore sets the state store (result ledger, retry state, cursors). The
// default is an in-memory store, which forgets everything when the process
// ends: use store.Open(dir) for a real deployment.
func WithStore(st store.Store) Option {
	return func(s *Syncer) error {
		if st == nil {
			return optionErr("WithStore: nil store (leave the option out for an in-memory store)")
		}
		s.store = st
		return nil
	}
}

// WithLogger sets the logger; the default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(s *Syncer) error {
		if l == nil {
			return optionErr("WithLogger: nil logger (leave the option out to discard logs)")
		}
		s.log = l
		return nil
	}
}

// WithClock sets the clock, for tests and replays.
func WithClock(now func() time.Time) Option {
	return func(s *Syncer) error {
		if now == nil {
			return optionErr("WithClock: nil clock")
		}
		s.now = now
		return nil
	}
}

// WithProgress registers a callback for progress events. It is called from
// the Syncer's goroutines, one call at a time.
func WithProgress(fn func(Progress)) Option {
	return func(s *Syncer) error {
		if fn == nil {
			return optionErr("WithProgress: nil callback")
		}
		s.onProg = fn
		return nil
	}
}

// WithConcurrency bounds the number of concurrent calls to the LMS, and
// to VETtrak unless WithVETtrakConcurrency sets that apart (default 4); n
// must be at least 1.
func WithConcurrency(n int) Option {
	return func(s *Syncer) error {
		if n < 1 {
			return optionErr("WithConcurrency: %d is not a number of workers (at least 1)", n)
		}
		s.workers = n
		return nil
	}
}

// WithVETtrakConcurrency bounds the number of concurrent calls to VETtrak
// on their own (default: WithConcurrency's). VETtrak servers are often
// small, on-premises SOAP hosts, while a remote LMS paces itself on its
// own quota, so the two seldom want the same number.
func WithVETtrakConcurrency(n int) Option {
	return func(s *Syncer) error {
		if n < 1 {
			return optionErr("WithVETtrakConcurrency: %d is not a number of workers (at least 1)", n)
		}
		s.vtWorkers = n
		return nil
	}
}

// vettrakWorkers is how many VETtrak calls run at once.
func (s *Syncer) vettrakWorkers() int {
	if s.vtWorkers > 0 {
		return s.vtWorkers
	}
	return s.workers
}

// WithSecrets registers values (passwords, tokens) that must never appear
// in the Syncer's logs, errors or reports.
func WithSecrets(secrets ...string) Option {
	return func(s *Syncer) error { s.secrets.Add(secrets...); return nil }
}

// WithDryRun makes Run and ReportResults stop at the plan: they observe
// and plan as usual and return a report of what would change (Report.DryRun
// set, Report.Plan holding the plan), writing nothing to either side.
func WithDryRun() Option { return func(s *Syncer) error { s.dryRun = true; return nil } }

// New builds a Syncer that reads VETtrak through src and drives dst. A
// config or option it cannot use is an error matching ErrInvalidConfig,
// among them a Config.TimeZone that disagrees with the Source's zone.
func New(src Source, dst lms.LMS, cfg Config, opts ...Option) (*Syncer, error) {
	if src == nil || dst == nil {
		return nil, configError(errors.New("source and target are required"))
	}
	if err := cfg.normalise(src); err != nil {
		return nil, err
	}
	s := &Syncer{src: src, dst: dst, cfg: cfg, loc: cfg.Results.Location, limits: cfg.Safety.limits(),
		now: time.Now, workers: 4, secrets: &redact.Secrets{}, store: store.NewMemory(), log: slog.New(slog.DiscardHandler)}
	var errs []error
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.log = slog.New(redact.Handler(s.log.Handler(), s.secrets))
	s.ledgerDB = state.NewLedger[mapping.LedgerEntry](s.store)
	s.pendingDB = store.NewTyped[mapping.LedgerEntry](s.store, bucketPending)
	s.clientsDB = store.NewTyped[vettrak.Person](s.store, bucketClients)
	s.cursors = state.NewCursors(s.store)
	failures, err := state.NewFailures(s.store, state.WithNow(func() time.Time { return s.now() }))
	if err != nil {
		return nil, configError(err)
	}
	s.failures = failures
	return s, nil
}

// Config returns the Syncer's configuration (normalised: TimeZone names the
// provider's zone).
func (s *Syncer) Config() Config { return s.cfg }

// Run plans and applies. It returns the report even when it also returns an
// error (a hold, a cancelled context); failures of single items are in the
// report, not the error. The report covers the whole run, observe and plan
// included, with each phase's time in Report.PhaseSeconds.
func (s *Syncer) Run(ctx context.Context) (_ *Report, err error) {
	start := s.now()
	ctx, release, err := s.holdLease(ctx)
	if err != nil {
		return s.finish(s.newReport(start, nil), err)
	}
	defer release()
	defer func() { err = leaseLost(ctx, err) }()
	plan, err := s.Plan(ctx)
	if err != nil {
		rep := s.newReport(start, nil)
		return s.finish(rep, err)
	}
	if s.dryRun {
		return s.dryReport(start, plan)
	}
	return s.apply(ctx, start, plan, false)
}

// Phase names a step of a run.
type Phase string

// Phases of a run.
const (
	PhaseObserve Phase = "observe"
	PhasePlan    Phase = "plan"
	PhaseApply   Phase = "apply"
	PhaseResults Phase = "results"
)

// Progress is one progress event.
type Progress struct {
	Phase Phase  `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Item  string `json:"item,omitempty"`
}

// counter returns a function that reports one more of a phase's total
// items done (counting on from done), naming the item, from any goroutine:
// WithProgress promises one call at a time, in order, so the count and the
// call share a lock.
func (s *Syncer) counter(ctx context.Context, phase Phase, done, total int) func(item string) {
	var mu gosync.Mutex
	return func(item string) {
		mu.Lock()
		defer mu.Unlock()
		done++
		s.progress(ctx, Progress{Phase: phase, Done: done, Total: total, Item: item})
	}
}

func (s *Syncer) progress(ctx context.Context, p Progress) {
	s.log.DebugContext(ctx, "progress", "phase", p.Phase, "done", p.Done, "total", p.Total, "item", p.Item)
	if s.onProg != nil {
		s.onProg(p)
	}
}

// Failure is an item that failed, with its cause (secrets removed).
type Failure struct {
	Key   string `json:"key"`
	Kind  string `json:"kind"`
	Error string `json:"error"`
	// Attempts counts consecutive failed runs; NextRetry is when the next
	// run will try again (after a backoff, or a throttling server's
	// retry-after).
	Attempts  int        `json:"attempts,omitempty"`
	NextRetry *time.Time `json:"next_retry,omitempty"`
	// NeedsPerson marks a failure retrying cannot fix (ErrNeedsPerson):
	// it is not tried again until its inputs change.
	NeedsPerson bool `json:"needs_person,omitempty"`
	err         error
}

// Err returns the original error (nil after a JSON round trip), so callers
// can errors.Is/As it.
func (f Failure) Err() error { return f.err }

func readFailure(key, what string, err error) Failure {
	return Failure{Key: key, Kind: what, Error: err.Error(), err: err}
}

// Check is the connection test for both sides: it logs in to VETtrak,
// compares VETtrak's live WSDL with the contract the SDK is built against
// (when the Source offers CheckContract, as *vettrak.Client does), and reads
// the LMS's course list, and says in words what is wrong.
func (s *Syncer) Check(ctx context.Context) (*CheckReport, error) {
	rep := &CheckReport{ContractOK: true}
	contractErr := s.checkContract(ctx, rep)
	vt, err := s.src.Check(ctx)
	if err != nil {
		rep.VETtrak = "VETtrak: " + s.secrets.String(err.Error())
	} else {
		rep.VETtrak = vt.String()
		// A login that works but a licence that lacks operations the sync
		// needs is not OK: the report's text names what is missing.
		rep.VETtrakOK = vt.OK()
	}
	var lmsErr error
	if c, ok := s.dst.(lms.Checker); ok {
		rep.LMS, lmsErr = c.Check(ctx)
	} else {
		var courses []lms.Course
		courses, lmsErr = s.dst.ListCourses(ctx)
		rep.LMS = fmt.Sprintf("LMS: connected; %d course(s) visible", len(courses))
	}
	if lmsErr != nil {
		rep.LMS = "LMS: " + s.secrets.String(lmsErr.Error())
		switch {
		case errors.Is(lmsErr, lms.ErrUnauthorized):
			rep.LMS += " (the token is wrong or expired: issue a new one)"
		case errors.Is(lmsErr, lms.ErrForbidden):
			rep.LMS += " (the token's user lacks a permission, such as manage_sis)"
		}
	} else {
		rep.LMSOK = true
	}
	if !rep.VETtrakOK && err == nil {
		err = fmt.Errorf("VETtrak: the licence lacks operations: %v", vt.Missing())
	}
	var rulesErr error
	if rep.VETtrakOK {
		rulesErr = s.checkRules(ctx, rep)
	} else {
		rep.RulesOK = true // not checked: VETtrak could not be asked
	}
	if !rep.VETtrakOK || !rep.LMSOK || !rep.ContractOK || !rep.RulesOK {
		return rep, errors.Join(err, contractErr, rulesErr, lmsErr)
	}
	return rep, nil
}

// checkContract fills the report's contract part. A WSDL that cannot be
// read is reported but does not fail the check: nothing is known to differ.
func (s *Syncer) checkContract(ctx context.Context, rep *CheckReport) error {
	cc, ok := s.src.(interface {
		CheckContract(context.Context) (*vettrak.ContractReport, error)
	})
	if !ok {
		return nil
	}
	c, err := cc.CheckContract(ctx)
	if err != nil {
		rep.Contract = "Contract: not checked: could not read VETtrak's WSDL: " + s.secrets.String(err.Error())
		return nil
	}
	rep.Contract = strings.TrimSpace(c.String())
	if len(c.Suggested) > 0 {
		rep.WireNames = c.Suggested
	}
	if !c.OK() {
		rep.ContractOK = false
		return fmt.Errorf("VETtrak: the server's contract differs from the SDK's in %d place(s)", len(c.Differences))
	}
	return nil
}

// CheckReport is the outcome of Check, in words a support person reads.
type CheckReport struct {
	VETtrak   string `json:"vettrak"`
	VETtrakOK bool   `json:"vettrak_ok"`
	// Contract compares VETtrak's live WSDL with the SDK's contract; empty
	// when the Source cannot check it. ContractOK is false when a
	// difference would make writes wrong (they are then refused).
	Contract   string `json:"contract,omitempty"`
	ContractOK bool   `json:"contract_ok"`
	// WireNames, when the server names parameters or fields differently,
	// maps every renamed one (merged with those already configured): what
	// vettrak.WithWireNames takes, and what a configuration file can hold
	// as data (it marshals to JSON). Nil when nothing needs mapping.
	WireNames vettrak.WireNames `json:"wire_names,omitempty"`
	// Rules checks the result rules and their scopes against VETtrak's
	// result types and occurrences (mapping.CheckRules); empty when results
	// are skipped or VETtrak could not be asked. RulesOK is false when a
	// rule could write a result VETtrak does not have or means otherwise.
	Rules   string `json:"rules,omitempty"`
	RulesOK bool   `json:"rules_ok"`
	LMS     string `json:"lms"`
	LMSOK   bool   `json:"lms_ok"`
}

func (c *CheckReport) String() string {
	parts := []string{c.VETtrak}
	for _, p := range []string{c.Contract, c.Rules} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(append(parts, c.LMS), "\n")
}
