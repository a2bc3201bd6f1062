package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	webconsole "github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/sync/schedule"
)

// cmdServe runs the schedule and serves the web console beside it. With
// no schedule configured it serves the console alone (runs start from its
// "Run now" button).
func cmdServe(ctx context.Context, a *app) int {
	if err := a.setup(true); err != nil {
		return a.stop(ctx, err, nil)
	}
	spec, specErr := a.scheduleSpec()
	if specErr != nil && (a.opts.schedule != "" || a.cfg.schedule != nil) {
		return a.stop(ctx, specErr, nil)
	}
	if a.cfg.consoleToken == "" {
		return a.stop(ctx, &ConfigError{Path: a.cfg.path, Err: fmt.Errorf(
			"console.token_env: environment variable %s is not set (it holds the token people log in to the console with; "+
				"choose a long random one, e.g. `export %s=\"$(openssl rand -hex 24)\"`)", a.cfg.consoleTokenEnv(), a.cfg.consoleTokenEnv())}, nil)
	}
	runner := webconsole.NewRunner(a.syncer, a.store, a.consoleRunDone)
	srv, err := webconsole.New(runner, webconsole.Options{
		Token: a.cfg.consoleToken, Location: a.cfg.loc, Provider: a.cfg.file.Provider,
		Secrets: a.secrets.String, Logger: a.log,
	})
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	addr := cmpOr(a.opts.addr, a.cfg.consoleAddr())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return a.stop(ctx, &usageError{fmt.Sprintf("console: cannot listen on %s: %v (is another vtsync serve running? choose another with --addr or console.addr)", addr, err)}, nil)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	url := "http://" + ln.Addr().String() + "/"
	a.status.console = url
	intro := fmt.Sprintf("console: %s (log in with the token in $%s)", url, a.cfg.consoleTokenEnv())

	job := func(ctx context.Context) error {
		run, err := runner.RunOnce(ctx, "scheduled run")
		if err == nil && run.Status == webconsole.StatusFailures {
			err = fmt.Errorf("run %d: some items failed", run.N)
		}
		return err
	}
	if specErr != nil {
		fmt.Fprintln(a.stdout, intro)
		fmt.Fprintln(a.stdout, "no schedule configured: runs start from the console; stop with Ctrl-C or SIGTERM")
		a.saveState()
		select {
		case <-ctx.Done():
		case err := <-served:
			return a.stop(ctx, err, nil)
		}
		return exitOK
	}
	return a.runSchedule(ctx, spec, schedule.Job(job), intro)
}

// consoleRunDone prints, reports and records a run the console's runner
// finished (scheduled, or started or approved in the console).
func (a *app) consoleRunDone(run webconsole.Run) {
	a.console.endProgress()
	o := &outcome{Run: run.N, Report: run.Report, Error: a.secrets.String(run.Error), At: run.Finished}
	switch run.Status {
	case webconsole.StatusOK:
		o.ExitCode = exitOK
	case webconsole.StatusHeld:
		o.ExitCode = exitHeld
	case webconsole.StatusInterrupted:
		o.ExitCode = exitInterrupted
	default:
		o.ExitCode = exitFailures
	}
	if run.Report != nil {
		printRunReport(a.stdout, fmt.Sprintf("run %d (%s)", run.N, run.What), run.Report)
	} else if run.Error != "" {
		fmt.Fprintf(a.stdout, "run %d (%s) %s: %s\n", run.N, run.What, run.Status, o.Error)
	}
	if run.Status == webconsole.StatusHeld {
		fmt.Fprintln(a.stdout, "the plan is held: review and approve it in the console")
	}
	a.finishRun(o)
	a.saveState()
}
