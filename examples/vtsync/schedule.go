package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/schedule"
)

func cmdSchedule(ctx context.Context, a *app) int {
	if err := a.setup(true); err != nil {
		return a.stop(ctx, err, nil)
	}
	var spec schedule.Spec
	switch {
	case a.opts.schedule != "":
		s, err := schedule.Parse(a.opts.schedule)
		if err != nil {
			return a.stop(ctx, &usageError{fmt.Sprintf("--schedule: %v", err)}, nil)
		}
		spec = s
	case a.cfg.schedule != nil:
		spec = *a.cfg.schedule
	default:
		return a.stop(ctx, &usageError{`no schedule: set "schedule" in the config or pass --schedule ` +
			`(e.g. "at 06:00,18:00 Australia/Sydney" or "every 1h")`}, nil)
	}

	var runs atomic.Int64
	job := func(ctx context.Context) error {
		n := int(runs.Add(1))
		return a.scheduledRun(ctx, n)
	}
	opts := []schedule.Option{schedule.WithLogger(a.log), schedule.WithName(cmpOr(a.cfg.file.Provider, "vtsync"))}
	if a.opts.runAtStart {
		opts = append(opts, schedule.WithRunAtStart())
	}
	sch, err := schedule.New(spec, job, opts...)
	if err != nil {
		return a.stop(ctx, &usageError{err.Error()}, nil)
	}
	first := "next run at " + schedule.Next(spec, time.Now()).Format(time.RFC3339)
	if a.opts.runAtStart {
		first = "first run now"
	}
	fmt.Fprintf(a.stdout, "schedule: %s; %s; stop with Ctrl-C or SIGTERM\n", spec, first)
	if err := sch.Run(ctx); err != nil {
		return a.stop(ctx, err, nil)
	}
	st := sch.Stats()
	fmt.Fprintf(a.stdout, "schedule stopped: %d runs, %d failed, %d skipped while a run was still going\n",
		st.Started, st.Failed, st.Skipped)
	// Stopping is how a schedule ends, so it is not an error; the report
	// file keeps the last run's outcome.
	return exitOK
}

// scheduledRun is one run of the schedule. Its failures are printed and
// reported; the schedule goes on and the next run retries.
func (a *app) scheduledRun(ctx context.Context, n int) error {
	o := &outcome{Run: n}
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.scheduledFailure(ctx, n, err, o)
	}
	if a.opts.dryRun {
		p, err := s.Plan(ctx)
		if err != nil {
			return a.scheduledFailure(ctx, n, err, o)
		}
		a.console.endProgress()
		o.Plan = summarise(p)
		if len(p.Holds) > 0 && !a.opts.allowHolds {
			o.ExitCode = exitHeld
		}
		fmt.Fprintf(a.stdout, "run %d (dry run): %d operations planned: %s\n", n, len(p.Ops), countList(kindCounts(p)))
		printHolds(a.stdout, p.Holds)
		a.finish(o)
		return nil
	}
	rep, err := s.Run(ctx)
	a.console.endProgress()
	o.Report = rep
	if rep != nil && (err == nil || errors.Is(err, vtsync.ErrHold)) {
		if a.opts.format == "json" {
			a.printJSON(rep)
		} else {
			printRunReport(a.stdout, fmt.Sprintf("run %d", n), rep)
		}
	}
	if err != nil {
		return a.scheduledFailure(ctx, n, err, o)
	}
	o.ExitCode = reportExitCode(rep)
	a.finish(o)
	if o.ExitCode != exitOK {
		return fmt.Errorf("run %d: %d items failed", n, len(rep.Failures))
	}
	return nil
}

func (a *app) scheduledFailure(ctx context.Context, n int, err error, o *outcome) error {
	a.console.endProgress()
	o.ExitCode = exitCode(ctx, err)
	o.Error = a.secrets.String(err.Error())
	if ctx.Err() != nil {
		// Stopping the schedule is not a failed run.
		fmt.Fprintf(a.stdout, "run %d stopped: %s\n", n, o.Error)
		a.finish(o)
		return nil
	}
	fmt.Fprintf(a.stdout, "run %d failed: %s\n", n, o.Error)
	a.finish(o)
	return errors.New(o.Error)
}

func kindCounts(p *vtsync.Plan) map[vtsync.OpKind]int { return p.Counts() }
