package store_test

import (
	"errors"
	"strings"
	"sync"
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
	ledger := store.NewLedger[result](s)
	assert.Equal(t, store.LedgerBucket, ledger.Bucket())
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("AEDT", 11*3600))

	_, err := ledger.Get(ctx, "enrol/1/BSBLDR501")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, ledger.PutMany(ctx, map[string]result{
		"enrol/1/BSBLDR501": {Outcome: "20", At: at},
		"enrol/2/BSBLDR501": {Outcome: "30", At: at},
	}))
	require.NoError(t, s.Put(ctx, store.LedgerBucket, "enrol/1/broken", []byte(`{"outcome":`)))

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

func TestCursors(t *testing.T) {
	ctx := t.Context()
	c := store.NewCursors(store.NewMemory())
	cur, err := c.Load(ctx, "enrolments")
	require.NoError(t, err, "an unsaved cursor is not an error")
	assert.True(t, cur.IsZero())

	since := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	require.NoError(t, c.SaveMany(ctx, map[string]store.Cursor{
		"enrolments": {Time: since},
		"deleted":    {Time: since, Token: "opaque-42"},
	}))
	cur, err = c.Load(ctx, "deleted")
	require.NoError(t, err)
	assert.True(t, cur.Time.Equal(since))
	assert.Equal(t, "opaque-42", cur.Token)
	assert.False(t, cur.IsZero())

	require.NoError(t, c.Reset(ctx, "deleted"))
	var names []string
	for e, err := range c.All(ctx) {
		require.NoError(t, err)
		names = append(names, e.Key)
	}
	assert.Equal(t, []string{"enrolments"}, names)
}

func TestBackoffDelay(t *testing.T) {
	b := store.Backoff{Initial: time.Minute, Max: 10 * time.Minute}
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{4, 8 * time.Minute}, {5, 10 * time.Minute}, {1000, 10 * time.Minute},
	} {
		assert.Equal(t, tc.want, b.Delay(tc.attempts), "attempts %d", tc.attempts)
	}
	assert.Equal(t, time.Duration(0), store.Backoff{}.Delay(3), "no backoff")
	assert.Equal(t, time.Hour, store.Backoff{Initial: time.Hour, Max: time.Minute}.Delay(4), "Max below Initial")
	huge := store.Backoff{Initial: time.Duration(1) << 61, Max: time.Duration(1<<63 - 1)}
	assert.Positive(t, huge.Delay(10), "no overflow")
}

func TestFailures(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	f, err := store.NewFailures(store.NewMemory(),
		store.WithNow(func() time.Time { return now }),
		store.WithBackoff(store.Backoff{Initial: time.Minute, Max: time.Hour}))
	require.NoError(t, err)

	due, err := f.Due(ctx, "unit/IST101")
	require.NoError(t, err)
	assert.True(t, due, "an item that never failed is due")

	steps := []struct {
		advance   time.Duration
		wantNext  time.Duration
		attempts  int
		dueBefore bool
	}{
		{0, time.Minute, 1, true},
		{time.Minute, 2 * time.Minute, 2, true},
		{2 * time.Minute, 4 * time.Minute, 3, true},
	}
	first := now
	for i, st := range steps {
		now = now.Add(st.advance)
		due, err := f.Due(ctx, "unit/IST101")
		require.NoError(t, err)
		assert.Equal(t, st.dueBefore, due, "step %d", i)
		rec, err := f.Record(ctx, "unit/IST101", "canvas: 503 Service Unavailable")
		require.NoError(t, err)
		assert.Equal(t, st.attempts, rec.Attempts, "step %d", i)
		assert.Equal(t, now.Add(st.wantNext), rec.NextRetry, "step %d", i)
		assert.Equal(t, first, rec.FirstFailed, "step %d", i)
		assert.Equal(t, now, rec.LastFailed, "step %d", i)
		due, err = f.Due(ctx, "unit/IST101")
		require.NoError(t, err)
		assert.False(t, due, "step %d: not due right after failing", i)
	}

	rec, err := f.Record(ctx, "unit/BSB", strings.Repeat("é", store.MaxErrorText))
	require.NoError(t, err)
	assert.LessOrEqual(t, len(rec.LastError), store.MaxErrorText)
	assert.True(t, strings.HasSuffix(rec.LastError, "…"))
	assert.True(t, strings.HasPrefix(rec.LastError, "éé"))

	var keys []string
	for x, err := range f.List(ctx, "unit/") {
		require.NoError(t, err)
		keys = append(keys, x.Key)
	}
	assert.Equal(t, []string{"unit/BSB", "unit/IST101"}, keys)

	require.NoError(t, f.Clear(ctx, "unit/IST101"))
	_, err = f.Get(ctx, "unit/IST101")
	assert.ErrorIs(t, err, store.ErrNotFound)
	due, err = f.Due(ctx, "unit/IST101")
	require.NoError(t, err)
	assert.True(t, due)
}

func TestFailuresRecordIsSerialised(t *testing.T) {
	f, err := store.NewFailures(store.NewMemory())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := f.Record(t.Context(), "k", "boom")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	rec, err := f.Get(t.Context(), "k")
	require.NoError(t, err)
	assert.Equal(t, 20, rec.Attempts, "no lost updates")
}

func TestFailuresReplaceCorruptRecord(t *testing.T) {
	ctx := t.Context()
	s := store.NewMemory()
	require.NoError(t, s.Put(ctx, store.FailuresBucket, "k", []byte("garbage")))
	f, err := store.NewFailures(s)
	require.NoError(t, err)
	due, err := f.Due(ctx, "k")
	require.NoError(t, err)
	assert.True(t, due, "a corrupt record must not block the item")
	rec, err := f.Record(ctx, "k", "boom")
	require.NoError(t, err)
	assert.Equal(t, 1, rec.Attempts)
}

func TestNamespacesAreSeparate(t *testing.T) {
	ctx := t.Context()
	s := store.NewMemory()
	a, b := store.Namespace(s, "provider-a"), store.Namespace(s, "provider-b")
	require.NoError(t, store.NewCursors(a).Save(ctx, "enrolments", store.Cursor{Token: "a"}))
	cur, err := store.NewCursors(b).Load(ctx, "enrolments")
	require.NoError(t, err)
	assert.True(t, cur.IsZero(), "provider b must not see provider a's cursor")
	raw, err := s.Get(ctx, "provider-a/cursors", "enrolments")
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"a"}`, string(raw))

	require.NoError(t, a.Close())
	_, err = a.Get(ctx, "cursors", "enrolments")
	assert.ErrorIs(t, err, store.ErrClosed)
	_, err = s.Get(ctx, "provider-a/cursors", "enrolments")
	assert.NoError(t, err, "closing a view leaves the store open")
}

func TestErrorText(t *testing.T) {
	_, err := store.NewMemory().Get(t.Context(), "ledger", "enrol/9")
	assert.EqualError(t, err, `store: get "ledger" key "enrol/9": not found`)
	assert.True(t, errors.Is(err, store.ErrNotFound))
}
