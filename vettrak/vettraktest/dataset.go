package vettraktest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// Dataset is the fake's in-memory VETtrak database: programmes, units,
// occurrences, clients (learners and staff), enrolments with enrolled
// units and results, result types, API users and deletion tombstones.
//
// Build it with the Add… methods (or SeedWalkthrough / Generate) and change
// it with the mutators while a Server runs: every method is safe for
// concurrent use. IDs are assigned when a record is added with ID 0.
type Dataset struct {
	mu          sync.RWMutex
	now         func() time.Time
	programmes  map[int64]*vettrak.Programme
	units       map[string]*vettrak.Unit
	occurrences map[int64]*occurrence
	occOrder    []int64
	clients     map[string]*client
	clientOrder []string
	enrolments  map[int64]*enrolment
	resultTypes []vettrak.ResultType
	statuses    []EnrolmentStatus
	users       map[string]*User
	tombstones  []Tombstone
	nextID      int64
	nextUnitID  int64 // enrolled units have their own sequence
}

type occurrence struct {
	vettrak.Occurrence
	unitCodes  []string
	staff      []vettrak.StaffLink // occurrence links: StaffCode, StaffType, LinkType 0, LinkID, Primary
	enrolments []int64
}

type client struct {
	vettrak.Person
	added, modified time.Time
	enrolments      []int64
}

type enrolment struct {
	vettrak.Enrolment
	units []*enrolledUnit
	staff []vettrak.StaffLink // enrolment links: LinkType 2, LinkID the enrolment
}

type enrolledUnit struct {
	id      int64
	code    string
	name    string
	typ     vettrak.UnitType
	result  string
	outcome string
	start   *time.Time
	finish  *time.Time
	pct     int // -1 not scored
	comment string
	history []ResultRecord
}

// ResultRecord is one result an enrolled unit had. ResultHistory returns
// the ones VETtrak moved to the unit history when a new result was set.
type ResultRecord struct {
	ResultName string
	Outcome    string
	Start      *time.Time
	Finish     *time.Time
	Percentage int // -1: not scored
	Comment    string
	// ReplacedAt is when a later UpdateResult moved it to the history
	// (the fake's clock).
	ReplacedAt time.Time
}

// EnrolmentStatus is an enrolment status name UpdateEnrolment accepts and
// its status type number. VETtrak documents 0 Active and 1 Completed; the
// others in DefaultEnrolmentStatuses are the fake's own.
type EnrolmentStatus struct {
	Name string
	Type int
}

// DefaultEnrolmentStatuses are the statuses a new Dataset knows.
func DefaultEnrolmentStatuses() []EnrolmentStatus {
	return []EnrolmentStatus{
		{"Active", 0}, {"Completed", 1}, {"Withdrawn", 2}, {"Cancelled", 3},
		{"Deferred", 4}, {"Pre-Reporting Withdrawal", 9},
	}
}

// User is an API login. TokenType is VETtrak's: "02" client, "03" staff.
type User struct {
	Username   string
	Password   string
	ID         int
	Identifier string // the user's client code
	TokenType  string
}

// Tombstone is a deleted record as GetDeletedRecordsSince reports it.
type Tombstone struct {
	Table     string
	ID        string
	DeletedAt time.Time
}

// NewDataset returns an empty dataset with the default enrolment statuses,
// the standard result types and one API user (see DefaultCredentials).
func NewDataset() *Dataset {
	d := &Dataset{
		now:         time.Now,
		programmes:  map[int64]*vettrak.Programme{},
		units:       map[string]*vettrak.Unit{},
		occurrences: map[int64]*occurrence{},
		clients:     map[string]*client{},
		enrolments:  map[int64]*enrolment{},
		users:       map[string]*User{},
		statuses:    DefaultEnrolmentStatuses(),
		resultTypes: StandardResultTypes(),
		nextID:      1000,
		nextUnitID:  500000,
	}
	c := DefaultCredentials()
	d.users[c.Username] = &User{Username: c.Username, Password: c.Password, ID: 1, Identifier: "APIUSER", TokenType: "03"}
	return d
}

// DefaultCredentials are the API user every new Dataset has. The password
// holds XML-special characters on purpose.
func DefaultCredentials() vettrak.Credentials {
	return vettrak.Credentials{Username: "vtsync-api", Password: `pa&ss<wo>rd"'`}
}

// StandardResultTypes are common VETtrak result types with their AVETMISS
// outcomes. Real databases configure their own names.
func StandardResultTypes() []vettrak.ResultType {
	return []vettrak.ResultType{
		{Name: "Competent", Outcome: "20", Active: true},
		{Name: "Not Yet Competent", Outcome: "30", Active: true},
		{Name: "Withdrawn", Outcome: "40", Active: true},
		{Name: "Incomplete due to RTO closure", Outcome: "41", Active: true},
		{Name: "RPL Granted", Outcome: "51", Active: true},
		{Name: "RPL Not Granted", Outcome: "52", Active: true},
		{Name: "Credit Transfer", Outcome: "60", Active: true},
		{Name: "Continuing", Outcome: "70", Active: true},
		{Name: "Satisfactorily Completed", Outcome: "81", Active: true},
		{Name: "Not Satisfactorily Completed", Outcome: "82", Active: true},
	}
}

// setClock is called by the Server so that writes use its clock.
func (d *Dataset) setClock(now func() time.Time) {
	d.mu.Lock()
	d.now = now
	d.mu.Unlock()
}

