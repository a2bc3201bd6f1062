package scheduletest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/schedule"
	"github.com/vtsync/vtsync/sync/schedule/scheduletest"
)

var _ schedule.Clock = (*scheduletest.Clock)(nil)

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := scheduletest.NewClock(t0)
	assert.Equal(t, t0, c.Now())

	now := c.After(0)
	select {
	case got := <-now:
		assert.Equal(t, t0, got, "After(0) fires at once")
	default:
		t.Fatal("After(0) did not fire")
	}

	a, b := c.After(time.Hour), c.After(2*time.Hour)
	assert.Equal(t, 2, c.Waiters())
	c.Advance(30 * time.Minute)
	assert.Len(t, a, 0, "not due yet")
	at, ok := c.AdvanceToNext()
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), at)
	assert.Equal(t, t0.Add(time.Hour), <-a)
	assert.Len(t, b, 0)
	assert.Equal(t, 1, c.Waiters())

	c.Set(t0.Add(-time.Hour)) // backwards: nothing fires
	assert.Len(t, b, 0)
	c.Set(t0.Add(3 * time.Hour))
	assert.Equal(t, t0.Add(3*time.Hour), <-b, "a channel receives the time it fired at")
	_, ok = c.AdvanceToNext()
	assert.False(t, ok, "nothing waits")
}

func TestBlockUntilWaiters(t *testing.T) {
	c := scheduletest.NewClock(time.Time{})
	go func() {
		c.After(time.Second)
		c.After(time.Second)
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.BlockUntilWaiters(ctx, 2))

	short, cancel2 := context.WithCancel(t.Context())
	cancel2()
	assert.ErrorIs(t, c.BlockUntilWaiters(short, 3), context.Canceled)
}
