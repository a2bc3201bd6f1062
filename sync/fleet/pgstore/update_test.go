package pgstore_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/store"
)

// Updates of one key never interleave, even of a key that does not exist
// yet: concurrent increments from two connections' worth of goroutines
// lose none. An fn error stores nothing and comes back unwrapped.
func TestUpdateIsAtomic(t *testing.T) {
	db := openDB(t)
	s, err := db.Store("rto-1")
	require.NoError(t, err)
	ctx := t.Context()
	incr := func(old []byte, found bool) ([]byte, error) {
		n := 0
		if found {
			n, _ = strconv.Atoi(string(old))
		}
		return []byte(strconv.Itoa(n + 1)), nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				assert.NoError(t, s.Update(ctx, "counters", "runs", incr))
			}
		})
	}
	wg.Wait()
	got, err := s.Get(ctx, "counters", "runs")
	require.NoError(t, err)
	assert.Equal(t, "80", string(got))

	refuse := errors.New("not now")
	err = s.Update(ctx, "counters", "runs", func([]byte, bool) ([]byte, error) { return []byte("999"), refuse })
	require.ErrorIs(t, err, refuse)
	got, err = s.Get(ctx, "counters", "runs")
	require.NoError(t, err)
	assert.Equal(t, "80", string(got), "a refused update stores nothing")

	assert.ErrorIs(t, s.Update(ctx, "", "k", incr), store.ErrInvalid)
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Update(ctx, "counters", "runs", incr), store.ErrClosed)
}
