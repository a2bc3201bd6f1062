// Package pgstore is a store.Store on PostgreSQL (pgx), for many providers
// in one schema: every row carries its provider, so one database serves a
// whole fleet, and every worker machine sees the same ledgers, cursors and
// failures.
//
// Open runs the package's migrations (idempotent, serialised between
// processes by an advisory lock), and DB.Store returns one provider's
// store.Store. PutMany is one transaction, so a process killed in the
// middle of it leaves all of the batch or none.
//
// Beyond store.Store, a DB offers leases (a named, time-bounded claim with
// a holder, renewed while held) and a run log built on them: BeginRun takes
// a provider's lease and records the run in one transaction, so two
// holders can never both be running one provider, and the log shows it.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vtsync/vtsync/sync/store"
)

// DB is the fleet's state in one PostgreSQL database. It is safe for
// concurrent use.
type DB struct {
	pool   *pgxpool.Pool
	owned  bool // Close closes the pool
	closed atomic.Bool
}

// querier is what both a pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// New uses pool (which the caller closes) and runs the migrations.
func New(ctx context.Context, pool *pgxpool.Pool) (*DB, error) {
	if pool == nil {
		return nil, errors.New("pgstore: nil pool")
	}
	if err := Migrate(ctx, pool); err != nil {
		return nil, err
	}
	return &DB{pool: pool}, nil
}

// Open connects to dsn, runs the migrations, and returns a DB whose Close
// closes the connections.
func Open(ctx context.Context, dsn string) (*DB, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", redactDSN(err))
	}
	db, err := New(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	db.owned = true
	return db, nil
}

// redactDSN drops pgx's parse error text, which may quote the DSN and its
// password.
func redactDSN(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("cannot parse the connection string (not shown: it may hold a password)")
	}
	return err
}

// Pool returns the connection pool, for callers that share it (the fleet
// gives it to River).
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Close ends the DB; the stores it returned fail with store.ErrClosed.
// Closing twice succeeds.
func (d *DB) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	if d.owned {
		d.pool.Close()
	}
	return nil
}

// Store returns provider's store. Closing it ends that view only.
func (d *DB) Store(provider string) (*Store, error) {
	if err := checkName("provider", provider, store.MaxBucketLen); err != nil {
		return nil, &store.Error{Op: "open", Err: err}
	}
	return &Store{db: d, provider: provider}, nil
}

// ctxErr prefers the context's error: pgx reports a cancelled query in
// its own words, and callers match context.Canceled.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
