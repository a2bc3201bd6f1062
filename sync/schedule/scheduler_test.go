package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/sync/schedule"
	"github.com/vtsync/vtsync/sync/schedule/scheduletest"
)

// harness runs a Scheduler on a fake clock in the background.
type harness struct {
	t      *testing.T
	clock  *scheduletest.Clock
	s      *schedule.Scheduler
	cancel context.CancelFunc
	done   chan error
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func start(t *testing.T, spec schedule.Spec, now time.Time, job schedule.Job, opts ...schedule.Option) *harness {
	t.Helper()
	h := &harness{t: t, clock: scheduletest.NewClock(now), done: make(chan error, 1), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]schedule.Option{schedule.WithClock(h.clock), schedule.WithLogger(logger), schedule.WithName("test")}, opts...)
	s, err := schedule.New(spec, job, opts...)
	require.NoError(t, err)
	h.s = s
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	go func() { h.done <- s.Run(ctx) }()
	t.Cleanup(func() { h.stop() })
	return h
}

// tick waits for the Scheduler to wait on the clock, then moves the clock
// to the next run time.
func (h *harness) tick() time.Time {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(h.t, h.clock.BlockUntilWaiters(ctx, 1), "the scheduler never waited on the clock")
	at, ok := h.clock.AdvanceToNext()
	require.True(h.t, ok)
	return at
}

// settle waits until the Scheduler's counts reach want (the job runs on
// its own goroutine).
func (h *harness) settle(cond func(schedule.Stats) bool) schedule.Stats {
	h.t.Helper()
	var st schedule.Stats
	require.Eventually(h.t, func() bool { st = h.s.Stats(); return cond(st) }, 10*time.Second, time.Millisecond,
		"stats never settled: %+v", h.s.Stats())
	return st
}

func (h *harness) stop() error {
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err // let a second stop see it too
		return err
	case <-time.After(10 * time.Second):
		h.t.Fatal("Run did not return after cancel")
		return nil
	}
}

func TestSchedulerRunsAtLocalTimesAcrossDST(t *testing.T) {
	syd := sydney(t)
	spec, err := schedule.Parse("at 06:00,18:00 Australia/Sydney")
	require.NoError(t, err)
	var mu sync.Mutex
	var seen []time.Time
	var h *harness
	h = start(t, spec, utc("2026-04-03T12:00:00+11:00"), func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, h.clock.Now())
		return nil
	})
	want := []string{
		"2026-04-03T18:00:00+11:00",
		"2026-04-04T06:00:00+11:00",
		"2026-04-04T18:00:00+11:00",
		"2026-04-05T06:00:00+10:00", // DST ended at 03:00
		"2026-04-05T18:00:00+10:00",
		"2026-04-06T06:00:00+10:00",
	}
	for i, w := range want {
		at := h.tick()
		assert.True(t, at.Equal(utc(w)), "tick %d: want %s, got %s", i, w, at.In(syd))
		h.settle(func(st schedule.Stats) bool { return st.Completed == i+1 })
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, len(want))
	for i, s := range seen {
		assert.Contains(t, []int{6, 18}, s.In(syd).Hour(), "run %d at %s", i, s.In(syd))
	}
	st := h.s.Stats()
	assert.True(t, st.Next.Equal(utc("2026-04-06T18:00:00+10:00")), "next run: %s", st.Next)
	require.NoError(t, h.stop())
	assert.True(t, h.s.Stats().Next.IsZero(), "a stopped scheduler has no next run")
}

