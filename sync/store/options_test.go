package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

// Options given a value they cannot use are errors, not silent defaults.
func TestOptionsValidate(t *testing.T) {
	openTests := []struct {
		name string
		opt  store.Option
	}{
		{"negative lock timeout", store.WithLockTimeout(-time.Second)},
		{"file mode the owner cannot write", store.WithFileMode(0o400)},
		{"file mode with type bits", store.WithFileMode(0o600 | 1<<31)},
	}
	for _, tt := range openTests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(t.TempDir(), tt.opt)
			require.ErrorIs(t, err, store.ErrInvalidOption)
			assert.Nil(t, db)
		})
	}
	db, err := store.Open(t.TempDir(), store.WithLockTimeout(0), store.WithFileMode(0o640), nil)
	require.NoError(t, err, "zero wait, a group-readable file and a nil option are fine")
	require.NoError(t, db.Close())
}
