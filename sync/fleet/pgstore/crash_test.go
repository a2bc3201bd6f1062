package pgstore_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet/pgstore"
)

const (
	crashEnv      = "VTSYNC_PGSTORE_CRASH_DSN"
	crashBucket   = "crash"
	crashKeys     = 400
	crashProvider = "rto-crash"
)

// TestCrashChild is the child of TestCrashKeepsLastCommit: it writes
// batches for ever, each setting every key to the batch's number (counting
// on from what the store holds), and prints the number once PutMany has
// returned.
func TestCrashChild(t *testing.T) {
	dsn := os.Getenv(crashEnv)
	if dsn == "" {
		t.Skip("run by TestCrashKeepsLastCommit")
	}
	ctx := context.Background()
	db, err := pgstore.Open(ctx, dsn)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	s, err := db.Store(crashProvider)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	start := 0
	if v, err := s.Get(ctx, crashBucket, "k000"); err == nil {
		g, _, _ := strings.Cut(string(v), ":")
		start, _ = strconv.Atoi(g)
	}
	value := strings.Repeat("x", 2048) // a batch of ~800 kB takes a while to send
	for gen := start + 1; ; gen++ {
		kv := make(map[string][]byte, crashKeys)
		for i := range crashKeys {
			kv[fmt.Sprintf("k%03d", i)] = []byte(strconv.Itoa(gen) + ":" + value)
		}
		if err := s.PutMany(ctx, crashBucket, kv); err != nil {
			fmt.Println("putmany:", err)
			os.Exit(2)
		}
		fmt.Printf("committed %d\n", gen)
	}
}

// A process killed with SIGKILL in the middle of PutMany (no deferred
// code, its connections cut mid-statement) leaves every batch it was told
// had committed and never half a batch: PostgreSQL rolls the cut
// transaction back.
func TestCrashKeepsLastCommit(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("child")
	}
	dsn := pgtestDSN(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	last := 0
	for round := range rounds {
		cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dsn)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())

		// Kill it a few commits in, at a random moment of the next batch.
		target := last + 3 + round*2
		acked := last
		var prev, batch time.Duration
		begin := time.Now()
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "committed "); ok {
				acked, err = strconv.Atoi(n)
				require.NoError(t, err)
				now := time.Since(begin)
				batch, prev = now-prev, now
				if acked >= target {
					break
				}
			} else if strings.HasPrefix(line, "open:") || strings.HasPrefix(line, "putmany:") {
				t.Fatalf("child failed: %s", line)
			}
		}
		time.Sleep(time.Duration(rand.Int64N(int64(batch) + 1)))
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		require.GreaterOrEqual(t, acked, target, "the child stopped before committing enough")

		db, err := pgstore.Open(t.Context(), dsn)
		require.NoError(t, err)
		s, err := db.Store(crashProvider)
		require.NoError(t, err)
		gens := map[string]int{}
		n := 0
		for kv, err := range s.List(t.Context(), crashBucket, "") {
			require.NoError(t, err)
			g, _, _ := strings.Cut(string(kv.Value), ":")
			gens[g]++
			n++
		}
		require.NoError(t, db.Close())
		t.Logf("round %d acked %d gens %v", round, acked, gens)
		require.Equal(t, crashKeys, n, "every key is there")
		require.Len(t, gens, 1, "all keys come from one batch, never half of one: %v", gens)
		for g := range gens {
			gen, err := strconv.Atoi(g)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, gen, acked, "a reported commit was lost")
			last = gen
		}
	}
}
