package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

type result struct {
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at"`
}

func TestTypedRoundTripAndCorruption(t *testing.T) {
	ctx := t.Context()
	s := store.NewMemory()
	ledger := store.NewTyped[result](s, "ledger")
	assert.Equal(t, "ledger", ledger.Bucket())
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("AEDT", 11*3600))

	_, err := ledger.Get(ctx, "enrol/1/BSBLDR501")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, ledger.PutMany(ctx, map[string]result{
		"enrol/1/BSBLDR501": {Outcome: "20", At: at},
		"enrol/2/BSBLDR501": {Outcome: "30", At: at},
	}))
	require.NoError(t, s.Put(ctx, "ledger", "enrol/1/broken", []byte(`{"outcome":`)))

	got, err := ledger.Get(ctx, "enrol/1/BSBLDR501")
	require.NoError(t, err)
	assert.Equal(t, "20", got.Outcome)
	assert.True(t, got.At.Equal(at))

	_, err = ledger.Get(ctx, "enrol/1/broken")
	require.ErrorIs(t, err, store.ErrCorrupt)
	var se *store.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "enrol/1/broken", se.Key, "the error names the record")

	var keys []string
	var bad []string
	for e, err := range ledger.List(ctx, "enrol/1/") {
		if err != nil {
			require.ErrorIs(t, err, store.ErrCorrupt)
			bad = append(bad, e.Key)
			continue // a bad record does not hide the rest
		}
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{"enrol/1/BSBLDR501"}, keys)
	assert.Equal(t, []string{"enrol/1/broken"}, bad)

	require.NoError(t, ledger.Delete(ctx, "enrol/1/broken"))
	_, err = ledger.Get(ctx, "enrol/1/broken")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestErrorText(t *testing.T) {
	_, err := store.NewMemory().Get(t.Context(), "ledger", "enrol/9")
	assert.EqualError(t, err, `store: get "ledger" key "enrol/9": not found`)
	assert.True(t, errors.Is(err, store.ErrNotFound))
}