func (d *Dataset) id() int64 { d.nextID++; return d.nextID }

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
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.occurrences[occurrenceID]
	if o == nil {
		return fmt.Errorf("vettraktest: occurrence %d not in the dataset", occurrenceID)
	}
	if d.clients[staffCode] == nil {
		return fmt.Errorf("vettraktest: staff %q not in the dataset", staffCode)
	}
	primary := !slices.ContainsFunc(o.staff, func(l vettrak.StaffLink) bool { return strings.EqualFold(l.StaffType, staffType) })
	o.staff = append(o.staff, occurrenceLink(staffCode, staffType, occurrenceID, primary))
	return nil
}

// AddEnrolmentStaff links a staff member to one enrolment (a TStaffLink
// with LinkType 2): the learner's own trainer or assessor, as
// GetStaffForClient reports it with includeEnrolments.
func (d *Dataset) AddEnrolmentStaff(enrolmentID int64, staffCode, staffType string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.enrolments[enrolmentID]
	if e == nil {
		return fmt.Errorf("vettraktest: enrolment %d not in the dataset", enrolmentID)
	}
	if d.clients[staffCode] == nil {
		return fmt.Errorf("vettraktest: staff %q not in the dataset", staffCode)
	}
	e.staff = append(e.staff, vettrak.StaffLink{StaffCode: staffCode, StaffType: staffType, LinkType: vettrak.LinkEnrolment,
		LinkID: enrolmentID, EnrolmentID: enrolmentID, Primary: len(e.staff) == 0})
	return nil
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

// EditEnrolment changes an enrolment's record as a user would in VETtrak
// (its ID, occurrence and client cannot change).
func (d *Dataset) EditEnrolment(enrolmentID int64, edit func(*vettrak.Enrolment)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.enrolments[enrolmentID]
	if e == nil {
		return fmt.Errorf("vettraktest: enrolment %d not in the dataset", enrolmentID)
	}
	v := e.Enrolment
	edit(&v)
	v.ID, v.OccurrenceID, v.ClientCode = e.ID, e.OccurrenceID, e.ClientCode
	e.Enrolment = v
	return nil
}

// SetVacancies sets an occurrence's vacancies; nil is VETtrak's null
// (written as xsi:nil).
func (d *Dataset) SetVacancies(occurrenceID int64, vacancies *int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.occurrences[occurrenceID]
	if o == nil {
		return fmt.Errorf("vettraktest: occurrence %d not in the dataset", occurrenceID)
	}
	o.Vacancies = vacancies
	return nil
}

// Withdraw sets an enrolment's status (e.g. "Withdrawn") as a user would
// in VETtrak.
func (d *Dataset) Withdraw(enrolmentID int64, status string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.enrolments[enrolmentID]
	if e == nil {
		return fmt.Errorf("vettraktest: enrolment %d not in the dataset", enrolmentID)
	}
	st, ok := d.status(cmp.Or(status, "Withdrawn"))
	if !ok {
		return fmt.Errorf("vettraktest: unknown enrolment status %q", status)
	}
	e.Status, e.StatusType = st.Name, st.Type
	now := d.now()
	e.DateOfEffect = &now
	return nil
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
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.enrolments[enrolmentID]
	if e == nil {
		return fmt.Errorf("vettraktest: enrolment %d not in the dataset", enrolmentID)
	}
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
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.occurrences[occurrenceID]
	if o == nil {
		return fmt.Errorf("vettraktest: occurrence %d not in the dataset", occurrenceID)
	}
	o.Uploaded = uploaded
	return nil
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
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.occurrences[occurrenceID]
	if o == nil {
		return fmt.Errorf("vettraktest: occurrence %d not in the dataset", occurrenceID)
	}
	o.StartDate, o.EndDate = start, end
	return nil
}

// Occurrence returns an occurrence with its units and staff.
func (d *Dataset) Occurrence(id int64) (vettrak.Occurrence, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	o := d.occurrences[id]
	if o == nil {
		return vettrak.Occurrence{}, false
	}
	return d.occurrenceView(o, true, true), true
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
	d.mu.RLock()
	defer d.mu.RUnlock()
	e := d.enrolments[id]
	if e == nil {
		return vettrak.Enrolment{}, false
	}
	return e.Enrolment, true
}

// EnrolmentsOf lists an occurrence's enrolments.
func (d *Dataset) EnrolmentsOf(occurrenceID int64) []vettrak.Enrolment {
	d.mu.RLock()
	defer d.mu.RUnlock()
	o := d.occurrences[occurrenceID]
	if o == nil {
		return nil
	}
	out := make([]vettrak.Enrolment, 0, len(o.enrolments))
	for _, id := range o.enrolments {
		out = append(out, d.enrolments[id].Enrolment)
	}
	return out
}

// Client returns a client.
func (d *Dataset) Client(code string) (vettrak.Person, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	c := d.clients[code]
	if c == nil {
		return vettrak.Person{}, false
	}
	return c.Person, true
}

// Results returns an enrolment's units with their current results, as
// GetUnitsForEnrolment reports them.
func (d *Dataset) Results(enrolmentID int64) []vettrak.EnrolledUnit {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e := d.enrolments[enrolmentID]
	if e == nil {
		return nil
	}
	out := make([]vettrak.EnrolledUnit, 0, len(e.units))
	for _, u := range e.units {
		out = append(out, u.view(enrolmentID))
	}
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
