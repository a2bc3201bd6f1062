package sync

import (
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// The managed-fields comparators: one per kind of LMS object, each naming
// every field the SDK sets, so an edit in VETtrak to any of them (a
// renamed section, a rescheduled occurrence, a changed email) becomes an
// update, and nothing else the LMS fills in (IDs, defaults, a learner's own
// time zone) ever does. A field added to what mapping sets must be added
// here.

// fieldChange is one managed field whose LMS value differs from the wanted
// one.
type fieldChange struct{ field, have, want string }

// fieldChanges lists what differs; empty means in step.
type fieldChanges []fieldChange

func (c *fieldChanges) add(field, have, want string) {
	if have != want {
		*c = append(*c, fieldChange{field, have, want})
	}
}

// String is the reason text: `name "A"→"B", start "2026-02-03"→"2026-02-10"`.
func (c fieldChanges) String() string {
	parts := make([]string, len(c))
	for i, f := range c {
		parts[i] = f.field + " " + quote(f.have) + "→" + quote(f.want)
	}
	return strings.Join(parts, ", ")
}

// courseChanges compares name, code and the dates. Dates are compared as
// calendar days in the provider's zone, the precision a course's dates
// mean (the LMS may keep them as instants, in UTC). A date the desired
// course leaves unset is not managed: a date a person set stays.
func courseChanges(have, want lms.Course, loc *time.Location) fieldChanges {
	var c fieldChanges
	c.add("name", have.Name, want.Name)
	c.add("code", have.Code, want.Code)
	if want.Start != nil {
		c.add("start", dayOf(have.Start, loc), dayOf(want.Start, loc))
	}
	if want.End != nil {
		c.add("end", dayOf(have.End, loc), dayOf(want.End, loc))
	}
	return c
}

// sectionChanges compares the section's name, its only managed field
// (lms.Section has no dates; its course is part of its identity).
func sectionChanges(have, want lms.Section) fieldChanges {
	var c fieldChanges
	c.add("name", have.Name, want.Name)
	return c
}

// groupChanges compares the group's name, its only managed field.
func groupChanges(have, want lms.Group) fieldChanges {
	var c fieldChanges
	c.add("name", have.Name, want.Name)
	return c
}

// userChanges compares login, names and email. The time zone is a default
// for new users only: a learner's own choice in the LMS is theirs to keep.
func userChanges(have, want lms.User) fieldChanges {
	var c fieldChanges
	c.add("login", have.Login, want.Login)
	c.add("given name", have.GivenName, want.GivenName)
	c.add("family name", have.FamilyName, want.FamilyName)
	c.add("email", have.Email, want.Email)
	return c
}

// dayOf is t's calendar day in loc, "" for no date.
func dayOf(t *time.Time, loc *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}

func quote(s string) string { return "\"" + s + "\"" }
