package pgstore

import (
	"context"
	"errors"
	"iter"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/vtsync/vtsync/sync/store"
)

// listPage is how many pairs List reads per query. No query stays open
// while the caller's loop body runs, so the body may write (on a pool of
// one connection too).
const listPage = 256

// Store is one provider's store.Store in a DB.
type Store struct {
	db       *DB
	provider string
	closed   atomic.Bool
}

var _ store.Store = (*Store)(nil)

// Provider returns the provider whose rows this store holds.
func (s *Store) Provider() string { return s.provider }

// start checks what every operation checks first: the context, then
// whether the store (or its DB) was closed.
func (s *Store) start(ctx context.Context, op, bucket, key string) error {
	if err := ctx.Err(); err != nil {
		return &store.Error{Op: op, Bucket: bucket, Key: shortKey(key), Err: err}
	}
	if s.closed.Load() || s.db.closed.Load() {
		return &store.Error{Op: op, Bucket: bucket, Key: shortKey(key), Err: store.ErrClosed}
	}
	return nil
}

func opError(ctx context.Context, op, bucket, key string, err error) error {
	if err == nil {
		return nil
	}
	return &store.Error{Op: op, Bucket: bucket, Key: shortKey(key), Err: ctxErr(ctx, err)}
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := s.start(ctx, "get", bucket, key); err != nil {
		return nil, err
	}
	if err := checkBucketKey(bucket, key); err != nil {
		return nil, opError(ctx, "get", bucket, key, err)
	}
	var v []byte
	err := s.db.pool.QueryRow(ctx, `SELECT value FROM vtsync_kv WHERE provider = $1 AND bucket = $2 AND key = $3`,
		s.provider, bucket, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, opError(ctx, "get", bucket, key, err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

// deleteKey removes one key of one provider.
const deleteKey = `DELETE FROM vtsync_kv WHERE provider = $1 AND bucket = $2 AND key = $3`

const upsert = `INSERT INTO vtsync_kv (provider, bucket, key, value) VALUES ($1, $2, $3, $4)
	ON CONFLICT (provider, bucket, key) DO UPDATE SET value = EXCLUDED.value`

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, bucket, key string, value []byte) error {
	if err := s.start(ctx, "put", bucket, key); err != nil {
		return err
	}
	if err := checkPut(bucket, key, value); err != nil {
		return opError(ctx, "put", bucket, key, err)
	}
	_, err := s.db.pool.Exec(ctx, upsert, s.provider, bucket, key, nonNil(value))
	return opError(ctx, "put", bucket, key, err)
}

// nonNil keeps a nil value an empty one: the column is NOT NULL.
func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

// PutMany implements store.Store: one transaction, one statement, so the
// database commits all of the batch or none of it, whatever happens to the
// process that sent it.
func (s *Store) PutMany(ctx context.Context, bucket string, kv map[string][]byte) error {
	if err := s.start(ctx, "putmany", bucket, ""); err != nil {
		return err
	}
	for k, v := range kv {
		if err := checkPut(bucket, k, v); err != nil {
			return opError(ctx, "putmany", bucket, k, err)
		}
	}
	if err := checkName("bucket name", bucket, store.MaxBucketLen); err != nil {
		return opError(ctx, "putmany", bucket, "", err)
	}
	if len(kv) == 0 {
		return nil
	}
	keys := make([]string, 0, len(kv))
	values := make([][]byte, 0, len(kv))
	for k, v := range kv {
		keys = append(keys, k)
		values = append(values, nonNil(v))
	}
	_, err := s.db.pool.Exec(ctx, `INSERT INTO vtsync_kv (provider, bucket, key, value)
		SELECT $1, $2, k, v FROM unnest($3::text[], $4::bytea[]) AS t(k, v)
		ON CONFLICT (provider, bucket, key) DO UPDATE SET value = EXCLUDED.value`,
		s.provider, bucket, keys, values)
	return opError(ctx, "putmany", bucket, "", err)
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	if err := s.start(ctx, "delete", bucket, key); err != nil {
		return err
	}
	if err := checkBucketKey(bucket, key); err != nil {
		return opError(ctx, "delete", bucket, key, err)
	}
	_, err := s.db.pool.Exec(ctx, deleteKey, s.provider, bucket, key)
	return opError(ctx, "delete", bucket, key, err)
}

// List implements store.Store, a page of listPage pairs per query, each
// page starting after the last key yielded.
func (s *Store) List(ctx context.Context, bucket, prefix string) iter.Seq2[store.KV, error] {
	return func(yield func(store.KV, error) bool) {
		if err := s.start(ctx, "list", bucket, ""); err != nil {
			yield(store.KV{}, err)
			return
		}
		if err := checkName("bucket name", bucket, store.MaxBucketLen); err != nil {
			yield(store.KV{}, opError(ctx, "list", bucket, "", err))
			return
		}
		after := ""
		for {
			page, err := s.page(ctx, bucket, prefix, after)
			if err != nil {
				yield(store.KV{}, opError(ctx, "list", bucket, "", err))
				return
			}
			for _, kv := range page {
				if err := ctx.Err(); err != nil {
					yield(store.KV{}, opError(ctx, "list", bucket, "", err))
					return
				}
				if !yield(kv, nil) {
					return
				}
			}
			if len(page) < listPage {
				return
			}
			after = page[len(page)-1].Key
		}
	}
}

func (s *Store) page(ctx context.Context, bucket, prefix, after string) ([]store.KV, error) {
	if s.closed.Load() || s.db.closed.Load() {
		return nil, store.ErrClosed
	}
	// key >= prefix starts the index scan at the prefix; starts_with ends
	// the matches; key > after moves past the previous page.
	rows, err := s.db.pool.Query(ctx, `SELECT key, value FROM vtsync_kv
		WHERE provider = $1 AND bucket = $2 AND key >= $3 AND starts_with(key, $3) AND key > $4
		ORDER BY key LIMIT $5`, s.provider, bucket, prefix, after, listPage)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.KV, error) {
		var kv store.KV
		err := r.Scan(&kv.Key, &kv.Value)
		kv.Value = nonNil(kv.Value)
		return kv, err
	})
}

// Close implements store.Store. It ends this view; the DB stays open.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}
