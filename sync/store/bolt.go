package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the database file Open keeps in its directory.
const FileName = "vtsync.db"

// DefaultLockTimeout is how long Open waits for another process to release
// the file before failing with ErrLocked.
const DefaultLockTimeout = 5 * time.Second

// listPage is how many pairs List reads per read transaction. List never
// holds a transaction while the caller's loop body runs: bbolt deadlocks
// when one goroutine holds a read transaction while a write in the same
// process needs to grow the file.
const listPage = 256

// DB is a Store in a bbolt file. Every write is its own transaction,
// fsync'd before it returns, so a crash (of the process or the machine)
// leaves either the state before the write or the state after it.
type DB struct {
	db     *bolt.DB
	path   string
	closed atomic.Bool
}

var _ Store = (*DB)(nil)

type openOptions struct {
	lockTimeout time.Duration
	fileMode    fs.FileMode
}

// Option configures Open. An option given a value it cannot use returns
// an error matching ErrInvalidOption, which Open returns.
type Option func(*openOptions) error

// WithLockTimeout sets how long Open waits for another process holding the
// file (default DefaultLockTimeout). Zero means do not wait; a negative
// wait is an error.
func WithLockTimeout(d time.Duration) Option {
	return func(o *openOptions) error {
		if d < 0 {
			return fmt.Errorf("%w: WithLockTimeout: negative wait %s", ErrInvalidOption, d)
		}
		o.lockTimeout = d
		return nil
	}
}

// WithFileMode sets the permissions of a new database file (default 0600:
// the store may hold learners' identifiers). The mode must be permission
// bits that let the owner read and write the file.
func WithFileMode(mode fs.FileMode) Option {
	return func(o *openOptions) error {
		if mode&^fs.ModePerm != 0 || mode&0o600 != 0o600 {
			return fmt.Errorf("%w: WithFileMode: %v is not a mode the store can be opened with (owner read and write, permission bits only)", ErrInvalidOption, mode)
		}
		o.fileMode = mode
		return nil
	}
}

// Open opens (creating when needed) the store file FileName in dir,
// creating dir too. Only one process can hold the file; another waits up
// to the lock timeout and then fails with an error matching ErrLocked.
func Open(dir string, opts ...Option) (*DB, error) {
	o := openOptions{lockTimeout: DefaultLockTimeout, fileMode: 0o600}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, opError("open", "", "", err)
		}
	}
	if dir == "" {
		return nil, opError("open", "", "", fmt.Errorf("%w: empty directory", ErrInvalid))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, opError("open", "", "", err)
	}
	path := filepath.Join(dir, FileName)
	timeout := o.lockTimeout
	if timeout == 0 {
		// bbolt treats zero as "wait for ever"; the smallest wait is the
		// nearest it has to "do not wait".
		timeout = time.Millisecond
	}
	db, err := bolt.Open(path, o.fileMode, &bolt.Options{Timeout: timeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			err = fmt.Errorf("%w (%s, waited %s)", ErrLocked, path, timeout)
		} else {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return nil, opError("open", "", "", err)
	}
	return &DB{db: db, path: path}, nil
}

// Path returns the database file's path.
func (d *DB) Path() string { return d.path }

func (d *DB) start(ctx context.Context, op, bucket, key string) error {
	if err := ctx.Err(); err != nil {
		return opError(op, bucket, truncateKey(key), err)
	}
	if d.closed.Load() {
		return opError(op, bucket, truncateKey(key), ErrClosed)
	}
	return nil
}

// mapErr turns bbolt's errors into ours.
func mapErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// Get implements Store.
func (d *DB) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := d.start(ctx, "get", bucket, key); err != nil {
		return nil, err
	}
	if err := checkBucket(bucket); err != nil {
		return nil, opError("get", bucket, truncateKey(key), err)
	}
	if err := checkKey(key); err != nil {
		return nil, opError("get", bucket, truncateKey(key), err)
	}
	var out []byte
	found := false
	err := d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(key)); v != nil {
			found = true
			out = cloneValue(v) // v is only valid inside the transaction
		}
		return nil
	})
	if err != nil {
		return nil, opError("get", bucket, key, mapErr(err))
	}
	if !found {
		return nil, opError("get", bucket, key, ErrNotFound)
	}
	return out, nil
}

// Put implements Store.
func (d *DB) Put(ctx context.Context, bucket, key string, value []byte) error {
	if err := d.start(ctx, "put", bucket, key); err != nil {
		return err
	}
	if err := checkPut(bucket, key, value); err != nil {
		return opError("put", bucket, truncateKey(key), err)
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), nonNil(value))
	})
	return opError("put", bucket, key, mapErr(err))
}

// nonNil keeps an empty value distinct from an absent one: bbolt reads a
// nil value back as absent.
func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

// PutMany implements Store.
func (d *DB) PutMany(ctx context.Context, bucket string, kv map[string][]byte) error {
	if err := d.start(ctx, "putmany", bucket, ""); err != nil {
		return err
	}
	for k, v := range kv {
		if err := checkPut(bucket, k, v); err != nil {
			return opError("putmany", bucket, truncateKey(k), err)
		}
	}
	if len(kv) == 0 {
		return nil
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		for k, v := range kv {
			if err := b.Put([]byte(k), nonNil(v)); err != nil {
				return fmt.Errorf("key %q: %w", truncateKey(k), err)
			}
		}
		return nil
	})
	return opError("putmany", bucket, "", mapErr(err))
}

// Delete implements Store.
func (d *DB) Delete(ctx context.Context, bucket, key string) error {
	if err := d.start(ctx, "delete", bucket, key); err != nil {
		return err
	}
	if err := checkBucket(bucket); err != nil {
		return opError("delete", bucket, truncateKey(key), err)
	}
	if err := checkKey(key); err != nil {
		return opError("delete", bucket, truncateKey(key), err)
	}
	err := d.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	})
	return opError("delete", bucket, key, mapErr(err))
}

// List implements Store. It reads listPage pairs per read transaction and
// yields them with no transaction open.
func (d *DB) List(ctx context.Context, bucket, prefix string) iter.Seq2[KV, error] {
	return func(yield func(KV, error) bool) {
		if err := d.start(ctx, "list", bucket, ""); err != nil {
			yield(KV{}, err)
			return
		}
		if err := checkBucket(bucket); err != nil {
			yield(KV{}, opError("list", bucket, "", err))
			return
		}
		after := []byte(nil) // last key yielded; nil before the first page
		for {
			page, err := d.page(bucket, []byte(prefix), after)
			if err != nil {
				yield(KV{}, opError("list", bucket, "", mapErr(err)))
				return
			}
			for _, kv := range page {
				if err := ctx.Err(); err != nil {
					yield(KV{}, opError("list", bucket, "", err))
					return
				}
				if !yield(kv, nil) {
					return
				}
			}
			if len(page) < listPage {
				return
			}
			after = []byte(page[len(page)-1].Key)
		}
	}
}

// page reads up to listPage pairs with the prefix and keys after after.
func (d *DB) page(bucket string, prefix, after []byte) ([]KV, error) {
	if d.closed.Load() {
		return nil, ErrClosed
	}
	var out []KV
	err := d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		var k, v []byte
		if after == nil {
			k, v = c.Seek(prefix)
		} else if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
			k, v = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < listPage; k, v = c.Next() {
			out = append(out, KV{Key: string(k), Value: cloneValue(v)})
		}
		return nil
	})
	return out, err
}

// Close implements Store.
func (d *DB) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	if err := d.db.Close(); err != nil {
		return opError("close", "", "", err)
	}
	return nil
}
