package store

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
)

// Typed stores values of one type as JSON in one bucket.
type Typed[T any] struct {
	store  Store
	bucket string
}

// NewTyped returns the bucket's values as Ts.
func NewTyped[T any](s Store, bucket string) Typed[T] {
	return Typed[T]{store: s, bucket: bucket}
}

// Bucket returns the bucket's name.
func (t Typed[T]) Bucket() string { return t.bucket }

// Entry is one key and its decoded value.
type Entry[T any] struct {
	Key   string
	Value T
}

func (t Typed[T]) decode(key string, raw []byte) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		var zero T
		return zero, &Error{Op: "decode", Bucket: t.bucket, Key: truncateKey(key), Err: fmt.Errorf("%w: %v", ErrCorrupt, err)}
	}
	return v, nil
}

func (t Typed[T]) encode(key string, v T) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Op: "encode", Bucket: t.bucket, Key: truncateKey(key), Err: err}
	}
	return raw, nil
}

// Get returns the value under key: an error matching ErrNotFound when
// there is none, ErrCorrupt when it does not decode as a T.
func (t Typed[T]) Get(ctx context.Context, key string) (T, error) {
	raw, err := t.store.Get(ctx, t.bucket, key)
	if err != nil {
		var zero T
		return zero, err
	}
	return t.decode(key, raw)
}

// Put stores v under key.
func (t Typed[T]) Put(ctx context.Context, key string, v T) error {
	raw, err := t.encode(key, v)
	if err != nil {
		return err
	}
	return t.store.Put(ctx, t.bucket, key, raw)
}

// PutMany stores every pair in one transaction.
func (t Typed[T]) PutMany(ctx context.Context, kv map[string]T) error {
	raws := make(map[string][]byte, len(kv))
	for k, v := range kv {
		raw, err := t.encode(k, v)
		if err != nil {
			return err
		}
		raws[k] = raw
	}
	return t.store.PutMany(ctx, t.bucket, raws)
}

// Delete removes key; removing an absent key succeeds.
func (t Typed[T]) Delete(ctx context.Context, key string) error {
	return t.store.Delete(ctx, t.bucket, key)
}

// List yields the entries whose keys start with prefix, sorted by key. A
// value that does not decode is yielded as an error matching ErrCorrupt
// that names its key; the loop may go on past it.
func (t Typed[T]) List(ctx context.Context, prefix string) iter.Seq2[Entry[T], error] {
	return func(yield func(Entry[T], error) bool) {
		for kv, err := range t.store.List(ctx, t.bucket, prefix) {
			if err != nil {
				yield(Entry[T]{}, err)
				return
			}
			v, err := t.decode(kv.Key, kv.Value)
			if err != nil {
				if !yield(Entry[T]{Key: kv.Key}, err) {
					return
				}
				continue
			}
			if !yield(Entry[T]{Key: kv.Key, Value: v}, nil) {
				return
			}
		}
	}
}
