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
	spec, err := a.scheduleSpec()
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	var runs atomic.Int64
	return a.runSchedule(ctx, spec, func(ctx context.Context) error {
		return a.scheduledRun(ctx, int(runs.Add(1)))
	}, "")
}

// scheduleSpec is --schedule, else the config's schedule.
func (a *app) scheduleSpec() (schedule.Spec, error) {
	switch {
	case a.opts.schedule != "":
		s, err := schedule.Parse(a.opts.schedule)
		if err != nil {
			return schedule.Spec{}, &usageError{fmt.Sprintf("--schedule: %v", err)}
		}
		return s, nil
	case a.cfg.schedule != nil:
		return *a.cfg.schedule, nil
	}
	return schedule.Spec{}, &usageError{`no schedule: set "schedule" in the config or pass --schedule ` +
		`(e.g. "at 06:00,18:00 Australia/Sydney" or "every 1h")`}
}

// runSchedule runs job on spec until ctx ends, keeping the status file
// and the store snapshot that read-only commands use up to date. extra is
// added to the opening line (the console's address).
func (a *app) runSchedule(ctx context.Context, spec schedule.Spec, job schedule.Job, extra string) int {
	opts := []schedule.Option{schedule.WithLogger(a.log), schedule.WithName(cmpOr(a.cfg.file.Provider, "vtsync"))}
	if a.opts.runAtStart {
		opts = append(opts, schedule.WithRunAtStart())
	}
	sch, err := schedule.New(spec, func(ctx context.Context) error {
		err := job(ctx)
		a.status.next = schedule.Next(spec, time.Now())
		a.saveState()
		return err
	}, opts...)
	if err != nil {
		return a.stop(ctx, &usageError{err.Error()}, nil)
	}
	a.status.schedule = spec.String()
	a.status.next = schedule.Next(spec, time.Now())
	a.saveState()
	first := "next run at " + a.status.next.Format(timeLayout)
	if a.opts.runAtStart {
		first = "first run now"
	}
	fmt.Fprintf(a.stdout, "schedule: %s; %s; stop with Ctrl-C or SIGTERM\n", spec, first)
	if extra != "" {
		fmt.Fprintln(a.stdout, extra)
	}
	if err := sch.Run(ctx); err != nil {
		return a.stop(ctx, err, nil)
	}
	st := sch.Stats()
	fmt.Fprintf(a.stdout, "schedule stopped: %s, %d failed, %d skipped while a run was still going\n",
		plural(int(st.Started), "run"), st.Failed, st.Skipped)
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
		fmt.Fprintf(a.stdout, "run %d (dry run): %s planned: %s\n", n, plural(len(p.Ops), "operation"), countList(kindCounts(p)))
		printHolds(a.stdout, p.Holds)
		a.finishRun(o)
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
	a.finishRun(o)
	if o.ExitCode != exitOK {
		return fmt.Errorf("run %d: %s failed", n, plural(len(rep.Failures), "item"))
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
		a.finishRun(o)
		return nil
	}
	fmt.Fprintf(a.stdout, "run %d failed: %s\n", n, o.Error)
	a.finishRun(o)
	return errors.New(o.Error)
}

func kindCounts(p *vtsync.Plan) map[vtsync.OpKind]int { return p.Counts() }
