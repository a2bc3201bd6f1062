// Package pgtemptest is the tests' rule for a missing PostgreSQL: skip,
// saying how to get it, except in CI (CI=true), where the test fails, so
// CI cannot pass by testing nothing.
package pgtemptest

import (
	"os"
	"testing"

	"github.com/vtsync/vtsync/sync/fleet/pgtemp"
)

// Require skips (or in CI fails) tb when PostgreSQL's server binaries are
// missing.
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := pgtemp.FindBin(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL is required in CI: %v: %s", err, pgtemp.Hint)
			return
		}
		tb.Skipf("needs PostgreSQL: %v: %s", err, pgtemp.Hint)
	}
}
