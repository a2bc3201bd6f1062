package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

// leaseStores are the stores leases must work on.
func leaseStores(t *testing.T) map[string]store.Store {
	db, err := store.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return map[string]store.Store{
		"memory":    store.NewMemory(),
		"bolt":      db,
		"namespace": store.Namespace(store.NewMemory(), "provider-1"),
	}
}

func TestLeaseLifecycle(t *testing.T) {
	ctx := context.Background()
	for name, st := range leaseStores(t) {
		t.Run(name, func(t *testing.T) {
			now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			l := store.NewLeases(st, func() time.Time { return now })
			const ttl = time.Minute

			a, err := l.Acquire(ctx, "sync", "a", ttl)
			require.NoError(t, err)
			assert.Equal(t, "a", a.Holder)
			assert.Equal(t, now.Add(ttl), a.Expires)

			_, err = l.Acquire(ctx, "sync", "b", ttl)
			require.ErrorIs(t, err, store.ErrLeased, "a live lease keeps others out")
			var le *store.LeaseError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, "a", le.Holder)
			_, err = l.Renew(ctx, "sync", "b", ttl)
			require.ErrorIs(t, err, store.ErrLeased, "only the holder renews")

			now = now.Add(40 * time.Second)
			r, err := l.Renew(ctx, "sync", "a", ttl)
			require.NoError(t, err)
			assert.Equal(t, now.Add(ttl), r.Expires, "renewal extends from now")
			assert.Equal(t, a.Acquired, r.Acquired)
			again, err := l.Acquire(ctx, "sync", "a", ttl)
			require.NoError(t, err, "acquiring a lease one holds renews it")
			assert.Equal(t, a.Acquired, again.Acquired)

			require.NoError(t, l.Release(ctx, "sync", "b"), "releasing someone else's lease is a no-op")
			_, err = l.Acquire(ctx, "sync", "b", ttl)
			require.ErrorIs(t, err, store.ErrLeased, "and left it in place")

			now = now.Add(2 * ttl) // a died without releasing
			b, err := l.Acquire(ctx, "sync", "b", ttl)
			require.NoError(t, err, "an expired lease is taken over")
			assert.Equal(t, "b", b.Holder)
			_, err = l.Renew(ctx, "sync", "a", ttl)
			require.ErrorIs(t, err, store.ErrLeased, "the old holder learns it lost the lease")

			require.NoError(t, l.Release(ctx, "sync", "b"))
			_, err = l.Renew(ctx, "sync", "b", ttl)
			require.ErrorIs(t, err, store.ErrLeased, "a released lease is not renewed")
			_, err = l.Acquire(ctx, "sync", "a", ttl)
			require.NoError(t, err, "a released lease is free")
			_, err = l.Acquire(ctx, "other", "b", ttl)
			require.NoError(t, err, "leases are per name")
		})
	}
}

// However many holders race for one lease, exactly one gets it.
func TestLeaseRace(t *testing.T) {
	ctx := context.Background()
	for name, st := range leaseStores(t) {
		t.Run(name, func(t *testing.T) {
			l := store.NewLeases(st, nil)
			var won atomic.Int32
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := l.Acquire(ctx, "sync", string(rune('a'+i)), time.Hour)
					if err == nil {
						won.Add(1)
						return
					}
					assert.ErrorIs(t, err, store.ErrLeased)
				}()
			}
			wg.Wait()
			assert.Equal(t, int32(1), won.Load())
		})
	}
}

// plainStore is a Store without atomic update.
type plainStore struct{ store.Store }

func TestLeaseNeedsUpdater(t *testing.T) {
	ctx := context.Background()
	for _, st := range []store.Store{plainStore{store.NewMemory()}, store.Namespace(plainStore{store.NewMemory()}, "p")} {
		l := store.NewLeases(st, nil)
		_, err := l.Acquire(ctx, "sync", "a", time.Minute)
		assert.ErrorIs(t, err, store.ErrNoUpdate)
		assert.ErrorIs(t, l.Release(ctx, "sync", "a"), store.ErrNoUpdate)
	}
	l := store.NewLeases(store.NewMemory(), nil)
	_, err := l.Acquire(ctx, "sync", "", time.Minute)
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = l.Acquire(ctx, "", "a", time.Minute)
	assert.ErrorIs(t, err, store.ErrInvalid)
	_, err = l.Acquire(ctx, "sync", "a", 0)
	assert.ErrorIs(t, err, store.ErrInvalid)
}

// A corrupt lease protects nothing and is taken over; Update on a closed
// store fails like every other call.
func TestLeaseCorruptAndClosed(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory()
	require.NoError(t, st.Put(ctx, store.LeasesBucket, "sync", []byte("{not json")))
	l := store.NewLeases(st, nil)
	_, err := l.Acquire(ctx, "sync", "a", time.Minute)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	_, err = l.Acquire(ctx, "sync", "a", time.Minute)
	assert.ErrorIs(t, err, store.ErrClosed)
}
