// Command bench measures what a vtsync deployment costs an operator: API
// calls on each side (per endpoint, reads and writes, bytes), wall time and
// memory, on a deterministic synthetic provider at three sizes, against the
// in-process fakes with per-call latency and Canvas's throttle on.
//
//	go run ./examples/bench                      # small and medium, every scenario
//	go run ./examples/bench -sizes large         # 2,000 occurrences, 20,000 learners (slow: see below)
//	go run ./examples/bench -json docs/bench/bench.json -svg docs/bench/bench.svg -md docs/bench/README.md
//
// Each size runs five scenarios in order on one pair of fakes: the initial
// sync into an empty Canvas, a no-op re-sync, a re-sync after 1% of the
// enrolments changed (new learners, withdrawals, renames), the no-op again
// in an account crowded with unrelated users, and result passback with 10%
// of the enrolled units newly graded; then initial-bulk, the initial sync
// on fresh fakes through the SDK's bulk path (Config.Bulk: one SIS
// import). Each is compared
// with its lower bound, the fewest calls the work needs over every
// documented path (REST, SIS import, provisioning report: lowerbound.go),
// and with two models vtsync replaces: the leanest per-record push and the
// 20-occurrences-per-run import (counted, see baselines.go).
//
// Canvas's throttle (hosted numbers: high water 700, outflow 10 a second,
// 50 reserved per request in flight) charges the fake's constant cost of
// 1 per request by default, so a throttled run cannot go faster than ten
// Canvas calls a second: the large initial sync is hours. Real Canvas charges
// a request's CPU and database seconds, usually less; -throttle-cost sets
// the charge and -throttle=false turns the throttle off. TestSimulated
// (simulate.go) runs the same on one virtual clock, reporting simulated
// time, so a throttled large run takes minutes:
//
//	go test ./examples/bench -run '^TestSimulated$' -count=1 -timeout 0 -args -simulate='-sizes large -scenarios initial'
//
// -memprofile writes the heap profile at the run's highest live heap, to
// read where it lives (the fakes run in the same process):
//
//	go test ./examples/bench -run '^TestSimulated$' -count=1 -timeout 0 -args -simulate='-sizes medium -memprofile /tmp/heap.pprof'
//	go tool pprof -top -sample_index=inuse_space /tmp/heap.pprof
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vtsync/vtsync/mapping"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	sizes        []size
	scenarios    []string
	latency      time.Duration
	throttle     bool
	throttleCost float64
	workflow     mapping.Workflow
	// userTimeZone is the mapping's TimeZone for users (empty: the
	// account's default). canvaslms sends a user with one by REST, not in
	// a SIS import (users.csv has no time zone column).
	userTimeZone string
	concurrency  int
	// canvasRate is the canvas client's own rate limit in requests a
	// second: 0 keeps the SDK's default, negative lifts it.
	canvasRate float64
	heapEvery  time.Duration
	jsonFile   string
	svgFile    string
	mdFile     string
	// from lists saved JSON reports to merge and render instead of running.
	from []string
	// progressEvery is how often the Syncer's progress is logged (0: never).
	progressEvery time.Duration
	log           io.Writer
	cpuProfile    string
	// memProfile writes the heap profile of the run's highest live heap
	// (nil: none).
	memProfile *heapProfile
	interval   time.Duration
	// simulated runs on in-process transports inside a synctest bubble
	// (set by TestSimulated, not a flag: only a test can make a bubble).
	simulated bool
	// command is how to run this again, printed above every figure.
	command string
}

