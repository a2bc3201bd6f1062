// Package xmltime reads and writes xs:dateTime values the way VETtrak's
// VT_API uses them: without a zone offset ("2019-01-01T00:00:00"), meaning
// the provider's local time. The zone is not documented by VETtrak; callers
// pass the location they assume (vtsync defaults to Australia/Sydney).
package xmltime

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Layout is the zoneless form VETtrak sends.
const Layout = "2006-01-02T15:04:05"

// Null is .NET's DateTime.MinValue, which some services send for "no date".
const Null = "0001-01-01T00:00:00"

// ErrSyntax is wrapped by every parse failure. Its message has no package
// prefix on purpose: it reaches users only inside a vettrak error, whose
// *OperationError names the client and the operation ("vettrak:
// GetLMSNewOccurrences: cannot read response at …: not an xs:dateTime").
var ErrSyntax = errors.New("not an xs:dateTime")

// Parse reads an xs:dateTime. A value without an offset is read as wall-clock
// time in loc (nil means UTC); a value with "Z" or an offset keeps that
// instant and is converted to loc. Null and the empty string give the zero
// time and no error. Surrounding white space is an error: gowsdl, which
// decodes the same bytes, would silently drop such a value.
//
// Wall-clock times that do not exist in loc (the hour skipped when daylight
// saving starts) are normalised forward by time.Date.
func Parse(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if s == "" || s == Null || s == Null+"Z" {
		return time.Time{}, nil
	}
	date, clock, ok := strings.Cut(s, "T")
	if !ok || len(date) != 10 {
		return time.Time{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	if strings.ContainsAny(clock, "Z+-") {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
		}
		return t.In(loc), nil
	}
	// Parse as UTC for the fields, then rebuild in loc: time.ParseInLocation
	// would do the same but reports no error for the DST gap either.
	t, err := time.Parse(time.RFC3339Nano, s+"Z")
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc), nil
}

// Format writes t as a zoneless xs:dateTime of its wall-clock time in loc
// (nil means UTC), with a fraction only when t has one. The zero time gives
// "".
func Format(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02T15:04:05.999999999")
	}
	return t.Format(Layout)
}

// Date returns midnight at the start of t's day in loc.
func Date(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
