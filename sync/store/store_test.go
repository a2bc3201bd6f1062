package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/sync/store/storetest"
)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.NewMemory() })
}

func TestBoltConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := store.Open(t.TempDir())
		require.NoError(t, err)
		return db
	})
}

func TestNamespaceConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := store.Open(t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		return store.Namespace(db, "provider-1")
	})
}
