package fleet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/sync/fleet/fleettest"
	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
	"github.com/vtsync/vtsync/sync/store"
)

// Environment of a worker child process.
const (
	envWorkerDSN       = "VTSYNC_FLEET_WORKER_DSN"
	envWorkerID        = "VTSYNC_FLEET_WORKER_ID"
	envWorkerEndpoints = "VTSYNC_FLEET_WORKER_ENDPOINTS"
)

// Timings of the multi-process test's workers: short leases and rescue,
// so a killed worker's providers come back within the test's budget.
func childOptions(id string) []fleet.Option {
	return []fleet.Option{fleet.WithWorkerID(id), fleet.WithWorkers(3), fleet.WithLeaseTTL(2 * time.Second),
		fleet.WithJobTimeout(15 * time.Second), fleet.WithRescueAfter(15 * time.Second),
		fleet.WithRetry(5, 200*time.Millisecond, time.Second), fleet.WithPollInterval(100 * time.Millisecond),
		fleet.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))}
}

// TestWorkerChild is a worker process of TestKilledWorkerFleetConverges:
// a fleet over the parent's fakes and database, working until its stdin
// closes (or it is killed).
func TestWorkerChild(t *testing.T) {
	dsn := os.Getenv(envWorkerDSN)
	if dsn == "" {
		t.Skip("run by TestKilledWorkerFleetConverges")
	}
	var eps []fleettest.Endpoint
	require.NoError(t, json.Unmarshal([]byte(os.Getenv(envWorkerEndpoints)), &eps))
	reg, err := fleettest.Registry(eps, "")
	require.NoError(t, err)
	ctx := context.Background()
	db, err := pgstore.Open(ctx, dsn)
	require.NoError(t, err)
	f, err := fleet.New(ctx, db, reg, childOptions(os.Getenv(envWorkerID))...)
	require.NoError(t, err)
	require.NoError(t, f.Start(ctx))
	fmt.Println("started")
	_, _ = io.Copy(io.Discard, os.Stdin)
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, f.Stop(stop))
	require.NoError(t, db.Close())
}

type child struct {
	id     string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	output *bytes.Buffer
}

func startChild(t *testing.T, exe, id, dsn string, eps []byte) *child {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^TestWorkerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envWorkerDSN+"="+dsn, envWorkerID+"="+id, envWorkerEndpoints+"="+string(eps))
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return &child{id: id, cmd: cmd, stdin: stdin, output: out}
}

// completedAt is when the learners of CompleteCourses finished.
var completedAt = time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)

// workers are the test's worker processes.
type workers struct {
	t        *testing.T
	exe, dsn string
	eps      []byte
	all      []*child
	dead     map[string]bool
}

func (w *workers) start(id string) { w.all = append(w.all, startChild(w.t, w.exe, id, w.dsn, w.eps)) }

func (w *workers) alive() []*child {
	return slices.DeleteFunc(slices.Clone(w.all), func(c *child) bool { return w.dead[c.id] })
}

func (w *workers) logs() {
	for _, c := range w.all {
		w.t.Logf("worker %s output:\n%s", c.id, c.output.String())
	}
}

