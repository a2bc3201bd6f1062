package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

func TestOpenPersistsAcrossReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "provider-1") // created by Open
	db, err := store.Open(dir)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, store.FileName), db.Path())
	require.NoError(t, db.Put(t.Context(), "ledger", "r1", []byte("written")))
	require.NoError(t, db.Close())

	fi, err := os.Stat(filepath.Join(dir, store.FileName))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the store may hold learners' identifiers")

	db, err = store.Open(dir)
	require.NoError(t, err)
	defer db.Close()
	got, err := db.Get(t.Context(), "ledger", "r1")
	require.NoError(t, err)
	assert.Equal(t, "written", string(got))
}

func TestOpenTimesOutWhenLocked(t *testing.T) {
	dir := t.TempDir()
	first, err := store.Open(dir)
	require.NoError(t, err)
	defer first.Close()

	for _, timeout := range []time.Duration{50 * time.Millisecond, 0} {
		begin := time.Now()
		_, err = store.Open(dir, store.WithLockTimeout(timeout))
		require.ErrorIs(t, err, store.ErrLocked, "timeout %s", timeout)
		assert.Contains(t, err.Error(), store.FileName, "the error names the file")
		assert.Less(t, time.Since(begin), 5*time.Second, "a second opener must not hang")
	}

	require.NoError(t, first.Close())
	second, err := store.Open(dir, store.WithLockTimeout(time.Second))
	require.NoError(t, err, "the lock goes with Close")
	require.NoError(t, second.Close())
}

func TestOpenBadDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := store.Open(filepath.Join(file, "sub"))
	require.Error(t, err)
	_, err = store.Open("")
	require.ErrorIs(t, err, store.ErrInvalid)
}

func TestOpenRejectsCorruptFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, store.FileName), []byte(strings.Repeat("not a database ", 1000)), 0o600))
	_, err := store.Open(dir, store.WithLockTimeout(time.Second))
	require.Error(t, err, "a file that is not a bbolt database must be refused, not overwritten")
	assert.Contains(t, err.Error(), store.FileName)
}

const (
	crashEnv    = "VTSYNC_STORE_CRASH_DIR"
	crashKeys   = 64
	crashBucket = "crash"
)

// TestCrashChild is the child of TestCrashKeepsLastCommit: it writes
// batches for ever, each batch setting every key to the batch's number
// (counting on from what the store holds), and prints the number once
// PutMany has returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("run by TestCrashKeepsLastCommit")
	}
	db, err := store.Open(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	// Carry on from the batch a killed predecessor left.
	start := 0
	if v, err := db.Get(context.Background(), crashBucket, "k000"); err == nil {
		g, _, _ := strings.Cut(string(v), ":")
		start, _ = strconv.Atoi(g)
	}
	value := strings.Repeat("x", 2048) // big enough that a batch spans pages
	for gen := start + 1; ; gen++ {
		kv := make(map[string][]byte, crashKeys)
		for i := range crashKeys {
			kv[fmt.Sprintf("k%03d", i)] = []byte(strconv.Itoa(gen) + ":" + value)
		}
		if err := db.PutMany(context.Background(), crashBucket, kv); err != nil {
			fmt.Println("putmany:", err)
			os.Exit(2)
		}
		fmt.Printf("committed %d\n", gen)
	}
}

// A process killed mid-write (SIGKILL: no deferred code, no Close) leaves
// every batch it was told had committed, and never half a batch. This
// checks atomicity and durability against a process crash; a power cut is
// bbolt's fsync's job and cannot be simulated here.
func TestCrashKeepsLastCommit(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("child")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	dir := t.TempDir()
	last := 0
	for round := range rounds {
		cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())

		// Kill it a few commits in, at a random moment of the next batch:
		// sleep a random part of the time a batch takes.
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

		db, err := store.Open(dir, store.WithLockTimeout(5*time.Second))
		require.NoError(t, err, "the store opens after a crash (round %d)", round)
		gens := map[string]int{}
		n := 0
		for kv, err := range db.List(t.Context(), crashBucket, "") {
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
			// The child may have committed more batches after the last
			// line we read; it cannot have lost one it reported.
			assert.GreaterOrEqual(t, gen, acked, "a reported commit was lost")
			last = gen
		}
	}
}
