package vettraktest

import (
	"slices"
	"strings"

	"github.com/vtsync/vtsync/vettrak"
)

// Reading a dataset back as the SDK's records, for test assertions.

// Occurrence returns an occurrence with its units and staff.
func (d *Dataset) Occurrence(id int64) (vettrak.Occurrence, bool) {
	return read(d, d.occurrences, id, func(o *occurrence) vettrak.Occurrence { return d.occurrenceView(o, true, true) })
}

// read finds key in table under the read lock and returns what view makes
// of the record; false when there is none.
func read[K comparable, V, Out any](d *Dataset, table map[K]*V, key K, view func(*V) Out) (Out, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	v := table[key]
	if v == nil {
		var zero Out
		return zero, false
	}
	return view(v), true
}

func (d *Dataset) occurrenceView(o *occurrence, units, staff bool) vettrak.Occurrence {
	out := o.Occurrence
	if units {
		out.Units = []vettrak.Unit{}
		for _, c := range o.unitCodes {
			out.Units = append(out.Units, *d.units[c])
		}
	}
	if staff {
		out.Staff = []vettrak.StaffLink{}
		for _, l := range o.staff {
			if c := d.clients[l.StaffCode]; c != nil {
				l.GivenName, l.Surname = c.GivenName, c.Surname
			}
			out.Staff = append(out.Staff, l)
		}
	}
	return out
}

// Occurrences lists every occurrence ID in the order added.
func (d *Dataset) Occurrences() []int64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return slices.Clone(d.occOrder)
}

// Enrolment returns an enrolment.
func (d *Dataset) Enrolment(id int64) (vettrak.Enrolment, bool) {
	return read(d, d.enrolments, id, func(e *enrolment) vettrak.Enrolment { return e.Enrolment })
}

// EnrolmentsOf lists an occurrence's enrolments.
func (d *Dataset) EnrolmentsOf(occurrenceID int64) []vettrak.Enrolment {
	out, _ := read(d, d.occurrences, occurrenceID, func(o *occurrence) []vettrak.Enrolment {
		out := make([]vettrak.Enrolment, 0, len(o.enrolments))
		for _, id := range o.enrolments {
			out = append(out, d.enrolments[id].Enrolment)
		}
		return out
	})
	return out
}

// Client returns a client.
func (d *Dataset) Client(code string) (vettrak.Person, bool) {
	return read(d, d.clients, code, func(c *client) vettrak.Person { return c.Person })
}

// Results returns an enrolment's units with their current results, as
// GetUnitsForEnrolment reports them.
func (d *Dataset) Results(enrolmentID int64) []vettrak.EnrolledUnit {
	out, _ := read(d, d.enrolments, enrolmentID, func(e *enrolment) []vettrak.EnrolledUnit {
		out := make([]vettrak.EnrolledUnit, 0, len(e.units))
		for _, u := range e.units {
			out = append(out, u.view(enrolmentID))
		}
		return out
	})
	return out
}

func (u *enrolledUnit) view(enrolmentID int64) vettrak.EnrolledUnit {
	eu := vettrak.EnrolledUnit{
		EnrolmentID: enrolmentID, UnitCode: u.code, UnitName: u.name, ResultName: u.result,
		Outcome: u.outcome, StartDate: u.start, FinishDate: u.finish, Comment: u.comment,
	}
	if u.pct >= 0 {
		p := u.pct
		eu.Percentage = &p
	}
	return eu
}

// ResultHistory returns the results an enrolled unit had before its
// current one, oldest first (VETtrak's Enrolment Unit History).
func (d *Dataset) ResultHistory(enrolmentID int64, unitCode string) []ResultRecord {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if u := d.unitOf(enrolmentID, unitCode); u != nil {
		return slices.Clone(u.history)
	}
	return nil
}

func (d *Dataset) unitOf(enrolmentID int64, unitCode string) *enrolledUnit {
	e := d.enrolments[enrolmentID]
	if e == nil {
		return nil
	}
	for _, u := range e.units {
		if strings.EqualFold(u.code, unitCode) {
			return u
		}
	}
	return nil
}

// Counts reports the dataset's size.
type Counts struct {
	Programmes, Units, Occurrences, Clients, Enrolments, EnrolledUnits int
}

// Counts returns the number of records of each kind.
func (d *Dataset) Counts() Counts {
	d.mu.RLock()
	defer d.mu.RUnlock()
	c := Counts{Programmes: len(d.programmes), Units: len(d.units), Occurrences: len(d.occurrences),
		Clients: len(d.clients), Enrolments: len(d.enrolments)}
	for _, e := range d.enrolments {
		c.EnrolledUnits += len(e.units)
	}
	return c
}
