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
	"sync"
	"syscall"
	"testing"
	"time"

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

// Three worker processes share 50 providers; one is killed with SIGKILL
// while it syncs; the others finish everything, its providers included.
// Then every provider's fakes hold what an uninterrupted run leaves, with
// no duplicate user, enrolment, membership or result write, and the run
// log shows no provider held by two runs at once.
func TestKilledWorkerFleetConverges(t *testing.T) {
	if os.Getenv(envWorkerDSN) != "" {
		t.Skip("child")
	}
	const providers = 50
	dsn := pgtest.DSN(t)
	opts := fleettest.Options{Providers: providers, Latency: 2 * time.Millisecond}

	// The reference: each provider synced once, uninterrupted, in this
	// process, on fakes of its own holding the same data.
	ref, err := fleettest.Start(fleettest.Options{Providers: providers})
	require.NoError(t, err)
	want := referenceStates(t, ref)
	ref.Close()

	fakes, err := fleettest.Start(opts)
	require.NoError(t, err)
	t.Cleanup(fakes.Close)
	eps, err := json.Marshal(fakes.Endpoints())
	require.NoError(t, err)
	reg, err := fleettest.Registry(fakes.Endpoints(), "")
	require.NoError(t, err)
	db := openDB(t, dsn)
	enq, err := fleet.New(t.Context(), db, reg, fleet.WithWorkers(0))
	require.NoError(t, err)
	queued, err := enq.EnqueueAll(t.Context())
	require.NoError(t, err)
	require.Len(t, queued, providers)

	exe, err := os.Executable()
	require.NoError(t, err)
	var children []*child
	for i := range 3 {
		children = append(children, startChild(t, exe, fmt.Sprintf("w%d", i+1), dsn, eps))
	}
	stopped := map[string]bool{}
	t.Cleanup(func() {
		for _, c := range children {
			if !stopped[c.id] {
				_ = c.cmd.Process.Kill()
				_ = c.cmd.Wait()
			}
		}
	})

	// Kill a worker that is not River's leader (a dead leader only delays
	// the rescue by an election) while it has a run going, once the fleet
	// is well under way.
	victim := pickVictim(t, db, children)
	require.NoError(t, victim.cmd.Process.Signal(syscall.SIGKILL))
	_ = victim.cmd.Wait()
	stopped[victim.id] = true
	orphans, err := db.Runs(t.Context(), pgstore.RunFilter{Status: pgstore.RunRunning})
	require.NoError(t, err)
	orphans = slices.DeleteFunc(orphans, func(r pgstore.Run) bool { return !bytes.HasPrefix([]byte(r.Holder), []byte(victim.id+"/")) })
	require.NotEmpty(t, orphans, "the victim died mid-run")
	t.Logf("killed %s with %d runs going: %s", victim.id, len(orphans), describe(orphans))

	// Everyone finishes, the victim's providers included (River rescues
	// their jobs after the rescue delay; their leases have run out).
	if !assert.Eventually(t, func() bool { return allSucceeded(t, db, providers) }, 150*time.Second, 250*time.Millisecond) {
		for _, c := range children {
			t.Logf("worker %s output:\n%s", c.id, c.output.String())
		}
		runs, _ := db.Runs(t.Context(), pgstore.RunFilter{})
		t.Fatalf("not every provider finished: %s", describe(runs))
	}
	for _, c := range children {
		if !stopped[c.id] {
			require.NoError(t, c.stdin.Close())
			require.NoError(t, c.cmd.Wait(), "worker %s:\n%s", c.id, c.output.String())
			stopped[c.id] = true
		}
	}

	runs, err := db.Runs(t.Context(), pgstore.RunFilter{Limit: 10000})
	require.NoError(t, err)
	require.NoError(t, pgstore.Overlaps(runs), "no provider ran twice at once")
	for _, o := range orphans {
		var after []string
		for _, r := range runs {
			if r.Provider == o.Provider && r.Status == pgstore.RunSucceeded && r.StartedAt.After(o.StartedAt) {
				after = append(after, r.Holder)
			}
		}
		assert.NotEmpty(t, after, "%s, cut off in %s, was finished by another worker", o.Provider, victim.id)
		for _, h := range after {
			assert.NotContains(t, h, victim.id+"/")
		}
	}
	for i, p := range fakes.Providers {
		got := p.Snapshot()
		assert.Empty(t, got.Duplicates, "%s: duplicates", p.ID)
		assert.Equal(t, want[i].Lines, got.Lines, "%s: state differs from an uninterrupted run's", p.ID)
	}
	var total time.Duration
	n := 0
	for _, r := range runs {
		if r.Status == pgstore.RunSucceeded {
			total += r.FinishedAt.Sub(r.StartedAt)
			n++
		}
	}
	t.Logf("%d runs in the log for %d providers; a successful run took %s on average", len(runs), providers, total/time.Duration(max(n, 1)))
}

// referenceStates syncs each provider once with a Syncer of its own, eight
// at a time, and snapshots the result.
func referenceStates(t *testing.T, ref *fleettest.Fakes) []fleettest.State {
	t.Helper()
	out := make([]fleettest.State, len(ref.Providers))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, p := range ref.Providers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s, err := fleet.BuildSyncer(t.Context(), p.Provider(""), p.Credentials(), vtsync.WithStore(store.NewMemory()))
			if !assert.NoError(t, err) {
				return
			}
			rep, err := s.Run(t.Context())
			if assert.NoError(t, err, p.ID) {
				assert.Empty(t, rep.Failures, p.ID)
			}
			out[i] = p.Snapshot()
			assert.Empty(t, out[i].Duplicates, p.ID)
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	return out
}

func pickVictim(t *testing.T, db *pgstore.DB, children []*child) *child {
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
			switch r.Status {
			case pgstore.RunSucceeded:
				done++
			case pgstore.RunRunning:
				// Only a run begun in the last 150ms counts: a run takes
				// about half a second, so the kill surely lands inside it.
				if now.Sub(r.StartedAt) > 150*time.Millisecond {
					continue
				}
				for _, c := range children {
					if bytes.HasPrefix([]byte(r.Holder), []byte(c.id+"/")) {
						going[c.id]++
					}
				}
			}
		}
		if done < 5 || leader == "" {
			return false
		}
		for _, c := range children {
			if c.id != leader && going[c.id] > 0 {
				victim = c
				return true
			}
		}
		return false
	}, 90*time.Second, 10*time.Millisecond, "no worker was found mid-run")
	return victim
}

func allSucceeded(t *testing.T, db *pgstore.DB, providers int) bool {
	runs, err := db.Runs(t.Context(), pgstore.RunFilter{Status: pgstore.RunSucceeded, Limit: 10000})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Provider] = true
	}
	return len(seen) == providers
}
