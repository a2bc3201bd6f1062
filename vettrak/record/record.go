// Package record holds the VETtrak record types: occurrences, enrolments,
// enrolled units, clients, staff links, result types. They are plain
// structs with no dependency beyond the standard library, so a package that
// only reads records (package mapping, a custom workflow, a test) does not
// link the SOAP and HTTP stack of package vettrak, which returns them and
// names each one by an alias (vettrak.Occurrence is record.Occurrence).
//
// Times are time.Time in the provider's time zone, optional values are
// pointers, money is a Decimal (never float64).
package record

import (
	"strings"
	"time"
)

// Decimal is an exact decimal number as VETtrak sends it (e.g. "0.00").
type Decimal string

// UnitType tells a unit of competency from a module (TUnit.Unit_Type).
type UnitType int

// Unit types.
const (
	UnitOfCompetency UnitType = 0
	Module           UnitType = 1
)

// Programme is a VETtrak programme (TProg): a qualification, skill set or
// short course that occurrences run.
type Programme struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Unit is a unit of competency or module as it appears on an occurrence.
// Code is the national code (e.g. "BSBLDR501"), at most 12 characters.
type Unit struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	Type UnitType `json:"type"`
}

// Occurrence is a run of a programme (TOccu, with the lists of
// TOccuExtended where they were read).
type Occurrence struct {
	ID            int64     `json:"id"`
	Code          string    `json:"code"`
	Description   string    `json:"description,omitempty"`
	StartDate     time.Time `json:"start_date"`
	EndDate       time.Time `json:"end_date"`
	Status        string    `json:"status,omitempty"`
	StatusType    int       `json:"status_type"`
	ProgrammeID   int64     `json:"programme_id"`
	ProgrammeCode string    `json:"programme_code,omitempty"`
	ProgrammeName string    `json:"programme_name,omitempty"`
	QualCode      string    `json:"qual_code,omitempty"`
	QualName      string    `json:"qual_name,omitempty"`
	LocationCode  string    `json:"location_code,omitempty"`
	// Uploaded is VETtrak's LMS flag: the occurrence was transferred.
	Uploaded bool `json:"uploaded"`
	// Reportable: 0 state AVETMISS, 1 not reportable, 2 national.
	Reportable int  `json:"reportable"`
	Vacancies  *int `json:"vacancies,omitempty"`
	// Units and Staff are filled by OccurrenceDetails / SearchOccurrences
	// when those lists are requested; nil means "not read", empty means none.
	Units []Unit      `json:"units,omitempty"`
	Staff []StaffLink `json:"staff,omitempty"`
}

// Enrolment is a client's enrolment in an occurrence (TClieEnro).
type Enrolment struct {
	ID           int64     `json:"id"`
	OccurrenceID int64     `json:"occurrence_id"`
	ClientCode   string    `json:"client_code"`
	GivenName    string    `json:"given_name"`
	Surname      string    `json:"surname"`
	Code         string    `json:"code,omitempty"`
	StartDate    time.Time `json:"start_date"`
	EndDate      time.Time `json:"end_date"`
	// Status is the status name (e.g. "Active", "Completed",
	// "Pre-Reporting Withdrawal"); StatusType its number (0 Active,
	// 1 Completed, 9 observed for Pre-Reporting Withdrawal; the full list is
	// not documented).
	Status       string     `json:"status"`
	StatusType   int        `json:"status_type"`
	DateOfEffect *time.Time `json:"date_of_effect,omitempty"`
	QualCode     string     `json:"qual_code,omitempty"`
	QualName     string     `json:"qual_name,omitempty"`
	Description  string     `json:"description,omitempty"`
	LocationCode string     `json:"location_code,omitempty"`
	// OrganisationID and DivisionID are VETtrak's IDs of the enrolment's
	// organisation and division.
	OrganisationID int64 `json:"organisation_id,omitempty"`
	// DeliveryType is the pre-2018 AVETMISS 7 delivery type; DeliveryModes
	// (API 18.3 on) lists the delivery modes, the first being the primary.
	DeliveryType        string   `json:"delivery_type,omitempty"`
	DeliveryModes       []string `json:"delivery_modes,omitempty"`
	EmployerIdentifier  string   `json:"employer_identifier,omitempty"`
	EmployerName        string   `json:"employer_name,omitempty"`
	EmployerContactCode string   `json:"employer_contact_code,omitempty"`
	// Money, exactly as VETtrak wrote it ("0.00"); empty when not sent.
	Amount            Decimal `json:"amount,omitempty"`
	GST               Decimal `json:"gst,omitempty"`
	AmountPaid        Decimal `json:"amount_paid,omitempty"`
	AmountCredited    Decimal `json:"amount_credited,omitempty"`
	DivisionID        int64   `json:"division_id,omitempty"`
	EnrolmentType     string  `json:"enrolment_type,omitempty"`
	EnrolmentTypeCode string  `json:"enrolment_type_code,omitempty"`
	// Uploaded is VETtrak's LMS flag; TClieEnro does not carry it, so the
	// Syncer derives it from GetLMSNewEnrolmentsForOccurrence.
	Uploaded bool `json:"uploaded"`
}

