package pgstore_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/sync/store/storetest"
)

func openDB(t *testing.T) *pgstore.DB {
	t.Helper()
	db, err := pgstore.Open(t.Context(), pgtest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// The conformance suite, each subtest in a provider of its own in one
// shared database: an empty store is a new provider.
func TestConformance(t *testing.T) {
	db := openDB(t)
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := db.Store(fmt.Sprintf("provider-%d", n.Add(1)))
		require.NoError(t, err)
		return s
	})
}

// The suite also passes through store.Namespace over one provider, the
// way a host might split one provider's state further.
func TestConformanceNamespaced(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	db := openDB(t)
	base, err := db.Store("shared")
	require.NoError(t, err)
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) store.Store {
		return store.Namespace(base, fmt.Sprintf("ns%d", n.Add(1)))
	})
}

// Providers share tables, never rows: the same bucket and key in two
// providers are two values, and deleting or listing in one leaves the
// other.
func TestProvidersAreSeparate(t *testing.T) {
	db := openDB(t)
	ctx := t.Context()
	a, err := db.Store("rto-a")
	require.NoError(t, err)
	b, err := db.Store("rto-b")
	require.NoError(t, err)
	require.NoError(t, a.Put(ctx, "ledger", "k", []byte("A")))
	require.NoError(t, b.Put(ctx, "ledger", "k", []byte("B")))
	require.NoError(t, b.Put(ctx, "ledger", "only-b", []byte("B")))
	got, err := a.Get(ctx, "ledger", "k")
	require.NoError(t, err)
	assert.Equal(t, "A", string(got))
	var keys []string
	for kv, err := range a.List(ctx, "ledger", "") {
		require.NoError(t, err)
		keys = append(keys, kv.Key)
	}
	assert.Equal(t, []string{"k"}, keys)
	require.NoError(t, a.Delete(ctx, "ledger", "k"))
	got, err = b.Get(ctx, "ledger", "k")
	require.NoError(t, err)
	assert.Equal(t, "B", string(got))
	require.NoError(t, a.Close())
	_, err = b.Get(ctx, "ledger", "k")
	assert.NoError(t, err, "closing one provider's store leaves the others")
	require.NoError(t, db.Close())
	_, err = b.Get(ctx, "ledger", "k")
	assert.ErrorIs(t, err, store.ErrClosed, "closing the DB closes every store")
}

func TestInvalidProvider(t *testing.T) {
	db := openDB(t)
	for _, p := range []string{"", "a\x00b", "bad\xff", string(make([]byte, store.MaxBucketLen+1))} {
		_, err := db.Store(p)
		assert.ErrorIs(t, err, store.ErrInvalid, "%q", p)
	}
}

// Migrations run once however many workers open the database together,
// and a database from a newer package is refused, not downgraded.
func TestMigrateConcurrentAndNewer(t *testing.T) {
	dsn := pgtest.DSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := pgstore.Open(t.Context(), dsn)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	db, err := pgstore.Open(t.Context(), dsn)
	require.NoError(t, err)
	var versions int
	require.NoError(t, db.Pool().QueryRow(t.Context(), `SELECT count(*) FROM vtsync_migrations`).Scan(&versions))
	assert.Equal(t, pgstore.SchemaVersion(), versions)
	_, err = db.Pool().Exec(t.Context(), `INSERT INTO vtsync_migrations (version) VALUES ($1)`, pgstore.SchemaVersion()+1)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = pgstore.Open(t.Context(), dsn)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer")
}

// A bad DSN is reported without echoing it: it may carry a password.
func TestOpenHidesDSN(t *testing.T) {
	_, err := pgstore.Open(t.Context(), "postgres://u:s3cret-pw@host:notaport/db")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret-pw")
}
