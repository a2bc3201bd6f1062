package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vtsync/vtsync/sync/store"
)

var _ store.Updater = (*Store)(nil)

// Update reads the value under key and replaces it with what fn returns,
// with no other Update of the key (from any process on the database)
// between the read and the write: fn gets the current value (found false
// when there is none); fn returning store.ErrDeleteKey removes the key;
// fn returning another error stores nothing and Update returns that error.
// It implements store.Updater, which store.Leases need.
func (s *Store) Update(ctx context.Context, bucket, key string, fn func(old []byte, found bool) ([]byte, error)) error {
	if err := s.start(ctx, "update", bucket, key); err != nil {
		return err
	}
	if err := checkBucketKey(bucket, key); err != nil {
		return opError(ctx, "update", bucket, key, err)
	}
	var fnErr error
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		// A row lock cannot lock a key that has no row yet; a
		// transaction-scoped advisory lock on the key's hash can. (Two keys
		// sharing a hash only wait for each other.)
		lock := fmt.Sprintf("%d:%s|%d:%s|%s", len(s.provider), s.provider, len(bucket), bucket, key)
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, lock); err != nil {
			return err
		}
		var old []byte
		err := tx.QueryRow(ctx, `SELECT value FROM vtsync_kv WHERE provider = $1 AND bucket = $2 AND key = $3`,
			s.provider, bucket, key).Scan(&old)
		found := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		v, err := fn(old, found)
		if errors.Is(err, store.ErrDeleteKey) {
			_, err = tx.Exec(ctx, deleteKey, s.provider, bucket, key)
			return err
		}
		if err != nil {
			fnErr = err
			return err
		}
		if err := checkPut(bucket, key, v); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, upsert, s.provider, bucket, key, nonNil(v))
		return err
	})
	if fnErr != nil {
		return fnErr
	}
	return opError(ctx, "update", bucket, key, err)
}
