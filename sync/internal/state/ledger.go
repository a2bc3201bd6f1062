// Package state is the Syncer's own schema in its store: the result
// ledger, the cursors of incremental reads and the per-item failures with
// their retry backoff. It sits on the public store.Store (and its Typed
// codec) and is internal, so the schema can change without breaking
// anyone; callers choose a store, not its layout.
package state

import "github.com/vtsync/vtsync/sync/store"

// Bucket names the typed helpers use, inside whatever Namespace the store
// is given.
const (
	LedgerBucket   = "ledger"
	CursorsBucket  = "cursors"
	FailuresBucket = "failures"
)

// Ledger remembers what the Syncer wrote back to VETtrak, one entry per
// result key, so that a result is written once and only when it changes.
// T is the Syncer's own entry type (package store does not know it).
type Ledger[T any] struct{ store.Typed[T] }

// NewLedger returns the ledger kept in s.
func NewLedger[T any](s store.Store) Ledger[T] {
	return Ledger[T]{store.NewTyped[T](s, LedgerBucket)}
}