// Three worker processes share 50 providers over two rounds of runs; in
// each round one worker is killed with SIGKILL while it syncs, and the
// others finish everything, its providers included. (A fourth worker
// replaces the first one killed, as a supervisor would.) The first round
// builds every LMS; between rounds learners complete courses, so the
// second writes results back to VETtrak. At the end every provider's
// fakes hold what two uninterrupted runs leave, with no duplicate user,
// enrolment, membership or result write, and the run log shows no
// provider held by two runs at once.
func TestKilledWorkerFleetConverges(t *testing.T) {
	if os.Getenv(envWorkerDSN) != "" {
		t.Skip("child")
	}
	const providers = 50
	dsn := pgtest.DSN(t)

	// The reference: the same two rounds, uninterrupted, in this process,
	// on fakes of their own holding the same data.
	ref, err := fleettest.Start(fleettest.Options{Providers: providers})
	require.NoError(t, err)
	want := referenceStates(t, ref)
	ref.Close()

	fakes, err := fleettest.Start(fleettest.Options{Providers: providers, Latency: 2 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(fakes.Close)
	eps, err := json.Marshal(fakes.Endpoints())
	require.NoError(t, err)
	reg, err := fleettest.Registry(fakes.Endpoints(), "")
	require.NoError(t, err)
	db := openDB(t, dsn)
	enq, err := fleet.New(t.Context(), db, reg, fleet.WithWorkers(0))
	require.NoError(t, err)

	exe, err := os.Executable()
	require.NoError(t, err)
	w := &workers{t: t, exe: exe, dsn: dsn, eps: eps, dead: map[string]bool{}}
	for i := range 3 {
		w.start(fmt.Sprintf("w%d", i+1))
	}
	t.Cleanup(func() {
		for _, c := range w.alive() {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})

	var orphans []pgstore.Run
	victims := map[string]string{} // orphan run's provider → the worker killed in it
	for round := 1; round <= 2; round++ {
		if round == 2 {
			for _, p := range fakes.Providers {
				p.CompleteCourses(completedAt)
			}
		}
		var since time.Time
		require.NoError(t, db.Pool().QueryRow(t.Context(), `SELECT clock_timestamp()`).Scan(&since))
		queued, err := enq.EnqueueAll(t.Context())
		require.NoError(t, err)
		require.Len(t, queued, providers)

		// Kill a worker that is not River's leader (a dead leader only
		// delays the rescue by an election) while it has a run going, once
		// the round is well under way.
		victim := pickVictim(t, db, w.alive(), since)
		require.NoError(t, victim.cmd.Process.Signal(syscall.SIGKILL))
		_ = victim.cmd.Wait()
		w.dead[victim.id] = true
		cut, err := db.Runs(t.Context(), pgstore.RunFilter{Status: pgstore.RunRunning})
		require.NoError(t, err)
		cut = slices.DeleteFunc(cut, func(r pgstore.Run) bool { return !strings.HasPrefix(r.Holder, victim.id+"/") })
		require.NotEmpty(t, cut, "round %d: the victim died mid-run", round)
		t.Logf("round %d: killed %s with %d runs going: %s", round, victim.id, len(cut), describe(cut))
		for _, r := range cut {
			victims[r.Provider+fmt.Sprint(r.ID)] = victim.id
		}
		orphans = append(orphans, cut...)
		if round == 1 {
			w.start("w4")
		}

		// Everyone finishes, the victim's providers included: River
		// rescues their jobs after the rescue delay; their leases have run
		// out by then.
		ids := make([]int64, 0, len(queued))
		for _, e := range queued {
			ids = append(ids, e.JobID)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 150*time.Second)
		states, err := enq.Wait(ctx, ids...)
		cancel()
		if err != nil {
			w.logs()
			runs, _ := db.Runs(t.Context(), pgstore.RunFilter{Limit: 10000})
			t.Fatalf("round %d: not every provider finished: %v: %s", round, err, describe(runs))
		}
		for p, e := range queued {
			require.Equal(t, rivertype.JobStateCompleted, states[e.JobID], "round %d: %s", round, p)
		}
	}
	for _, c := range w.alive() {
		require.NoError(t, c.stdin.Close())
		require.NoError(t, c.cmd.Wait(), "worker %s:\n%s", c.id, c.output.String())
		w.dead[c.id] = true
	}

	runs, err := db.Runs(t.Context(), pgstore.RunFilter{Limit: 10000})
	require.NoError(t, err)
	require.NoError(t, pgstore.Overlaps(runs), "no provider ran twice at once")
	for _, o := range orphans {
		killed := victims[o.Provider+fmt.Sprint(o.ID)]
		var after []string
		for _, r := range runs {
			if r.Provider == o.Provider && r.Status == pgstore.RunSucceeded && r.StartedAt.After(o.StartedAt) {
				after = append(after, r.Holder)
			}
		}
		assert.NotEmpty(t, after, "%s, cut off in %s, was finished by another worker", o.Provider, killed)
		for _, h := range after {
			assert.False(t, strings.HasPrefix(h, killed+"/"), h)
		}
	}
	results := 0
	for _, r := range runs {
		var rep vtsync.Report
		if r.Status == pgstore.RunSucceeded && json.Unmarshal(r.Report, &rep) == nil {
			results += rep.ResultsWritten
		}
	}
	assert.Positive(t, results, "the second round wrote results back")
	for i, p := range fakes.Providers {
		got := p.Snapshot()
		assert.Empty(t, got.Duplicates, "%s: duplicates", p.ID)
		assert.Equal(t, want[i].Lines, got.Lines, "%s: state differs from uninterrupted runs'", p.ID)
	}
	statuses := map[pgstore.RunStatus]int{}
	for _, r := range runs {
		statuses[r.Status]++
	}
	// Results a killed run wrote are in no report: the count is the
	// reference's less those.
	t.Logf("%d runs in the log for %d providers over two rounds %v; %d results written by runs that finished",
		len(runs), providers, statuses, results)
}

// referenceStates runs each provider's two rounds with a Syncer of its
// own (learners completing courses in between), eight providers at a
// time, and snapshots the result.
func referenceStates(t *testing.T, ref *fleettest.Fakes) []fleettest.State {
	t.Helper()
	out := make([]fleettest.State, len(ref.Providers))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, p := range ref.Providers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			st := store.NewMemory()
			for round := 1; round <= 2; round++ {
				if round == 2 {
					p.CompleteCourses(completedAt)
				}
				s, err := fleet.BuildSyncer(t.Context(), p.Provider(""), p.Credentials(), vtsync.WithStore(st))
				if !assert.NoError(t, err) {
					return
				}
				rep, err := s.Run(t.Context())
				if assert.NoError(t, err, p.ID) {
					assert.Empty(t, rep.Failures, p.ID)
				}
			}
			out[i] = p.Snapshot()
			assert.Empty(t, out[i].Duplicates, p.ID)
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	return out
}

// pickVictim waits for a worker, not River's leader, with a run begun in
// the last 150ms (a run takes about half a second, so a kill surely lands
// inside it), once five runs since since have succeeded.
func pickVictim(t *testing.T, db *pgstore.DB, candidates []*child, since time.Time) *child {
	t.Helper()
	var victim *child
	require.Eventually(t, func() bool {
		var leader string
		var now time.Time
		_ = db.Pool().QueryRow(t.Context(), `SELECT leader_id FROM river_leader`).Scan(&leader)
		require.NoError(t, db.Pool().QueryRow(t.Context(), `SELECT clock_timestamp()`).Scan(&now))
		runs, err := db.Runs(t.Context(), pgstore.RunFilter{Limit: 10000})
		require.NoError(t, err)
		done := 0
		going := map[string]int{}
		for _, r := range runs {
			switch {
			case r.StartedAt.Before(since):
			case r.Status == pgstore.RunSucceeded:
				done++
			case r.Status == pgstore.RunRunning && now.Sub(r.StartedAt) <= 150*time.Millisecond:
				worker, _, _ := strings.Cut(r.Holder, "/")
				going[worker]++
			}
		}
		if done < 5 || leader == "" {
			return false
		}
		for _, c := range candidates {
			if c.id != leader && going[c.id] > 0 {
				victim = c
				return true
			}
		}
		return false
	}, 90*time.Second, 10*time.Millisecond, "no worker was found mid-run")
	return victim
}
