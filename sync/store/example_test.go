package store_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vtsync/vtsync/sync/store"
)

// What a Syncer keeps between runs, in a file that survives restarts.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "vtsync-example")
	defer os.RemoveAll(dir)

	db, err := store.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	s := store.Namespace(db, "provider-1")

	// Where the last incremental read got to.
	cursors := store.NewCursors(s)
	_ = cursors.Save(ctx, "enrolments", store.Cursor{Time: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)})
	cur, _ := cursors.Load(ctx, "enrolments")
	fmt.Println("read enrolments modified since", cur.Time.Format(time.RFC3339))

	// A unit that keeps failing is retried later and later.
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	failures, err := store.NewFailures(s, store.WithNow(func() time.Time { return now }))
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		f, _ := failures.Record(ctx, "unit/IST101", "canvas: 503 Service Unavailable")
		fmt.Printf("attempt %d failed; retry after %s\n", f.Attempts, f.NextRetry.Format("15:04"))
	}

	// The result ledger: what was written to VETtrak, keyed by result.
	type written struct{ Outcome string }
	ledger := store.NewLedger[written](s)
	_ = ledger.Put(ctx, "enrolment/1001/BSBLDR501", written{Outcome: "20"})
	for e, err := range ledger.List(ctx, "enrolment/1001/") {
		if err == nil {
			fmt.Println(e.Key, "outcome", e.Value.Outcome)
		}
	}
	// Output:
	// read enrolments modified since 2026-03-01T06:00:00Z
	// attempt 1 failed; retry after 06:05
	// attempt 2 failed; retry after 06:10
	// attempt 3 failed; retry after 06:20
	// enrolment/1001/BSBLDR501 outcome 20
}
