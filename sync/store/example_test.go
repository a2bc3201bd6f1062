package store_test

import (
	"context"
	"fmt"
	"os"

	"github.com/vtsync/vtsync/sync/store"
)

// A store survives restarts in a file; each provider gets its own view,
// and Typed keeps JSON values in a bucket (the Syncer's ledger, cursors
// and retry state are kept this way, in a layout of its own).
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

	type decision struct{ Keep bool }
	decisions := store.NewTyped[decision](s, "console-decisions")
	_ = decisions.Put(ctx, "enrolment/1001/BSBLDR501", decision{Keep: true})
	for e, err := range decisions.List(ctx, "enrolment/1001/") {
		if err == nil {
			fmt.Println(e.Key, "keep VETtrak's:", e.Value.Keep)
		}
	}
	// Output:
	// enrolment/1001/BSBLDR501 keep VETtrak's: true
}