// Withdrawn reports whether the enrolment's status names a withdrawal or
// cancellation. It is a default; mapping lets callers configure the rule.
func (e Enrolment) Withdrawn() bool {
	s := strings.ToLower(e.Status)
	return e.StatusType == 9 || strings.Contains(s, "withdraw") || strings.Contains(s, "cancel")
}

// EnrolledUnit is a unit on an enrolment, with its current result (TEnun).
// The TEnun field names are not confirmed by any public source; see the
// WSDL's documentation.
type EnrolledUnit struct {
	EnrolmentID int64  `json:"enrolment_id"`
	UnitCode    string `json:"unit_code"`
	UnitName    string `json:"unit_name,omitempty"`
	// ResultName is the result type's name; empty when no result is set
	// (VETtrak's "not yet started").
	ResultName string     `json:"result_name,omitempty"`
	Outcome    string     `json:"outcome,omitempty"` // AVETMISS outcome of ResultName, when known
	StartDate  *time.Time `json:"start_date,omitempty"`
	FinishDate *time.Time `json:"finish_date,omitempty"`
	// Percentage is 0..100; nil when not scored (VETtrak's -1).
	Percentage *int   `json:"percentage,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// Person is a VETtrak client (TClie): a learner, or a staff member (staff are
// clients too). It is named Person so that vettrak.Client can be the SOAP
// client, as canvas.Client and moodle.Client are.
type Person struct {
	Code      string     `json:"code"`
	GivenName string     `json:"given_name"`
	Surname   string     `json:"surname"`
	OtherName string     `json:"other_name,omitempty"`
	Email     string     `json:"email,omitempty"`
	Username  string     `json:"username,omitempty"`
	DOB       *time.Time `json:"dob,omitempty"`
	USI       string     `json:"usi,omitempty"`
	Mobile    string     `json:"mobile,omitempty"`
	Gender    string     `json:"gender,omitempty"`
}

// LinkType says what a staff link's LinkID identifies (TStaffLink.LinkType,
// DOC221).
type LinkType int

// Link types. LinkUnknown marks a staff member listed without any
// TStaffLink.
const (
	LinkUnknown    LinkType = -1
	LinkOccurrence LinkType = 0
	LinkClass      LinkType = 1 // a class (TInst) of an occurrence
	LinkEnrolment  LinkType = 2
	LinkContract   LinkType = 3
	LinkEvent      LinkType = 4
)

// StaffLink ties a staff member to a record in a role: one TStaffLink,
// with the staff member from the TClie it is listed under.
//
// The real TStaffLink (DOC221) has four members: an ID whose meaning
// depends on LinkType, LinkType, a primary flag and the staff type's name.
// It carries no dates, unit or client code, so a link applies to a whole
// occurrence or enrolment, never to one unit. Only LinkType's wire name is
// confirmed; the others are UNCONFIRMED (see the WSDL).
type StaffLink struct {
	// StaffCode, GivenName and Surname identify the staff member (staff
	// are clients; TClie has no email: read it with ClientDetails).
	StaffCode string `json:"staff_code"`
	GivenName string `json:"given_name,omitempty"`
	Surname   string `json:"surname,omitempty"`
	// StaffType is the provider's own staff type name ("Trainer",
	// "Assessor", …).
	StaffType string   `json:"staff_type"`
	LinkType  LinkType `json:"link_type"`
	// LinkID is the occurrence, class, enrolment, contract or event ID,
	// by LinkType.
	LinkID  int64 `json:"link_id,omitempty"`
	Primary bool  `json:"primary,omitempty"`
	// OccurrenceID is LinkID for an occurrence link, or the occurrence
	// whose staff list held the link (OccurrenceDetails, SearchOccurrences).
	OccurrenceID int64 `json:"occurrence_id,omitempty"`
	// EnrolmentID is LinkID for an enrolment link.
	EnrolmentID int64 `json:"enrolment_id,omitempty"`
	// ClientCode is the learner: the argument of StaffForClient, or the
	// client listed by ClientsForStaff (with ClientGivenName and
	// ClientSurname).
	ClientCode      string `json:"client_code,omitempty"`
	ClientGivenName string `json:"client_given_name,omitempty"`
	ClientSurname   string `json:"client_surname,omitempty"`
}

// ResultType is a result a provider has configured, with the AVETMISS
// outcome it reports. Results are written by Name.
type ResultType struct {
	Name    string `json:"name"`
	Outcome string `json:"outcome"` // e.g. "20", "70"; empty when not reported
	Active  bool   `json:"active"`
}

// DeletedRecord is a tombstone from GetDeletedRecordsSince.
type DeletedRecord struct {
	Table string `json:"table"` // CLIENT, ENROLMENT, ENROUNIT, PROGRAMME, …
	ID    string `json:"id"`
}
