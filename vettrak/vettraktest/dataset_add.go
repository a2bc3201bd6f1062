package vettraktest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/vettrak"
)

// Building a dataset: the Add… methods (and SetResultTypes) a test or a
// seed calls before or while a Server runs.

// AddUser adds or replaces an API login.
func (d *Dataset) AddUser(u User) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u.TokenType == "" {
		u.TokenType = "03"
	}
	if u.ID == 0 {
		u.ID = int(d.id())
	}
	d.users[u.Username] = &u
}

// SetResultTypes replaces the result types.
func (d *Dataset) SetResultTypes(types ...vettrak.ResultType) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.resultTypes = slices.Clone(types)
}

// AddProgramme adds a programme and returns it with its ID.
func (d *Dataset) AddProgramme(p vettrak.Programme) vettrak.Programme {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p.ID == 0 {
		p.ID = d.id()
	}
	d.programmes[p.ID] = &p
	return p
}

// AddUnit adds a unit (by national code).
func (d *Dataset) AddUnit(u vettrak.Unit) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.units[u.Code] = &u
}

// AddOccurrence adds an occurrence running the given units (which must
// have been added) and returns it with its ID. Units and Staff of o are
// ignored; use the unitCodes and AddStaff.
func (d *Dataset) AddOccurrence(o vettrak.Occurrence, unitCodes ...string) (vettrak.Occurrence, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range unitCodes {
		if d.units[c] == nil {
			return vettrak.Occurrence{}, fmt.Errorf("vettraktest: unit %q not in the dataset", c)
		}
	}
	if o.ID == 0 {
		o.ID = d.id()
	}
	if _, dup := d.occurrences[o.ID]; dup {
		return vettrak.Occurrence{}, fmt.Errorf("vettraktest: occurrence %d exists", o.ID)
	}
	if p, ok := d.programmes[o.ProgrammeID]; ok {
		o.ProgrammeCode, o.ProgrammeName = cmp.Or(o.ProgrammeCode, p.Code), cmp.Or(o.ProgrammeName, p.Name)
	}
	if o.Status == "" {
		o.Status = "Active"
	}
	o.Units, o.Staff = nil, nil
	d.occurrences[o.ID] = &occurrence{Occurrence: o, unitCodes: slices.Clone(unitCodes)}
	d.occOrder = append(d.occOrder, o.ID)
	return o, nil
}

// AddClient adds a learner or staff member (staff are clients).
func (d *Dataset) AddClient(c vettrak.Person) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.Code == "" || len(c.Code) > 10 {
		return fmt.Errorf("vettraktest: client code %q must be 1..10 characters", c.Code)
	}
	if _, dup := d.clients[c.Code]; dup {
		return fmt.Errorf("vettraktest: client %q exists", c.Code)
	}
	now := d.now()
	d.clients[c.Code] = &client{Person: c, added: now, modified: now}
	d.clientOrder = append(d.clientOrder, c.Code)
	return nil
}

// AddStaff links a staff member (a client) to an occurrence as a staff
// type ("Trainer", "Assessor"): a TStaffLink with LinkType 0 and the
// occurrence's ID. The first staff member of a type on an occurrence is
// its primary one (the fake's choice). A link covers the whole
// occurrence: VETtrak's TStaffLink has no unit.
func (d *Dataset) AddStaff(occurrenceID int64, staffCode, staffType string) error {
	return d.editOccurrence(occurrenceID, func(o *occurrence) error {
		if d.clients[staffCode] == nil {
			return fmt.Errorf("vettraktest: staff %q not in the dataset", staffCode)
		}
		primary := !slices.ContainsFunc(o.staff, func(l vettrak.StaffLink) bool { return strings.EqualFold(l.StaffType, staffType) })
		o.staff = append(o.staff, occurrenceLink(staffCode, staffType, occurrenceID, primary))
		return nil
	})
}

// AddEnrolmentStaff links a staff member to one enrolment (a TStaffLink
// with LinkType 2): the learner's own trainer or assessor, as
// GetStaffForClient reports it with includeEnrolments.
func (d *Dataset) AddEnrolmentStaff(enrolmentID int64, staffCode, staffType string) error {
	return d.editEnrolment(enrolmentID, func(e *enrolment) error {
		if d.clients[staffCode] == nil {
			return fmt.Errorf("vettraktest: staff %q not in the dataset", staffCode)
		}
		e.staff = append(e.staff, vettrak.StaffLink{StaffCode: staffCode, StaffType: staffType, LinkType: vettrak.LinkEnrolment,
			LinkID: enrolmentID, EnrolmentID: enrolmentID, Primary: len(e.staff) == 0})
		return nil
	})
}

func occurrenceLink(staffCode, staffType string, occurrenceID int64, primary bool) vettrak.StaffLink {
	return vettrak.StaffLink{StaffCode: staffCode, StaffType: staffType, LinkType: vettrak.LinkOccurrence,
		LinkID: occurrenceID, OccurrenceID: occurrenceID, Primary: primary}
}

// AddEnrolment enrols a client in an occurrence, in all its units, and
// returns the enrolment.
func (d *Dataset) AddEnrolment(occurrenceID int64, clientCode string) (vettrak.Enrolment, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.addEnrolmentLocked(occurrenceID, clientCode, -1)
}

func (d *Dataset) addEnrolmentLocked(occurrenceID int64, clientCode string, nUnits int) (vettrak.Enrolment, error) {
	o := d.occurrences[occurrenceID]
	if o == nil {
		return vettrak.Enrolment{}, fmt.Errorf("vettraktest: occurrence %d not in the dataset", occurrenceID)
	}
	c := d.clients[clientCode]
	if c == nil {
		return vettrak.Enrolment{}, fmt.Errorf("vettraktest: client %q not in the dataset", clientCode)
	}
	id := d.id()
	e := &enrolment{Enrolment: vettrak.Enrolment{
		ID: id, OccurrenceID: occurrenceID, ClientCode: clientCode, GivenName: c.GivenName, Surname: c.Surname,
		Code: o.Code, StartDate: o.StartDate, EndDate: o.EndDate, Status: "Active", StatusType: 0,
		QualCode: o.QualCode, QualName: o.QualName, LocationCode: o.LocationCode, OrganisationID: 1,
		DeliveryModes: []string{"Internal delivery"}, Amount: "0.00", GST: "0.00", AmountPaid: "0.00", AmountCredited: "0.00",
	}}
	codes := o.unitCodes
	if nUnits >= 0 && nUnits < len(codes) {
		codes = codes[:nUnits]
	}
	for _, uc := range codes {
		u := d.units[uc]
		d.nextUnitID++
		e.units = append(e.units, &enrolledUnit{id: d.nextUnitID, code: u.Code, name: u.Name, typ: u.Type, pct: -1})
	}
	d.enrolments[id] = e
	o.enrolments = append(o.enrolments, id)
	c.enrolments = append(c.enrolments, id)
	return e.Enrolment, nil
}
