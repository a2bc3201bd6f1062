package vettraktest

import (
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