func TestSchedulerSkipsWhileRunning(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	h := start(t, schedule.Every(time.Hour), utc("2026-03-01T00:30:00Z"), func(ctx context.Context) error {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	h.tick() // 01:00: starts, and blocks
	<-started
	h.tick() // 02:00: skipped
	h.tick() // 03:00: skipped
	st := h.settle(func(st schedule.Stats) bool { return st.Skipped == 2 })
	assert.Equal(t, 1, st.Started)
	assert.True(t, st.Running)
	assert.Contains(t, h.logs.String(), "run skipped", "skips are logged")
	assert.Contains(t, h.logs.String(), "skipped=2")

	close(release)
	h.settle(func(st schedule.Stats) bool { return st.Completed == 1 })
	h.tick() // 04:00: runs again
	<-started
	st = h.settle(func(st schedule.Stats) bool { return st.Completed == 2 })
	assert.Equal(t, 2, st.Started)
	assert.Equal(t, 2, st.Skipped)
	assert.Equal(t, 0, st.Failed)
}

func TestSchedulerStopsPromptly(t *testing.T) {
	t.Run("while waiting", func(t *testing.T) {
		h := start(t, schedule.Every(time.Hour), utc("2026-03-01T00:00:00Z"), func(context.Context) error { return nil })
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		require.NoError(t, h.clock.BlockUntilWaiters(ctx, 1))
		assert.NoError(t, h.stop())
		assert.Equal(t, 0, h.s.Stats().Started)
	})
	t.Run("while the job runs", func(t *testing.T) {
		started := make(chan struct{})
		var sawCancel bool
		h := start(t, schedule.Every(time.Hour), utc("2026-03-01T00:00:00Z"), func(ctx context.Context) error {
			close(started)
			<-ctx.Done() // a long job that honours its context
			sawCancel = true
			return ctx.Err()
		})
		h.tick()
		<-started
		assert.NoError(t, h.stop(), "cancelling is the normal way to stop")
		assert.True(t, sawCancel, "Run waits for the job to return")
		assert.False(t, h.s.Stats().Running)
	})
}

func TestSchedulerCountsFailuresAndPanics(t *testing.T) {
	boom := errors.New("vettrak: fault")
	calls := 0
	h := start(t, schedule.Every(time.Minute), utc("2026-03-01T00:00:00Z"), func(context.Context) error {
		calls++
		switch calls {
		case 1:
			return boom
		case 2:
			panic("mapping bug")
		}
		return nil
	})
	for i := range 3 {
		h.tick()
		h.settle(func(st schedule.Stats) bool { return st.Completed == i+1 })
	}
	st := h.s.Stats()
	assert.Equal(t, 3, st.Started)
	assert.Equal(t, 2, st.Failed, "an error and a panic are failures")
	assert.NoError(t, st.LastErr, "the third run succeeded")
	assert.Contains(t, h.logs.String(), "vettrak: fault")
	assert.Contains(t, h.logs.String(), "mapping bug")
}

func TestSchedulerRunAtStartAndOnce(t *testing.T) {
	ran := make(chan struct{}, 1)
	h := start(t, schedule.Every(time.Hour), utc("2026-03-01T00:10:00Z"), func(context.Context) error {
		ran <- struct{}{}
		return nil
	}, schedule.WithRunAtStart())
	<-ran // no tick needed
	st := h.settle(func(st schedule.Stats) bool { return st.Completed == 1 })
	assert.True(t, st.LastStart.Equal(utc("2026-03-01T00:10:00Z")))

	err := h.s.Run(t.Context())
	assert.ErrorIs(t, err, schedule.ErrAlreadyRunning)
}

// earlyClock's first timer fires at once, as a timer does when the wall
// clock was set back while it ran (timers follow the monotonic clock).
type earlyClock struct {
	*scheduletest.Clock
	mu    sync.Mutex
	fired bool
}

func (c *earlyClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fired {
		c.fired = true
		return c.Clock.After(0)
	}
	return c.Clock.After(d)
}

// A timer that fires before the run time on the wall clock must not run
// the job early: the Scheduler waits again.
func TestSchedulerTimerFiresEarly(t *testing.T) {
	fake := scheduletest.NewClock(utc("2026-03-01T00:30:00Z"))
	ran := make(chan time.Time, 2)
	s, err := schedule.New(schedule.Every(time.Hour), func(context.Context) error {
		ran <- fake.Now()
		return nil
	}, schedule.WithClock(&earlyClock{Clock: fake}))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()

	wait, stop := context.WithTimeout(t.Context(), 10*time.Second)
	defer stop()
	require.NoError(t, fake.BlockUntilWaiters(wait, 1), "after the early wake the scheduler waits again")
	assert.Equal(t, 0, s.Stats().Started, "nothing ran at 00:30")
	at, ok := fake.AdvanceToNext()
	require.True(t, ok)
	assert.True(t, at.Equal(utc("2026-03-01T01:00:00Z")), "the new wait ends at the run time: %s", at)
	assert.True(t, (<-ran).Equal(utc("2026-03-01T01:00:00Z")))
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 1, s.Stats().Started)
}

func TestNewRejectsBadInput(t *testing.T) {
	_, err := schedule.New(schedule.Spec{}, func(context.Context) error { return nil })
	assert.ErrorIs(t, err, schedule.ErrInvalidSpec)
	_, err = schedule.New(schedule.Every(time.Hour), nil)
	assert.Error(t, err)
}

// Options given a value they cannot use fail New, rather than falling
// back to a default the caller did not ask for.
func TestNewRejectsBadOptions(t *testing.T) {
	job := func(context.Context) error { return nil }
	tests := []struct {
		name string
		opt  schedule.Option
	}{
		{"nil clock", schedule.WithClock(nil)},
		{"nil logger", schedule.WithLogger(nil)},
		{"empty name", schedule.WithName("")},
		{"nil after-run callback", schedule.WithAfterRun(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := schedule.New(schedule.Every(time.Hour), job, tt.opt)
			require.ErrorIs(t, err, schedule.ErrInvalidOption)
			assert.Nil(t, s)
		})
	}
	_, err := schedule.New(schedule.Every(time.Hour), job, schedule.WithName("nightly"), nil)
	assert.NoError(t, err)
}

// With the real clock: run at start, then stop. Nothing here depends on
// how fast the machine is.
func TestSchedulerRealClock(t *testing.T) {
	ran := make(chan struct{})
	s, err := schedule.New(schedule.Every(time.Hour), func(context.Context) error {
		close(ran)
		return nil
	}, schedule.WithRunAtStart())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-ran
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 1, s.Stats().Completed)
}

// Job errors are logged as they are; a logger wrapped with the redacting
// handler keeps secrets in them out of the log.
func TestSchedulerLogsThroughRedaction(t *testing.T) {
	const token = "7~SuperSecretCanvasToken"
	secrets := &redact.Secrets{}
	secrets.Add(token)
	var buf syncBuffer
	logger := slog.New(redact.Handler(slog.NewTextHandler(&buf, nil), secrets))
	clock := scheduletest.NewClock(utc("2026-03-01T00:00:00Z"))
	done := make(chan schedule.Stats, 1)
	s, err := schedule.New(schedule.Every(time.Hour), func(context.Context) error {
		return errors.New("canvas: 401 for Authorization: Bearer " + token)
	}, schedule.WithClock(clock), schedule.WithLogger(logger), schedule.WithRunAtStart(),
		schedule.WithAfterRun(func(st schedule.Stats) { done <- st }))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error)
	go func() { stopped <- s.Run(ctx) }()
	st := <-done
	cancel()
	require.NoError(t, <-stopped)
	assert.Equal(t, 1, st.Failed)
	assert.Contains(t, buf.String(), "run failed")
	assert.NotContains(t, buf.String(), token)
}
