package store

import (
	"context"
	"iter"
	"sync/atomic"
)

// Namespace returns a view of s whose bucket names start with ns and a
// slash, so that several Syncers (one per provider) can share one store
// without seeing each other's ledgers, cursors or failures. Closing the
// view ends the view only; whoever opened s closes it.
func Namespace(s Store, ns string) Store {
	return &namespaced{s: s, prefix: ns + "/"}
}

type namespaced struct {
	s      Store
	prefix string
	closed atomic.Bool
}

// name keeps an empty bucket name empty, so the store still rejects it.
func (n *namespaced) name(bucket string) string {
	if bucket == "" {
		return ""
	}
	return n.prefix + bucket
}

func (n *namespaced) check(op, bucket, key string) error {
	if n.closed.Load() {
		return opError(op, n.name(bucket), truncateKey(key), ErrClosed)
	}
	return nil
}

func (n *namespaced) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := n.check("get", bucket, key); err != nil {
		return nil, err
	}
	return n.s.Get(ctx, n.name(bucket), key)
}

func (n *namespaced) Put(ctx context.Context, bucket, key string, value []byte) error {
	if err := n.check("put", bucket, key); err != nil {
		return err
	}
	return n.s.Put(ctx, n.name(bucket), key, value)
}

func (n *namespaced) PutMany(ctx context.Context, bucket string, kv map[string][]byte) error {
	if err := n.check("putmany", bucket, ""); err != nil {
		return err
	}
	return n.s.PutMany(ctx, n.name(bucket), kv)
}

func (n *namespaced) Delete(ctx context.Context, bucket, key string) error {
	if err := n.check("delete", bucket, key); err != nil {
		return err
	}
	return n.s.Delete(ctx, n.name(bucket), key)
}

func (n *namespaced) List(ctx context.Context, bucket, prefix string) iter.Seq2[KV, error] {
	return func(yield func(KV, error) bool) {
		if err := n.check("list", bucket, ""); err != nil {
			yield(KV{}, err)
			return
		}
		for kv, err := range n.s.List(ctx, n.name(bucket), prefix) {
			if !yield(kv, err) {
				return
			}
		}
	}
}

func (n *namespaced) Close() error {
	n.closed.Store(true)
	return nil
}
