package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

// A snapshot is readable while the writer still holds the store, and
// writes to the loaded copy never reach the file.
func TestSnapshotReadableWhileLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(dir)
	require.NoError(t, err)
	defer db.Close()

	_, _, err = store.OpenSnapshot(dir)
	require.ErrorIs(t, err, store.ErrNoSnapshot)

	require.NoError(t, db.Put(ctx, "ledger", "r:1", []byte("v1")))
	_, err = db.WriteSnapshot()
	require.NoError(t, err)
	require.NoError(t, db.Put(ctx, "ledger", "r:2", []byte("after")))

	_, err = store.Open(dir, store.WithLockTimeout(0))
	require.ErrorIs(t, err, store.ErrLocked, "the writer still holds the store")

	m, at, err := store.OpenSnapshot(dir)
	require.NoError(t, err)
	assert.False(t, at.IsZero())
	v, err := m.Get(ctx, "ledger", "r:1")
	require.NoError(t, err)
	assert.Equal(t, "v1", string(v))
	_, err = m.Get(ctx, "ledger", "r:2")
	assert.ErrorIs(t, err, store.ErrNotFound, "the snapshot is as of WriteSnapshot")

	require.NoError(t, m.Put(ctx, "ledger", "r:3", []byte("x")))
	_, err = db.Get(ctx, "ledger", "r:3")
	assert.ErrorIs(t, err, store.ErrNotFound)
}
