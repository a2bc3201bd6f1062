package vettraktest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// Changing a dataset as VETtrak's own screens would while a Server runs:
// what a test does between sync runs.

// editOccurrence runs fn on an occurrence under the write lock.
func (d *Dataset) editOccurrence(id int64, fn func(*occurrence) error) error {
	return edit(d, d.occurrences, "occurrence", id, fn)
}

// editEnrolment runs fn on an enrolment under the write lock.
func (d *Dataset) editEnrolment(id int64, fn func(*enrolment) error) error {
	return edit(d, d.enrolments, "enrolment", id, fn)
}

// edit finds record id of table under the write lock and runs fn on it;
// an unknown ID is an error naming the record (what and id).
func edit[V any](d *Dataset, table map[int64]*V, what string, id int64, fn func(*V) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := table[id]
	if v == nil {
		return fmt.Errorf("vettraktest: %s %d not in the dataset", what, id)
	}
	return fn(v)
}

// EditEnrolment changes an enrolment's record as a user would in VETtrak
// (its ID, occurrence and client cannot change).
func (d *Dataset) EditEnrolment(enrolmentID int64, edit func(*vettrak.Enrolment)) error {
	return d.editEnrolment(enrolmentID, func(e *enrolment) error {
		v := e.Enrolment
		edit(&v)
		v.ID, v.OccurrenceID, v.ClientCode = e.ID, e.OccurrenceID, e.ClientCode
		e.Enrolment = v
		return nil
	})
}

// SetVacancies sets an occurrence's vacancies; nil is VETtrak's null
// (written as xsi:nil).
func (d *Dataset) SetVacancies(occurrenceID int64, vacancies *int) error {
	return d.editOccurrence(occurrenceID, func(o *occurrence) error {
		o.Vacancies = vacancies
		return nil
	})
}

// Withdraw sets an enrolment's status (e.g. "Withdrawn") as a user would
// in VETtrak.
func (d *Dataset) Withdraw(enrolmentID int64, status string) error {
	return d.editEnrolment(enrolmentID, func(e *enrolment) error {
		st, ok := d.status(cmp.Or(status, "Withdrawn"))
		if !ok {
			return fmt.Errorf("vettraktest: unknown enrolment status %q", status)
		}
		e.Status, e.StatusType = st.Name, st.Type
		now := d.now()
		e.DateOfEffect = &now
		return nil
	})
}

func (d *Dataset) status(name string) (EnrolmentStatus, bool) {
	for _, s := range d.statuses {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return EnrolmentStatus{}, false
}

// RenameClient changes a client's names (and its modified time).
func (d *Dataset) RenameClient(code, given, surname string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.clients[code]
	if c == nil {
		return fmt.Errorf("vettraktest: client %q not in the dataset", code)
	}
	c.GivenName, c.Surname = given, surname
	c.modified = d.now()
	for _, id := range c.enrolments {
		if e := d.enrolments[id]; e != nil {
			e.GivenName, e.Surname = given, surname
		}
	}
	return nil
}

// DeleteEnrolment removes an enrolment and leaves ENROLMENT and ENROUNIT
// tombstones.
func (d *Dataset) DeleteEnrolment(enrolmentID int64) error {
	return d.editEnrolment(enrolmentID, func(e *enrolment) error {
		now := d.now()
		delete(d.enrolments, enrolmentID)
		if o := d.occurrences[e.OccurrenceID]; o != nil {
			o.enrolments = slices.DeleteFunc(o.enrolments, func(id int64) bool { return id == enrolmentID })
		}
		if c := d.clients[e.ClientCode]; c != nil {
			c.enrolments = slices.DeleteFunc(c.enrolments, func(id int64) bool { return id == enrolmentID })
		}
		d.tombstones = append(d.tombstones, Tombstone{Table: "ENROLMENT", ID: strconv.FormatInt(enrolmentID, 10), DeletedAt: now})
		for _, u := range e.units {
			d.tombstones = append(d.tombstones, Tombstone{Table: "ENROUNIT", ID: strconv.FormatInt(u.id, 10), DeletedAt: now})
		}
		return nil
	})
}

// AddTombstone records a deletion directly (any documented table).
func (d *Dataset) AddTombstone(t Tombstone) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t.DeletedAt.IsZero() {
		t.DeletedAt = d.now()
	}
	d.tombstones = append(d.tombstones, t)
}

// SetUploaded sets an occurrence's LMS flag as VETtrak's UI would.
func (d *Dataset) SetUploaded(occurrenceID int64, uploaded bool) error {
	return d.editOccurrence(occurrenceID, func(o *occurrence) error {
		o.Uploaded = uploaded
		return nil
	})
}

// RescheduleOccurrence moves an occurrence's dates, as staff do in
// VETtrak's own screens. It is a data mutation for tests and benchmarks,
// not a VT_API behaviour: the API documents no operation that changes an
// occurrence's dates (reference §7), so the fake serves the new dates from
// then on and nothing else changes. end must not be before start.
func (d *Dataset) RescheduleOccurrence(occurrenceID int64, start, end time.Time) error {
	if end.Before(start) {
		return fmt.Errorf("vettraktest: occurrence %d: end %s before start %s", occurrenceID, end.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	return d.editOccurrence(occurrenceID, func(o *occurrence) error {
		o.StartDate, o.EndDate = start, end
		return nil
	})
}

// SetResult sets a unit result directly, as a trainer entering it in
// VETtrak would (the previous result moves to the history).
func (d *Dataset) SetResult(enrolmentID int64, unitCode, resultName string, finish time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	u := d.unitOf(enrolmentID, unitCode)
	if u == nil {
		return fmt.Errorf("vettraktest: unit %q not on enrolment %d", unitCode, enrolmentID)
	}
	rt, ok := d.resultType(resultName)
	if !ok {
		return fmt.Errorf("vettraktest: unknown result type %q", resultName)
	}
	start := finish
	if e := d.enrolments[enrolmentID]; e != nil && !e.StartDate.IsZero() && e.StartDate.Before(finish) {
		start = e.StartDate
	}
	d.setResultLocked(u, rt, start, finish, -1)
	return nil
}

func (d *Dataset) resultType(name string) (vettrak.ResultType, bool) {
	for _, rt := range d.resultTypes {
		if strings.EqualFold(rt.Name, name) && rt.Active {
			return rt, true
		}
	}
	return vettrak.ResultType{}, false
}

func (d *Dataset) setResultLocked(u *enrolledUnit, rt vettrak.ResultType, start, finish time.Time, pct int) {
	if u.result != "" {
		u.history = append(u.history, ResultRecord{
			ResultName: u.result, Outcome: u.outcome, Start: u.start, Finish: u.finish,
			Percentage: u.pct, Comment: u.comment, ReplacedAt: d.now(),
		})
	}
	u.result, u.outcome = rt.Name, rt.Outcome
	u.start, u.finish, u.pct = &start, &finish, pct
}
