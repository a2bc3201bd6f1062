// Package pgtest gives the fleet module's tests a real PostgreSQL: one
// throwaway cluster per test binary (pgtemp), started on first use and
// stopped by Main, and a fresh database per call to DSN.
//
// Without PostgreSQL a test skips, saying how to get it, except in CI
// (CI=true), where it fails (pgtemptest.Require).
package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/vtsync/vtsync/sync/fleet/pgtemp"
	"github.com/vtsync/vtsync/sync/fleet/pgtemp/pgtemptest"
)

// state is the test binary's one cluster. A package-level value is the
// only way to share it between tests and TestMain; it is test-only.
var state struct {
	once    sync.Once
	cluster *pgtemp.Cluster
	err     error
	mu      sync.Mutex
	n       int
}

// Main runs the tests and stops the cluster if one was started. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if state.cluster != nil {
		if err := state.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// Require skips (or in CI fails) t when PostgreSQL is missing.
func Require(t testing.TB) {
	t.Helper()
	pgtemptest.Require(t)
}

// DSN returns the connection string of a new, empty database on the test
// binary's cluster.
func DSN(t testing.TB) string {
	t.Helper()
	Require(t)
	state.once.Do(func() { state.cluster, state.err = pgtemp.Start(context.Background()) })
	if state.err != nil {
		t.Fatalf("start PostgreSQL: %v", state.err)
	}
	state.mu.Lock()
	state.n++
	name := fmt.Sprintf("t%d_%s", state.n, strings.ToLower(sanitize(t.Name())))
	state.mu.Unlock()
	dsn, err := state.cluster.CreateDatabase(context.Background(), name[:min(len(name), 60)])
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	return dsn
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}
