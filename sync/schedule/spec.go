// Package schedule runs a job on an interval or at fixed times of day in a
// time zone (say 06:00 and 18:00 Australia/Sydney, right across daylight
// saving changes), never two runs at once.
//
// Next is a pure function, for tests and for printing "next run at …".
// A Scheduler calls the job at each time Next gives; a time that comes
// while the previous run is still going is skipped, counted and logged,
// not queued. Cancelling the context stops the Scheduler: it cancels the
// running job's context and waits for the job to return.
//
// The clock is an interface, so tests (see the scheduletest package) run
// days of schedule in microseconds. The package embeds the time zone
// database (time/tzdata), so zones work on a machine without one.
package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones must load on minimal machines and containers
)

// ErrInvalidSpec: a Spec that cannot produce run times.
var ErrInvalidSpec = errors.New("schedule: invalid spec")

// MinInterval is the shortest interval a Spec may have.
const MinInterval = time.Second

// TimeOfDay is a wall-clock time, to the minute.
type TimeOfDay struct {
	Hour, Minute int
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

func (t TimeOfDay) valid() bool {
	return t.Hour >= 0 && t.Hour < 24 && t.Minute >= 0 && t.Minute < 60
}

// ParseTimeOfDay parses "H:MM" or "HH:MM" (24-hour clock).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return TimeOfDay{}, fmt.Errorf("%w: time of day %q is not HH:MM", ErrInvalidSpec, s)
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	t := TimeOfDay{Hour: hour, Minute: minute}
	if err1 != nil || err2 != nil || !t.valid() || h[0] == '+' || h[0] == '-' {
		return TimeOfDay{}, fmt.Errorf("%w: time of day %q is not HH:MM", ErrInvalidSpec, s)
	}
	return t, nil
}

// Spec says when a job runs: every Every, or daily at each of At in
// Location. Exactly one of Every and At is set.
type Spec struct {
	// Every runs the job at each multiple of Every since the zero time
	// (UTC), so "every 30m" runs on the hour and the half hour. In zones
	// offset from UTC by a part of an hour, hourly runs fall at that part.
	Every time.Duration
	// At runs the job daily at these wall-clock times in Location. A time
	// that a daylight saving change skips runs when the clock resumes
	// (02:30 becomes 03:30); a time that the change repeats runs once.
	At []TimeOfDay
	// Location is At's time zone; nil means UTC.
	Location *time.Location
}

// Every returns a Spec that runs every d.
func Every(d time.Duration) Spec { return Spec{Every: d} }

// Daily returns a Spec that runs daily at the given times in loc.
func Daily(loc *time.Location, times ...TimeOfDay) Spec {
	return Spec{At: times, Location: loc}
}

// Validate reports why the Spec cannot produce run times, with an error
// matching ErrInvalidSpec, or nil.
func (s Spec) Validate() error {
	switch {
	case s.Every != 0 && len(s.At) > 0:
		return fmt.Errorf("%w: both an interval and times of day", ErrInvalidSpec)
	case s.Every == 0 && len(s.At) == 0:
		return fmt.Errorf("%w: neither an interval nor times of day", ErrInvalidSpec)
	case len(s.At) == 0 && s.Every < MinInterval:
		return fmt.Errorf("%w: interval %s is shorter than %s", ErrInvalidSpec, s.Every, MinInterval)
	}
	for _, t := range s.At {
		if !t.valid() {
			return fmt.Errorf("%w: time of day %d:%d", ErrInvalidSpec, t.Hour, t.Minute)
		}
	}
	return nil
}

// String gives the Spec in the form Parse reads.
func (s Spec) String() string {
	if len(s.At) == 0 {
		return "every " + s.Every.String()
	}
	var times []string
	for _, t := range s.sortedTimes() {
		times = append(times, t.String())
	}
	return "at " + strings.Join(times, ",") + " " + s.location().String()
}

func (s Spec) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s Spec) sortedTimes() []TimeOfDay {
	ts := slices.Clone(s.At)
	slices.SortFunc(ts, func(a, b TimeOfDay) int { return (a.Hour*60 + a.Minute) - (b.Hour*60 + b.Minute) })
	return slices.Compact(ts)
}

// Parse reads a Spec written as "every <duration>" (a Go duration such as
// 30m or 12h) or "at HH:MM[,HH:MM...] [zone]" with an IANA zone name
// (default UTC), e.g. "at 06:00,18:00 Australia/Sydney".
func Parse(text string) (Spec, error) {
	fields := strings.Fields(text)
	if len(fields) < 2 {
		return Spec{}, fmt.Errorf("%w: %q: want \"every <duration>\" or \"at HH:MM[,HH:MM...] [zone]\"", ErrInvalidSpec, text)
	}
	var s Spec
	switch strings.ToLower(fields[0]) {
	case "every":
		if len(fields) != 2 {
			return Spec{}, fmt.Errorf("%w: %q: want \"every <duration>\"", ErrInvalidSpec, text)
		}
		d, err := time.ParseDuration(fields[1])
		if err != nil {
			return Spec{}, fmt.Errorf("%w: %q: %v", ErrInvalidSpec, text, err)
		}
		s = Every(d)
	case "at":
		if len(fields) > 3 {
			return Spec{}, fmt.Errorf("%w: %q: want \"at HH:MM[,HH:MM...] [zone]\"", ErrInvalidSpec, text)
		}
		for part := range strings.SplitSeq(fields[1], ",") {
			t, err := ParseTimeOfDay(part)
			if err != nil {
				return Spec{}, err
			}
			s.At = append(s.At, t)
		}
		s.Location = time.UTC
		if len(fields) == 3 {
			loc, err := time.LoadLocation(fields[2])
			if err != nil || fields[2] == "Local" {
				return Spec{}, fmt.Errorf("%w: %q: unknown time zone %q", ErrInvalidSpec, text, fields[2])
			}
			s.Location = loc
		}
	default:
		return Spec{}, fmt.Errorf("%w: %q: want \"every <duration>\" or \"at HH:MM[,HH:MM...] [zone]\"", ErrInvalidSpec, text)
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// Next returns the first run time of spec strictly after now, or the zero
// time when spec is invalid.
func Next(spec Spec, now time.Time) time.Time {
	if spec.Validate() != nil {
		return time.Time{}
	}
	if len(spec.At) == 0 {
		return now.Truncate(spec.Every).Add(spec.Every)
	}
	loc := spec.location()
	local := now.In(loc)
	y, m, d := local.Date()
	var best time.Time
	// Today's and tomorrow's times always include the answer; the day
	// after covers a zone that skips a whole day (Samoa, 2011-12-30).
	for day := range 3 {
		for _, t := range spec.sortedTimes() {
			c := time.Date(y, m, d+day, t.Hour, t.Minute, 0, 0, loc)
			if c.After(now) && (best.IsZero() || c.Before(best)) {
				best = c
			}
		}
		if !best.IsZero() {
			return best
		}
	}
	return best
}
