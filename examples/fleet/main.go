// Command fleet shows many providers synced by a fleet of workers on River
// and PostgreSQL (package github.com/vtsync/vtsync/sync/fleet). It starts a
// throwaway PostgreSQL cluster (when initdb and pg_ctl are installed, as
// Debian's postgresql package does; or give -dsn), stands up a fake
// VETtrak and a fake Canvas for each of 20 providers, registers them, runs
// two workers, and prints what each provider's runs did: a first run that
// builds each provider's LMS, then a second that finds nothing to do.
//
// It is its own Go module, like the fleet package, so the library's go.mod
// carries neither River nor pgx:
//
//	cd examples/fleet && go run .
//	cd examples/fleet && go run . -providers 50 -workers 3 -latency 5ms
//
// The logins printed nowhere here are the fakes' own, made up for the
// session.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river/rivertype"

	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/sync/fleet/fleettest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
	"github.com/vtsync/vtsync/sync/fleet/pgtemp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

type options struct {
	providers, workers, rounds int
	latency                    time.Duration
	dsn                        string
}

func parse(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&o.providers, "providers", 20, "providers (each with a fake VETtrak and a fake Canvas)")
	fs.IntVar(&o.workers, "workers", 2, "workers (each a River client syncing up to 3 providers at once)")
	fs.IntVar(&o.rounds, "rounds", 2, "runs per provider, one after another")
	fs.DurationVar(&o.latency, "latency", 2*time.Millisecond, "delay of every answer of the fakes")
	fs.StringVar(&o.dsn, "dsn", os.Getenv("VTSYNC_FLEET_DSN"), "PostgreSQL to use instead of a throwaway cluster")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.providers < 1 || o.workers < 1 || o.rounds < 1 {
		return o, errors.New("-providers, -workers and -rounds must be at least 1")
	}
	return o, nil
}

func run(ctx context.Context, w io.Writer, args []string) error {
	o, err := parse(args, w)
	if err != nil {
		return err
	}
	dsn := o.dsn
	if dsn == "" {
		fmt.Fprintln(w, "Starting a throwaway PostgreSQL cluster…")
		cluster, err := pgtemp.Start(ctx)
		if errors.Is(err, pgtemp.ErrNotInstalled) {
			return fmt.Errorf("%w: %s, or pass -dsn", err, pgtemp.Hint)
		}
		if err != nil {
			return err
		}
		defer cluster.Stop()
		if dsn, err = cluster.CreateDatabase(ctx, "fleet"); err != nil {
			return err
		}
	}
	fakes, err := fleettest.Start(fleettest.Options{Providers: o.providers, Latency: o.latency})
	if err != nil {
		return err
	}
	defer fakes.Close()
	reg, err := fleettest.Registry(fakes.Endpoints(), "")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d providers on fake servers, %d workers.\n", o.providers, o.workers)

	var fleets []*fleet.Fleet
	var db *pgstore.DB
	for i := range o.workers {
		// Each worker has its own pool, as a process of its own would.
		wdb, err := pgstore.Open(ctx, dsn)
		if err != nil {
			return err
		}
		defer wdb.Close()
		db = wdb
		f, err := fleet.New(ctx, wdb, reg, fleet.WithWorkerID(fmt.Sprintf("worker-%d", i+1)), fleet.WithWorkers(3),
			fleet.WithPollInterval(50*time.Millisecond))
		if err != nil {
			return err
		}
		if err := f.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = f.Stop(stop)
		}()
		fleets = append(fleets, f)
	}
	for round := 1; round <= o.rounds; round++ {
		begin := time.Now()
		queued, err := fleets[0].EnqueueAll(ctx)
		if err != nil {
			return err
		}
		if err := waitRound(ctx, fleets[0], queued); err != nil {
			return err
		}
		fmt.Fprintf(w, "Round %d: %d providers in %.1fs.\n", round, o.providers, time.Since(begin).Seconds())
	}
	runs, err := db.Runs(ctx, pgstore.RunFilter{Limit: 100000})
	if err != nil {
		return err
	}
	return printRuns(w, runs)
}

// waitRound waits until every queued run has ended, and fails on one
// that did not succeed (the fleet retries a failed run; the demo wants to
// know).
func waitRound(ctx context.Context, f *fleet.Fleet, queued map[string]fleet.Enqueued) error {
	ids := make([]int64, 0, len(queued))
	for _, e := range queued {
		ids = append(ids, e.JobID)
	}
	states, err := f.Wait(ctx, ids...)
	if err != nil {
		return err
	}
	for p, e := range queued {
		if states[e.JobID] != rivertype.JobStateCompleted {
			return fmt.Errorf("the run of %s ended %s", p, states[e.JobID])
		}
	}
	return nil
}

// printRuns prints the run log, per provider, oldest run first.
func printRuns(w io.Writer, runs []pgstore.Run) error {
	slices.SortFunc(runs, func(a, b pgstore.Run) int {
		return cmp.Or(strings.Compare(a.Provider, b.Provider), a.StartedAt.Compare(b.StartedAt))
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tWORKFLOW\tWORKER\tSTATUS\tSECONDS\tCREATED\tUPDATED\tREMOVED\tUNCHANGED\tFAILURES")
	for _, r := range runs {
		var rep vtsync.Report
		if len(r.Report) > 0 {
			if err := json.Unmarshal(r.Report, &rep); err != nil {
				return fmt.Errorf("run %d: report: %w", r.ID, err)
			}
		}
		worker, _, _ := strings.Cut(r.Holder, "/")
		secs := 0.0
		if r.FinishedAt != nil {
			secs = r.FinishedAt.Sub(r.StartedAt).Seconds()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%d\n", r.Provider, rep.Workflow, worker, r.Status, secs,
			counts(rep.Created), counts(rep.Updated), counts(rep.Removed), counts(rep.Unchanged), len(rep.Failures))
	}
	return tw.Flush()
}

// counts prints a per-kind count map as "12 (3 course, 9 user)".
func counts[K ~string](m map[K]int) string {
	total := 0
	kinds := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			total += n
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
	}
	if total == 0 {
		return "0"
	}
	slices.Sort(kinds)
	return fmt.Sprintf("%d (%s)", total, strings.Join(kinds, ", "))
}
