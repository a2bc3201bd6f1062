package demo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vtsync/vtsync/lms/canvaslms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Clock is the demos' settable "now". It starts on Today, so dates in the
// 2026 data tell the same story on any day a demo runs.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Today is when every demo pretends to run: after all its classes ended.
var Today = time.Date(2026, 7, 10, 9, 0, 0, 0, Sydney())

// NewClock returns a clock set to Today.
func NewClock() *Clock { return &Clock{now: Today} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Setup is one demo's world: a fake VETtrak, a fake Canvas, and a Syncer
// between them.
type Setup struct {
	VETtrak *VETtrak
	Canvas  *Canvas
	Syncer  *vtsync.Syncer
	Clock   *Clock
	// Store is the Syncer's state (results ledger, retry times). A real
	// deployment uses store.Open(dir), which survives restarts.
	Store store.Store
}

// Start starts both fakes, VETtrak serving data, and builds a Syncer for
// cfg that prints its progress on p. Options come after the demo's own
// (store, clock, progress), so they may replace them.
func Start(p *Printer, data *vettraktest.Dataset, cfg vtsync.Config, canvasOpts []canvaslms.Option, opts ...vtsync.Option) (*Setup, error) {
	vt, err := StartVETtrak(data)
	if err != nil {
		return nil, err
	}
	cv, err := StartCanvas(canvasOpts...)
	if err != nil {
		vt.Close()
		return nil, err
	}
	s := &Setup{VETtrak: vt, Canvas: cv, Clock: NewClock(), Store: store.NewMemory()}
	base := []vtsync.Option{
		vtsync.WithStore(s.Store),
		vtsync.WithClock(s.Clock.Now),
		vtsync.WithProgress(p.Progress()),
		vtsync.WithSecrets(vt.Server.Credentials().Password, cv.Server.AdminToken()),
	}
	s.Syncer, err = vtsync.New(vt.API, cv, cfg, append(base, opts...)...)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("syncer: %w", err)
	}
	return s, nil
}

// Close stops both fakes.
func (s *Setup) Close() {
	s.Canvas.Close()
	s.VETtrak.Close()
}

// Check runs the connection test and prints it.
func (s *Setup) Check(ctx context.Context, p *Printer) error {
	rep, err := s.Syncer.Check(ctx)
	if rep != nil {
		p.Check(rep)
	}
	if err != nil {
		return fmt.Errorf("connection test: %w", err)
	}
	return nil
}

// Sync prints the plan, applies exactly it with progress, and prints the
// report. Single failures are in the report, not the error.
func (s *Setup) Sync(ctx context.Context, p *Printer) (*vtsync.Report, error) {
	plan, err := s.Syncer.Plan(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	p.Plan(plan)
	if plan.Empty() {
		return &vtsync.Report{}, nil
	}
	p.Blank()
	rep, err := s.Syncer.Apply(ctx, plan)
	if rep != nil {
		p.Report(rep)
	}
	if err != nil {
		return rep, fmt.Errorf("apply: %w", err)
	}
	return rep, nil
}

// ErrNotConverged is returned when a run that should change nothing
// changes something.
var ErrNotConverged = errors.New("demo: the second run was not empty")

// SyncAgain runs once more and shows that nothing changes.
func (s *Setup) SyncAgain(ctx context.Context, p *Printer) error {
	rep, err := s.Syncer.Run(ctx)
	if err != nil {
		return fmt.Errorf("second run: %w", err)
	}
	p.Line("Second run: %d operations, %d LMS changes, %d VETtrak writes.", rep.Planned, rep.Changes(),
		rep.ResultsWritten+rep.CommentsWritten+rep.Marked)
	if rep.Planned != 0 {
		return ErrNotConverged
	}
	return nil
}

// ReportResults sends LMS results back to VETtrak, prints the report, and
// shows that a second report writes nothing.
func (s *Setup) ReportResults(ctx context.Context, p *Printer) error {
	rep, err := s.Syncer.ReportResults(ctx)
	if err != nil {
		return fmt.Errorf("report results: %w", err)
	}
	p.Report(rep)
	again, err := s.Syncer.ReportResults(ctx)
	if err != nil {
		return fmt.Errorf("report results again: %w", err)
	}
	p.Line("Reporting again writes %d results: each is written once.", again.ResultsWritten)
	return nil
}

// Landed prints what each side holds now.
func (s *Setup) Landed(ctx context.Context, p *Printer) error {
	p.Section("What Canvas holds now")
	if err := p.LMSState(ctx, s.Canvas); err != nil {
		return err
	}
	p.Section("What VETtrak holds now")
	p.Results(s.VETtrak.Data())
	return nil
}

// Introduce prints the configuration and what VETtrak holds.
func (s *Setup) Introduce(p *Printer) {
	p.Section("Configuration")
	p.Config(s.Syncer.Config())
	p.Section("What VETtrak holds")
	p.Occurrences(s.VETtrak.Data())
}

// Finish reports results back to VETtrak, prints what each side holds,
// and returns the first error the story met.
func (s *Setup) Finish(ctx context.Context, p *Printer) error {
	p.Section("Report results back to VETtrak")
	if err := s.ReportResults(ctx, p); err != nil {
		return err
	}
	if err := s.Landed(ctx, p); err != nil {
		return err
	}
	return p.Err()
}