func parse(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(out)
	sizeList := fs.String("sizes", "small,medium", "sizes to run, comma-separated: small, medium, large")
	one := fs.String("size", "", "one size to run (same as -sizes NAME)")
	scenarioList := fs.String("scenarios", strings.Join(scenarioNames(), ","), "scenarios to report, comma-separated (earlier ones still run: each builds on the last)")
	fs.DurationVar(&o.latency, "latency", 25*time.Millisecond, "latency of every call on both fakes")
	fs.DurationVar(&o.interval, "interval", 6*time.Hour, "time between scheduled runs on the fakes' clock (the Syncer re-reads an enrolment's cached units after half to all of Config.UnitsMaxAge, a week by default)")
	fs.BoolVar(&o.throttle, "throttle", true, "Canvas's documented throttle on the fake Canvas")
	fs.Float64Var(&o.throttleCost, "throttle-cost", 1, "throttle units each Canvas request costs (the fake's constant; real Canvas charges CPU+DB seconds)")
	workflow := fs.String("workflow", string(mapping.WorkflowUnit), "mapping workflow the Syncer runs")
	fs.StringVar(&o.userTimeZone, "user-time-zone", "", "IANA time zone the mapping gives users (mapping.Config.TimeZone; empty: the account's default)")
	fs.Float64Var(&o.canvasRate, "canvas-rate", 0, "the canvas client's own rate limit, requests a second (0: the SDK's default, none: pacing follows the bucket; -1: none either)")
	fs.IntVar(&o.concurrency, "concurrency", 0, "Syncer concurrency per side (0: the SDK default)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write the heap profile of the run's highest live heap to this file (go tool pprof -sample_index=inuse_space)")
	fs.DurationVar(&o.progressEvery, "progress", 30*time.Second, "log the Syncer's progress this often (0: never)")
	fs.DurationVar(&o.heapEvery, "heap-every", 10*time.Millisecond, "heap sampling interval")
	fs.StringVar(&o.jsonFile, "json", "", "write the report as JSON to this file")
	fs.StringVar(&o.svgFile, "svg", "", "write a chart of calls and time against size (SVG) to this file")
	fs.StringVar(&o.mdFile, "md", "", "write the report as markdown to this file")
	from := fs.String("from", "", "render saved JSON reports (comma-separated, e.g. a default run and a -sizes large run) instead of running")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.from = split(*from)
	if *memProfile != "" {
		o.memProfile = &heapProfile{path: *memProfile}
		// One sample per 64 KiB allocated rather than 512 KiB: finer
		// attribution, at some CPU.
		runtime.MemProfileRate = 64 << 10
	}
	if *one != "" {
		*sizeList = *one
	}
	known := sizes()
	for _, name := range split(*sizeList) {
		i := slices.IndexFunc(known, func(s size) bool { return s.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("unknown size %q (want small, medium or large)", name)
		}
		o.sizes = append(o.sizes, known[i])
	}
	for _, name := range split(*scenarioList) {
		if !slices.Contains(scenarioNames(), name) {
			return nil, fmt.Errorf("unknown scenario %q (want %s)", name, strings.Join(scenarioNames(), ", "))
		}
		o.scenarios = append(o.scenarios, name)
	}
	if len(o.sizes) == 0 || len(o.scenarios) == 0 {
		return nil, errors.New("nothing to run: give at least one size and one scenario")
	}
	if o.latency < 0 || o.throttleCost <= 0 || o.heapEvery <= 0 || o.interval <= 0 {
		return nil, errors.New("-latency must be ≥ 0, -throttle-cost, -heap-every and -interval > 0")
	}
	var err error
	if o.workflow, err = workflowOf(*workflow); err != nil {
		return nil, err
	}
	return o, nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// run parses args, runs every size and writes the report: the table to
// out, progress to log, and the files the flags name.
func run(ctx context.Context, out, log io.Writer, args []string) error {
	return runWith(ctx, out, log, args, false)
}

// runWith is run, simulated (inside a synctest bubble, see simulate.go) or
// not.
func runWith(ctx context.Context, out, log io.Writer, args []string, simulated bool) error {
	o, err := parse(args, log)
	if err != nil {
		return err
	}
	o.log, o.simulated = log, simulated
	o.command = "go run ./examples/bench " + shellJoin(args)
	if simulated {
		o.command = simulateCommand(args)
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if len(o.from) > 0 {
		rep, err := loadReports(o.from)
		if err != nil {
			return err
		}
		rep.evaluate()
		rep.writeText(out)
		return rep.writeFiles(o)
	}
	rep := newReport(o)
	rep.Commands = []string{o.command}
	for _, sz := range o.sizes {
		fmt.Fprintf(log, "size %s: %d occurrences, %d units, %d learners, %d enrolled units, %d staff\n",
			sz.Name, sz.Spec.Occurrences, sz.Spec.Units, sz.Spec.Learners, sz.Spec.EnrolledUnits, sz.Spec.Staff)
		res, err := runSize(ctx, o, sz, log)
		if res != nil {
			rep.Sizes = append(rep.Sizes, *res)
		}
		if err != nil {
			return err
		}
	}
	if p := o.memProfile; p != nil {
		if p.Err != nil {
			return fmt.Errorf("heap profile: %w", p.Err)
		}
		fmt.Fprintf(log, "heap profile at %s (live heap %s) written to %s\n", p.At, mib(int64(p.Live)), p.path)
	}
	rep.evaluate()
	rep.writeText(out)
	return rep.writeFiles(o)
}
