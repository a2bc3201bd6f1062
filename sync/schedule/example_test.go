package schedule_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/sync/schedule"
	"github.com/vtsync/vtsync/sync/schedule/scheduletest"
)

// Printing the next runs of a twice-daily schedule across the end of
// daylight saving in Sydney: the local times stay put, the UTC times move.
func ExampleNext() {
	spec, err := schedule.Parse("at 06:00,18:00 Australia/Sydney")
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 4, 4, 12, 0, 0, 0, spec.Location)
	for range 4 {
		now = schedule.Next(spec, now)
		fmt.Println(now.Format("Mon 2006-01-02 15:04 MST"), "=", now.UTC().Format("15:04 UTC"))
	}
	// Output:
	// Sat 2026-04-04 18:00 AEDT = 07:00 UTC
	// Sun 2026-04-05 06:00 AEST = 20:00 UTC
	// Sun 2026-04-05 18:00 AEST = 08:00 UTC
	// Mon 2026-04-06 06:00 AEST = 20:00 UTC
}

// A sync twice a day; a run still going at the next time is skipped.
func ExampleScheduler() {
	spec, _ := schedule.Parse("at 06:00,18:00 Australia/Sydney")
	clock := scheduletest.NewClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) // 11:00 in Sydney
	done := make(chan schedule.Stats)
	s, err := schedule.New(spec, func(ctx context.Context) error {
		fmt.Println("sync at", clock.Now().In(spec.Location).Format("2006-01-02 15:04"))
		return nil
	},
		schedule.WithClock(clock),
		schedule.WithName("provider-1"),
		schedule.WithAfterRun(func(st schedule.Stats) { done <- st }))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- s.Run(ctx) }()

	for range 2 {
		_ = clock.BlockUntilWaiters(ctx, 1)
		clock.AdvanceToNext()
		<-done
	}
	cancel()
	fmt.Println("stopped:", <-stopped, "runs:", s.Stats().Started)
	// Output:
	// sync at 2026-03-01 18:00
	// sync at 2026-03-02 06:00
	// stopped: <nil> runs: 2
}
