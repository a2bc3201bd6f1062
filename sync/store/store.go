// Package store is the Syncer's state store: a small key-value interface
// with two implementations, NewMemory for tests and one-off runs and Open
// for a bbolt file that survives restarts and crashes.
//
// The interface is deliberately small (get, put, atomic put-many, delete,
// sorted prefix listing, in named buckets) so that it fits a shared SQL
// database later, when many Syncers run as jobs on one workflow engine.
// Bucket names and keys are therefore UTF-8 text without NUL bytes and of
// bounded length (MaxBucketLen, MaxKeyLen), and values are bounded by
// MaxValueLen: limits every SQL database can store.
//
// What the Syncer keeps in it (the result ledger, cursors, retry state)
// is its own business, in a layout of its own; Typed keeps JSON values in
// a bucket for callers with state of their own (a console's decisions),
// Namespace gives each provider its own view, Leases keep two Syncers off
// one provider (on a store that implements Updater), and the storetest
// subpackage is the conformance suite every Store must pass.
package store

import (
	"context"
	"iter"
)

// Store is a key-value store of named buckets. Implementations are safe
// for concurrent use.
type Store interface {
	// Get returns the value under key, or an error matching ErrNotFound.
	Get(ctx context.Context, bucket, key string) ([]byte, error)
	// Put stores value under key, replacing any previous value.
	Put(ctx context.Context, bucket, key string, value []byte) error
	// PutMany stores every pair in one transaction: after a crash or an
	// error either all of them are stored or none.
	PutMany(ctx context.Context, bucket string, kv map[string][]byte) error
	// Delete removes key; removing an absent key succeeds.
	Delete(ctx context.Context, bucket, key string) error
	// List yields the pairs whose keys start with prefix, sorted by key
	// (bytewise). It is not a snapshot: writes made while iterating may or
	// may not be seen, and the loop body may itself write to the store.
	List(ctx context.Context, bucket, prefix string) iter.Seq2[KV, error]
	// Close releases the store. Calls after Close fail with ErrClosed;
	// closing twice succeeds.
	Close() error
}

// KV is one key and its value.
type KV struct {
	Key   string
	Value []byte
}

// Limits every Store enforces, so data that fits one fits all.
const (
	MaxBucketLen = 255
	MaxKeyLen    = 1024
	MaxValueLen  = 16 << 20
)
