package state_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/internal/state"
	"github.com/vtsync/vtsync/sync/store"
)

func TestCursors(t *testing.T) {
	ctx := t.Context()
	c := state.NewCursors(store.NewMemory())
	cur, err := c.Load(ctx, "enrolments")
	require.NoError(t, err, "an unsaved cursor is not an error")
	assert.True(t, cur.IsZero())

	since := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	require.NoError(t, c.SaveMany(ctx, map[string]state.Cursor{
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
	b := state.Backoff{Initial: time.Minute, Max: 10 * time.Minute}
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{4, 8 * time.Minute}, {5, 10 * time.Minute}, {1000, 10 * time.Minute},
	} {
		assert.Equal(t, tc.want, b.Delay(tc.attempts), "attempts %d", tc.attempts)
	}
	assert.Equal(t, time.Duration(0), state.Backoff{}.Delay(3), "no backoff")
	assert.Equal(t, time.Hour, state.Backoff{Initial: time.Hour, Max: time.Minute}.Delay(4), "Max below Initial")
	huge := state.Backoff{Initial: time.Duration(1) << 61, Max: time.Duration(1<<63 - 1)}
	assert.Positive(t, huge.Delay(10), "no overflow")
}

func TestFailures(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	f, err := state.NewFailures(store.NewMemory(),
		state.WithNow(func() time.Time { return now }),
		state.WithBackoff(state.Backoff{Initial: time.Minute, Max: time.Hour}))
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

	rec, err := f.Record(ctx, "unit/BSB", strings.Repeat("é", state.MaxErrorText))
	require.NoError(t, err)
	assert.LessOrEqual(t, len(rec.LastError), state.MaxErrorText)
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
	f, err := state.NewFailures(store.NewMemory())
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
	require.NoError(t, s.Put(ctx, state.FailuresBucket, "k", []byte("garbage")))
	f, err := state.NewFailures(s)
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
	require.NoError(t, state.NewCursors(a).Save(ctx, "enrolments", state.Cursor{Token: "a"}))
	cur, err := state.NewCursors(b).Load(ctx, "enrolments")
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

func TestFailuresOptions(t *testing.T) {
	failTests := []struct {
		name string
		opt  state.FailuresOption
	}{
		{"nil clock", state.WithNow(nil)},
		{"negative backoff", state.WithBackoff(state.Backoff{Initial: -time.Minute})},
		{"max below initial", state.WithBackoff(state.Backoff{Initial: time.Hour, Max: time.Minute})},
	}
	for _, tt := range failTests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := state.NewFailures(store.NewMemory(), tt.opt)
			require.ErrorIs(t, err, store.ErrInvalidOption)
			assert.Nil(t, f)
		})
	}
	f, err := state.NewFailures(store.NewMemory(), state.WithBackoff(state.Backoff{}))
	require.NoError(t, err, "no backoff (retry on the next run) is a choice")
	assert.NotNil(t, f)
}

// What a Syncer keeps between runs: where incremental reads got to, when
// a failing item is tried again, and what it wrote to VETtrak.
func TestSchemaTogether(t *testing.T) {
	ctx := t.Context()
	s := store.Namespace(store.NewMemory(), "provider-1")

	cursors := state.NewCursors(s)
	at := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	require.NoError(t, cursors.Save(ctx, "enrolments", state.Cursor{Time: at}))
	cur, err := cursors.Load(ctx, "enrolments")
	require.NoError(t, err)
	assert.True(t, cur.Time.Equal(at))

	failures, err := state.NewFailures(s, state.WithNow(func() time.Time { return at }))
	require.NoError(t, err)
	var next []string
	for range 3 {
		f, err := failures.Record(ctx, "unit/IST101", "canvas: 503 Service Unavailable")
		require.NoError(t, err)
		next = append(next, f.NextRetry.Format("15:04"))
	}
	assert.Equal(t, []string{"06:05", "06:10", "06:20"}, next, "retried later and later")

	type written struct{ Outcome string }
	ledger := state.NewLedger[written](s)
	require.NoError(t, ledger.Put(ctx, "enrolment/1001/BSBLDR501", written{Outcome: "20"}))
	got, err := ledger.Get(ctx, "enrolment/1001/BSBLDR501")
	require.NoError(t, err)
	assert.Equal(t, "20", got.Outcome)
}
