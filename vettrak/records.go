package vettrak

import "github.com/vtsync/vtsync/vettrak/record"

// The records the API returns live in package record, which costs nothing
// to import; these aliases keep them reachable by their vettrak names.
type (
	Decimal       = record.Decimal
	UnitType      = record.UnitType
	Programme     = record.Programme
	Unit          = record.Unit
	Occurrence    = record.Occurrence
	Enrolment     = record.Enrolment
	EnrolledUnit  = record.EnrolledUnit
	Person        = record.Person
	LinkType      = record.LinkType
	StaffLink     = record.StaffLink
	ResultType    = record.ResultType
	DeletedRecord = record.DeletedRecord
)

// Unit types and staff link types, as in package record.
const (
	UnitOfCompetency = record.UnitOfCompetency
	Module           = record.Module
	LinkUnknown      = record.LinkUnknown
	LinkOccurrence   = record.LinkOccurrence
	LinkClass        = record.LinkClass
	LinkEnrolment    = record.LinkEnrolment
	LinkContract     = record.LinkContract
	LinkEvent        = record.LinkEvent
)
