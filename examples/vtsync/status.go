package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vtsync/vtsync/sync/store"
)

// statusFileName is the file a running schedule (or `vtsync serve`) keeps
// in the state directory: what it is doing and its last runs, for
// `vtsync status` and monitoring, which cannot open the locked store.
const statusFileName = "status.json"

// maxStatusRuns bounds the runs the status file keeps.
const maxStatusRuns = 20

// statusDoc is the status file.
type statusDoc struct {
	Provider  string    `json:"provider,omitempty"`
	Command   string    `json:"command"`
	PID       int       `json:"pid"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Schedule  string    `json:"schedule,omitempty"`
	NextRun   time.Time `json:"next_run,omitzero"`
	// Console is the web console's address, when `vtsync serve` runs one.
	Console string `json:"console,omitempty"`
	// Runs are the latest runs, newest first, as --report writes them.
	Runs []*outcome `json:"runs"`
}

// runnerStatus is what a long-running command knows about itself.
type runnerStatus struct {
	started  time.Time
	schedule string
	next     time.Time
	console  string
	runs     []*outcome
}

// finishRun completes a scheduled run's outcome: the report file, and the
// status file's list of runs.
func (a *app) finishRun(o *outcome) {
	a.finish(o)
	o.Command = a.command
	o.Status = statusOf(o.ExitCode)
	o.DryRun = a.opts.dryRun
	if o.At.IsZero() {
		o.At = time.Now()
	}
	a.status.runs = append([]*outcome{o}, a.status.runs...)
	if len(a.status.runs) > maxStatusRuns {
		a.status.runs = a.status.runs[:maxStatusRuns]
	}
}

// saveState writes the status file and a snapshot of the store next to
// it, so read-only commands see the state while this process holds it.
// Failures are logged: they must not stop the schedule.
func (a *app) saveState() {
	dir := a.cfg.stateDir
	if dir == "" {
		return
	}
	if db, ok := a.store.(*store.DB); ok {
		if _, err := db.WriteSnapshot(); err != nil {
			a.log.Warn("could not save the store snapshot for read-only commands", "err", err)
		}
	}
	if a.status.started.IsZero() {
		a.status.started = time.Now()
	}
	doc := statusDoc{
		Provider: a.cfg.file.Provider, Command: a.command, PID: os.Getpid(),
		StartedAt: a.status.started, UpdatedAt: time.Now(), Schedule: a.status.schedule,
		NextRun: a.status.next, Console: a.status.console, Runs: orEmpty(a.status.runs),
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err == nil {
		err = writeFileAtomic(filepath.Join(dir, statusFileName), []byte(a.secrets.String(string(b))+"\n"))
	}
	if err != nil {
		a.log.Warn("could not write the status file", "err", err)
	}
}

// writeFileAtomic writes b to path through a temporary file and a rename,
// so a reader never sees half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vtsync-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// cmdStatus shows what a running schedule or console last did, from its
// status file; it never opens the store.
func cmdStatus(ctx context.Context, a *app) int {
	if err := a.load(); err != nil {
		return a.stop(ctx, err, nil)
	}
	if a.cfg.stateDir == "" {
		return a.stop(ctx, &usageError{"no state_dir in the config: a schedule keeps its status there, so there is none to show"}, nil)
	}
	path := filepath.Join(a.cfg.stateDir, statusFileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(a.stdout, "No schedule has run with state directory %s yet: start one with `vtsync schedule` or `vtsync serve`.\n", a.cfg.stateDir)
		return a.finish(&outcome{})
	}
	if err != nil {
		return a.stop(ctx, fmt.Errorf("read %s: %w", path, err), nil)
	}
	var doc statusDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return a.stop(ctx, fmt.Errorf("read %s: not a vtsync status file: %w", path, err), nil)
	}
	if a.opts.format == "json" {
		doc.Runs = orEmpty(doc.Runs)
		a.printJSON(doc)
		return a.finish(&outcome{})
	}
	printStatus(a.stdout, &doc, time.Now())
	return a.finish(&outcome{})
}

// printStatus writes the status file in words.
func printStatus(w io.Writer, d *statusDoc, now time.Time) {
	who := "vtsync " + d.Command
	if d.Provider != "" {
		who += " for " + d.Provider
	}
	fmt.Fprintf(w, "%s (process %d) started %s; status updated %s\n", who, d.PID,
		d.StartedAt.Local().Format(timeLayout), d.UpdatedAt.Local().Format(timeLayout))
	if d.Schedule != "" {
		fmt.Fprintf(w, "Schedule: %s; next run %s\n", d.Schedule, d.NextRun.Local().Format(timeLayout))
	}
	if d.Console != "" {
		fmt.Fprintf(w, "Console:  %s\n", d.Console)
	}
	if len(d.Runs) == 0 {
		fmt.Fprintln(w, "No run yet.")
		return
	}
	fmt.Fprintln(w)
	for _, o := range d.Runs {
		line := fmt.Sprintf("run %d  %s  %s", o.Run, o.At.Local().Format(timeLayout), o.Status)
		if r := o.Report; r != nil {
			line += fmt.Sprintf(": %s, %s, %s to VETtrak", plural(r.Changes(), "LMS change"),
				plural(len(r.Failures), "failure"), plural(r.ResultsWritten, "result"))
			if n := len(r.NeedsPerson); n > 0 {
				line += fmt.Sprintf(", %d waiting for a person", n)
			}
			if n := len(r.Conflicts); n > 0 {
				line += fmt.Sprintf(", %s to review", plural(n, "conflict"))
			}
		}
		if o.Error != "" {
			line += ": " + o.Error
		}
		fmt.Fprint(w, wrap("", oneLine(line), textWidth))
	}
	if r := d.Runs[0].Report; r != nil {
		printNeedsPerson(w, r.NeedsPerson)
		for i, f := range r.Failures {
			if i == maxListed {
				fmt.Fprintf(w, "... and %d more failures\n", len(r.Failures)-i)
				break
			}
			fmt.Fprint(w, wrap("", oneLine("FAILED: "+f.Kind+" "+f.Key+": "+f.Error), textWidth))
		}
	}
}
