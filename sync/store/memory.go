package store

import (
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
)

// Memory is a Store held in memory. Its contents go when the process does.
type Memory struct {
	mu      sync.RWMutex
	buckets map[string]map[string][]byte
	closed  bool
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{buckets: map[string]map[string][]byte{}}
}

func (m *Memory) start(ctx context.Context, op, bucket, key string) error {
	if err := ctx.Err(); err != nil {
		return opError(op, bucket, truncateKey(key), err)
	}
	if m.closed {
		return opError(op, bucket, truncateKey(key), ErrClosed)
	}
	return nil
}

// Get implements Store.
func (m *Memory) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := m.start(ctx, "get", bucket, key); err != nil {
		return nil, err
	}
	if err := checkBucket(bucket); err != nil {
		return nil, opError("get", bucket, truncateKey(key), err)
	}
	if err := checkKey(key); err != nil {
		return nil, opError("get", bucket, truncateKey(key), err)
	}
	v, ok := m.buckets[bucket][key]
	if !ok {
		return nil, opError("get", bucket, key, ErrNotFound)
	}
	return slices.Clone(v), nil
}

// Put implements Store.
func (m *Memory) Put(ctx context.Context, bucket, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.start(ctx, "put", bucket, key); err != nil {
		return err
	}
	if err := checkPut(bucket, key, value); err != nil {
		return opError("put", bucket, truncateKey(key), err)
	}
	m.bucket(bucket)[key] = cloneValue(value)
	return nil
}

// cloneValue copies v, keeping an empty value distinct from an absent one.
func cloneValue(v []byte) []byte {
	out := make([]byte, len(v))
	copy(out, v)
	return out
}

func (m *Memory) bucket(name string) map[string][]byte {
	b := m.buckets[name]
	if b == nil {
		b = map[string][]byte{}
		m.buckets[name] = b
	}
	return b
}

// PutMany implements Store.
func (m *Memory) PutMany(ctx context.Context, bucket string, kv map[string][]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.start(ctx, "putmany", bucket, ""); err != nil {
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
	b := m.bucket(bucket)
	for k, v := range kv {
		b[k] = cloneValue(v)
	}
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(ctx context.Context, bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.start(ctx, "delete", bucket, key); err != nil {
		return err
	}
	if err := checkBucket(bucket); err != nil {
		return opError("delete", bucket, truncateKey(key), err)
	}
	if err := checkKey(key); err != nil {
		return opError("delete", bucket, truncateKey(key), err)
	}
	delete(m.buckets[bucket], key)
	return nil
}

// List implements Store. It copies the matching pairs under the lock and
// yields them after releasing it, so the loop body may write.
func (m *Memory) List(ctx context.Context, bucket, prefix string) iter.Seq2[KV, error] {
	return func(yield func(KV, error) bool) {
		page, err := m.snapshot(ctx, bucket, prefix)
		if err != nil {
			yield(KV{}, err)
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
	}
}

func (m *Memory) snapshot(ctx context.Context, bucket, prefix string) ([]KV, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if err := m.start(ctx, "list", bucket, ""); err != nil {
		return nil, err
	}
	if err := checkBucket(bucket); err != nil {
		return nil, opError("list", bucket, "", err)
	}
	var out []KV
	for k, v := range m.buckets[bucket] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, KV{Key: k, Value: cloneValue(v)})
		}
	}
	slices.SortFunc(out, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Close implements Store. It drops the contents.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.buckets = nil
	return nil
}
