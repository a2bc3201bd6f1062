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
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// Syncer keeps one provider's VETtrak and one LMS in step. All its state is
// in its Config and its Store, so many Syncers can run side by side in one
// process. Its methods are safe for concurrent use, but runs of one Syncer
// are serialised: a second Run waits for the first.
type Syncer struct {
	src     Source
	dst     lms.LMS
	cfg     Config
	store   store.Store
	log     *slog.Logger
	now     func() time.Time
	onProg  func(Progress)
	workers int
	secrets *redact.Secrets
	dryRun  bool

	// Typed views of the store.
	ledgerDB  store.Ledger[mapping.LedgerEntry]
	pendingDB store.Typed[mapping.LedgerEntry]
	clientsDB store.Typed[vettrak.Client]
	cursors   store.Cursors
	failures  *store.Failures

	runMu gosync.Mutex
}

// Option configures a Syncer.
type Option func(*Syncer)

// WithStore sets the state store (result ledger, retry state, cursors). The
// default is an in-memory store, which forgets everything when the process
// ends: use store.Open(dir) for a real deployment.
func WithStore(st store.Store) Option { return func(s *Syncer) { s.store = st } }

// WithLogger sets the logger; the default discards logs.
func WithLogger(l *slog.Logger) Option { return func(s *Syncer) { s.log = l } }

// WithClock sets the clock, for tests and replays.
func WithClock(now func() time.Time) Option { return func(s *Syncer) { s.now = now } }

// WithProgress registers a callback for progress events. It is called from
// the Syncer's goroutines, one call at a time.
func WithProgress(fn func(Progress)) Option { return func(s *Syncer) { s.onProg = fn } }

// WithConcurrency bounds the number of concurrent calls to each side
// (default 4). Canvas prefers few parallel requests; VETtrak servers are
// often small.
func WithConcurrency(n int) Option { return func(s *Syncer) { s.workers = max(1, n) } }

// WithSecrets registers values (passwords, tokens) that must never appear
// in the Syncer's logs, errors or reports.
func WithSecrets(secrets ...string) Option { return func(s *Syncer) { s.secrets.Add(secrets...) } }

// WithDryRun makes Run and ReportResults stop at the plan: they observe
// and plan as usual and return a report of what would change (Report.DryRun
// set, Report.Plan holding the plan), writing nothing to either side.
func WithDryRun() Option { return func(s *Syncer) { s.dryRun = true } }

// New builds a Syncer that reads VETtrak through src and drives dst.
func New(src Source, dst lms.LMS, cfg Config, opts ...Option) (*Syncer, error) {
	if src == nil || dst == nil {
		return nil, fmt.Errorf("%w: source and target are required", ErrInvalidConfig)
	}
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	s := &Syncer{src: src, dst: dst, cfg: cfg, now: time.Now, workers: 4, secrets: &redact.Secrets{}}
	for _, o := range opts {
		o(s)
	}
	if s.store == nil {
		s.store = store.NewMemory()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = slog.New(redact.Handler(s.log.Handler(), s.secrets))
	s.ledgerDB = store.NewLedger[mapping.LedgerEntry](s.store)
	s.pendingDB = store.NewTyped[mapping.LedgerEntry](s.store, bucketPending)
	s.clientsDB = store.NewTyped[vettrak.Client](s.store, bucketClients)
	s.cursors = store.NewCursors(s.store)
	s.failures = store.NewFailures(s.store, store.WithNow(func() time.Time { return s.now() }))
	return s, nil
}

// Config returns the Syncer's configuration (normalised, with defaults).
func (s *Syncer) Config() Config { return s.cfg }

// Run plans and applies. It returns the report even when it also returns an
// error (a hold, a cancelled context); failures of single items are in the
// report, not the error.
func (s *Syncer) Run(ctx context.Context) (*Report, error) {
	start := s.now()
	plan, err := s.Plan(ctx)
	if err != nil {
		rep := s.newReport(start, nil)
		return s.finish(rep, err)
	}
	if s.dryRun {
		return s.dryReport(start, plan)
	}
	return s.Apply(ctx, plan)
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
	// run will try again.
	Attempts  int        `json:"attempts,omitempty"`
	NextRetry *time.Time `json:"next_retry,omitempty"`
	err       error
}

// Err returns the original error (nil after a JSON round trip), so callers
// can errors.Is/As it.
func (f Failure) Err() error { return f.err }

func readFailure(key, what string, err error) Failure {
	return Failure{Key: key, Kind: what, Error: err.Error(), err: err}
}

// Check is the connection test for both sides: it logs in to VETtrak,
// compares VETtrak's live WSDL with the contract the SDK is built against
// (when the Source offers CheckContract, as *vettrak.API does), and reads
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
	if c, ok := s.dst.(interface {
		Check(context.Context) (string, error)
	}); ok {
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
	if !rep.VETtrakOK || !rep.LMSOK || !rep.ContractOK {
		return rep, errors.Join(err, contractErr, lmsErr)
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
	LMS        string `json:"lms"`
	LMSOK      bool   `json:"lms_ok"`
}

func (c *CheckReport) String() string {
	if c.Contract == "" {
		return c.VETtrak + "\n" + c.LMS
	}
	return c.VETtrak + "\n" + c.Contract + "\n" + c.LMS
}
