package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are applied in order, each once; never edit one that has
// shipped: append another.
var migrations = []string{
	// 1: key-value rows of every provider; leases; the run log. Text in
	// the C collation sorts bytewise, as store.Store's List promises.
	`CREATE TABLE vtsync_kv (
		provider text COLLATE "C" NOT NULL,
		bucket   text COLLATE "C" NOT NULL,
		key      text COLLATE "C" NOT NULL,
		value    bytea NOT NULL,
		PRIMARY KEY (provider, bucket, key)
	);
	CREATE TABLE vtsync_leases (
		name        text PRIMARY KEY,
		holder      text NOT NULL,
		acquired_at timestamptz NOT NULL,
		expires_at  timestamptz NOT NULL
	);
	CREATE TABLE vtsync_runs (
		id          bigserial PRIMARY KEY,
		provider    text NOT NULL,
		holder      text NOT NULL,
		job_id      bigint NOT NULL DEFAULT 0,
		attempt     integer NOT NULL DEFAULT 0,
		started_at  timestamptz NOT NULL,
		held_until  timestamptz NOT NULL,
		finished_at timestamptz,
		status      text NOT NULL,
		error       text NOT NULL DEFAULT '',
		report      jsonb
	);
	CREATE INDEX vtsync_runs_provider ON vtsync_runs (provider, started_at);`,
}

// SchemaVersion is the number of migrations this package knows.
func SchemaVersion() int { return len(migrations) }

// Migrate brings the schema up to date. Workers starting together are
// serialised by a transaction-scoped advisory lock; a database newer than
// this package is left alone and reported.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('vtsync_migrations'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS vtsync_migrations (
			version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM vtsync_migrations`).Scan(&have); err != nil {
			return err
		}
		if have > len(migrations) {
			return fmt.Errorf("database schema version %d is newer than this package's %d", have, len(migrations))
		}
		for v := have + 1; v <= len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO vtsync_migrations (version) VALUES ($1)`, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", ctxErr(ctx, err))
	}
	return nil
}
