package schedule_test

import (
	"testing"
	"time"

	"github.com/vtsync/vtsync/sync/schedule"
)

func BenchmarkNextDaily(b *testing.B) {
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		b.Fatal(err)
	}
	spec := schedule.Daily(loc, schedule.TimeOfDay{Hour: 6}, schedule.TimeOfDay{Hour: 18})
	now := time.Date(2026, 4, 4, 12, 0, 0, 0, loc)
	for b.Loop() {
		now = schedule.Next(spec, now)
	}
}
