package schedule_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/schedule"
)

func sydney(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err, "time/tzdata is embedded, so this works on any machine")
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	syd := sydney(t)
	twice := schedule.Daily(syd, schedule.TimeOfDay{Hour: 18}, schedule.TimeOfDay{Hour: 6})
	// 02:30 falls in the October gap and happens twice in April.
	gapTime := schedule.Daily(syd, schedule.TimeOfDay{Hour: 2, Minute: 30})
	tests := []struct {
		name string
		spec schedule.Spec
		now  string
		want string
	}{
		{"every 30m, mid-slot", schedule.Every(30 * time.Minute), "2026-03-01T10:07:00Z", "2026-03-01T10:30:00Z"},
		{"every 30m, on a slot: strictly after", schedule.Every(30 * time.Minute), "2026-03-01T10:30:00Z", "2026-03-01T11:00:00Z"},
		{"every 12h", schedule.Every(12 * time.Hour), "2026-03-01T13:00:00Z", "2026-03-02T00:00:00Z"},
		// Sydney is AEDT (+11) until 03:00 on 2026-04-05, then AEST (+10).
		{"06:00 Sydney, summer", twice, "2026-04-03T12:00:00+11:00", "2026-04-03T18:00:00+11:00"},
		{"18:00 -> next morning", twice, "2026-04-03T18:00:00+11:00", "2026-04-04T06:00:00+11:00"},
		{"morning after DST ends", twice, "2026-04-04T18:00:00+11:00", "2026-04-05T06:00:00+10:00"},
		{"morning after DST starts", twice, "2026-10-03T18:00:00+10:00", "2026-10-04T06:00:00+11:00"},
		{"unsorted times, late evening", twice, "2026-06-01T23:59:00+10:00", "2026-06-02T06:00:00+10:00"},
		{"time in the spring-forward gap runs at 03:30", gapTime, "2026-10-04T00:00:00+10:00", "2026-10-04T03:30:00+11:00"},
		// Go resolves the repeated 02:30 to one of its two instants (today
		// the second); either way the day has one run.
		{"repeated time", gapTime, "2026-04-05T00:00:00+11:00", "2026-04-05T02:30:00+10:00"},
		{"repeated time runs once, then tomorrow", gapTime, "2026-04-05T02:30:00+10:00", "2026-04-06T02:30:00+10:00"},
		{"utc default", schedule.Spec{At: []schedule.TimeOfDay{{Hour: 6}}}, "2026-03-01T07:00:00Z", "2026-03-02T06:00:00Z"},
		{"now in another zone", twice, "2026-06-01T19:00:00Z", "2026-06-01T20:00:00Z"}, // 05:00 Sydney
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := schedule.Next(tc.spec, utc(tc.now))
			assert.True(t, got.Equal(utc(tc.want)), "want %s, got %s", utc(tc.want).UTC(), got.UTC())
		})
	}
}

// Walking a spec through a year never repeats or goes backwards, runs
// stay at their local wall-clock times, and DST neither loses nor doubles
// a run (02:30 is skipped in October and repeated in April, so that day
// runs once, at 03:30 and at one of the two 02:30s).
func TestNextWalksAYear(t *testing.T) {
	syd := sydney(t)
	for _, tc := range []struct {
		name  string
		spec  schedule.Spec
		hours []int
		runs  int
	}{
		{"06:00 and 18:00", schedule.Daily(syd, schedule.TimeOfDay{Hour: 6}, schedule.TimeOfDay{Hour: 18}), []int{6, 18}, 2 * 365},
		{"02:30", schedule.Daily(syd, schedule.TimeOfDay{Hour: 2, Minute: 30}), []int{2, 3}, 365},
		{"every 6h", schedule.Every(6 * time.Hour), nil, 4 * 365},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := utc("2026-01-01T00:00:00+11:00")
			end := now.AddDate(1, 0, 0)
			n := 0
			for {
				next := schedule.Next(tc.spec, now)
				require.True(t, next.After(now))
				if !next.Before(end) {
					break
				}
				if tc.hours != nil {
					local := next.In(syd)
					require.Contains(t, tc.hours, local.Hour(), "run at %s", local)
					require.Contains(t, []int{0, 30}, local.Minute(), "run at %s", local)
				}
				now = next
				n++
			}
			assert.Equal(t, tc.runs, n)
		})
	}
}

func TestNextInvalid(t *testing.T) {
	for _, s := range []schedule.Spec{
		{},
		schedule.Every(time.Millisecond),
		schedule.Every(-time.Hour),
		{Every: time.Hour, At: []schedule.TimeOfDay{{Hour: 6}}},
		{At: []schedule.TimeOfDay{{Hour: 24}}},
		{At: []schedule.TimeOfDay{{Minute: -1}}},
	} {
		assert.ErrorIs(t, s.Validate(), schedule.ErrInvalidSpec, "%+v", s)
		assert.True(t, schedule.Next(s, time.Now()).IsZero(), "%+v", s)
	}
}

func TestParse(t *testing.T) {
	syd := sydney(t)
	good := []struct {
		in     string
		want   schedule.Spec
		string string
	}{
		{"every 30m", schedule.Every(30 * time.Minute), "every 30m0s"},
		{"  Every   12h ", schedule.Every(12 * time.Hour), "every 12h0m0s"},
		{"at 06:00,18:00 Australia/Sydney", schedule.Daily(syd, schedule.TimeOfDay{Hour: 6}, schedule.TimeOfDay{Hour: 18}), "at 06:00,18:00 Australia/Sydney"},
		{"at 18:00,6:00,06:00 Australia/Sydney", schedule.Daily(syd, schedule.TimeOfDay{Hour: 18}, schedule.TimeOfDay{Hour: 6}, schedule.TimeOfDay{Hour: 6}), "at 06:00,18:00 Australia/Sydney"},
		{"at 23:59", schedule.Daily(time.UTC, schedule.TimeOfDay{Hour: 23, Minute: 59}), "at 23:59 UTC"},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			got, err := schedule.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want.Every, got.Every)
			assert.Equal(t, tc.want.At, got.At)
			if tc.want.Location != nil {
				assert.Equal(t, tc.want.Location.String(), got.Location.String())
			}
			assert.Equal(t, tc.string, got.String())
			again, err := schedule.Parse(got.String())
			require.NoError(t, err, "String must give what Parse reads")
			assert.Equal(t, got.String(), again.String())
		})
	}
	for _, in := range []string{
		"", "every", "sometimes 5m", "every 5", "every 0s", "every -1h", "every 10ms", "every 1h 2h",
		"at", "at 25:00", "at 6", "at 06:60", "at 06:00 Mars/Olympus", "at 06:00 Local",
		"at 06:00,,18:00", "at +6:00", "at 06:00 UTC extra", "at 006:00",
	} {
		_, err := schedule.Parse(in)
		assert.ErrorIs(t, err, schedule.ErrInvalidSpec, "%q", in)
	}
}
