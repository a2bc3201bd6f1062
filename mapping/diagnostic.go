package mapping

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Severity says how much a diagnostic matters.
type Severity int

// Severities, in increasing order.
const (
	// SeverityInfo records a decision the caller may want to see (a
	// withdrawal applied, a course adopted).
	SeverityInfo Severity = iota
	// SeverityWarning marks data the mapping worked around; the affected
	// record may be placed differently than the provider expects.
	SeverityWarning
	// SeverityError marks a record the mapping could not place at all.
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// Code identifies the kind of a diagnostic, so callers can filter and count
// them without parsing messages.
type Code string

// Structure diagnostics.
const (
	CodeInvalidConfig       Code = "invalid_config"
	CodeNoCourse            Code = "no_course"              // a unit matches no LMS course and courses are not created
	CodeAmbiguousCourse     Code = "ambiguous_course"       // several LMS courses carry the unit's code
	CodeCourseAdopted       Code = "course_adopted"         // an existing LMS course was matched by code
	CodeCourseNeedsSISID    Code = "course_needs_sis_id"    // a matched course has no SIS ID; the Syncer must give it one (by ID)
	CodeNoEmail             Code = "no_email"               // a person has no (usable) email address
	CodeDuplicateLogin      Code = "duplicate_login"        // several people would get the same login
	CodeNoLogin             Code = "no_login"               // no login source gave a unique login
	CodeDuplicateUnit       Code = "duplicate_unit_code"    // two units of one occurrence share a code
	CodeNoUnits             Code = "occurrence_no_units"    // an occurrence has no units to map
	CodeUnitsNotRead        Code = "units_not_read"         // an occurrence's unit list was not read (nil)
	CodeWithdrawn           Code = "enrolment_withdrawn"    // an enrolment's status is a withdrawal
	CodeDeleted             Code = "enrolment_deleted"      // a tombstone removes an enrolment or client
	CodeTombstoneUnresolved Code = "tombstone_unresolved"   // a tombstone names a record the snapshot no longer holds
	CodeUnknownOccurrence   Code = "unknown_occurrence"     // an enrolment or staff link names an occurrence not in the snapshot
	CodeUnknownEnrolment    Code = "unknown_enrolment"      // an enrolled unit names an enrolment not in the snapshot
	CodeMissingField        Code = "missing_field"          // a required identifier is empty
	CodeInvalidSISID        Code = "invalid_sis_id"         // a derived SIS ID cannot be stored by the LMS
	CodeSISIDCollision      Code = "sis_id_collision"       // two different records derive the same SIS ID
	CodeDuplicateRecord     Code = "duplicate_record"       // the snapshot holds a record twice with different content
	CodeNoProgramme         Code = "no_programme"           // an occurrence names no programme (Module workflow)
	CodeNoTrainer           Code = "no_trainer"             // no trainer for a learner; the occurrence section is used
	CodeUnknownStaffType    Code = "unknown_staff_type"     // a staff type is neither trainer nor assessor
	CodeInvalidText         Code = "invalid_text"           // a name held control characters, which were removed
	CodeNotInSnapshot       Code = "client_not_in_snapshot" // a person was built from enrolment or staff fields
)

// Result diagnostics.
const (
	CodeNoLocation         Code = "no_location"            // ResultConfig.Location is nil: no writes
	CodeNoDesired          Code = "no_desired"             // ResultInput.Desired is nil: no provenance
	CodeInvalidRule        Code = "invalid_rule"           // a rule is malformed and is not applied
	CodeResultTypeUnknown  Code = "result_type_unknown"    // a rule names a result type VETtrak does not have
	CodeResultTypeMismatch Code = "result_type_mismatch"   // the result type's outcome differs from the rule's
	CodeResultTypeInactive Code = "result_type_inactive"   // the result type is not active
	CodeResultTypeCase     Code = "result_type_case"       // matched a result type only ignoring case/space
	CodeResultTypeNoCode   Code = "result_type_no_outcome" // the result type carries no outcome; the rule's is trusted
	CodeUnknownScopeTarget Code = "unknown_scope_target"   // a result-rule scope names a programme, occurrence or unit VETtrak does not have
	CodeUnknownCourse      Code = "unknown_course"         // evidence for a course the Desired state does not manage
	CodeNoProvenance       Code = "no_provenance"          // learners with evidence but no VETtrak enrolment behind them
	CodeLint               Code = "lint"                   // an assessment ↔ unit binding problem (see ResultPlan.Lint)
	CodeSkippedInactive    Code = "skipped_inactive"       // evidence for a withdrawn or deleted enrolment is ignored
	CodeFutureEvidence     Code = "future_evidence"        // an LMS timestamp lies after Now; it is ignored
)

// RecordKind names the kind of record a diagnostic is about.
type RecordKind string

// Record kinds.
const (
	RecordConfig       RecordKind = "config"
	RecordProgramme    RecordKind = "programme"
	RecordOccurrence   RecordKind = "occurrence"
	RecordEnrolment    RecordKind = "enrolment"
	RecordEnrolledUnit RecordKind = "enrolled_unit"
	RecordClient       RecordKind = "client"
	RecordStaff        RecordKind = "staff"
	RecordUnit         RecordKind = "unit"
	RecordTombstone    RecordKind = "tombstone"
	RecordCourse       RecordKind = "course"
	RecordAssessment   RecordKind = "assessment"
	RecordRule         RecordKind = "rule"
	RecordResultType   RecordKind = "result_type"
	RecordLogin        RecordKind = "login"
)

// Record names the record a diagnostic is about: its kind and VETtrak (or
// LMS) identifier.
type Record struct {
	Kind RecordKind `json:"kind"`
	ID   string     `json:"id"`
}

func (r Record) String() string { return string(r.Kind) + " " + strconv.Quote(r.ID) }

func occurrenceRecord(id int64) Record { return Record{RecordOccurrence, strconv.FormatInt(id, 10)} }
func enrolmentRecord(id int64) Record  { return Record{RecordEnrolment, strconv.FormatInt(id, 10)} }
func clientRecord(code string) Record  { return Record{RecordClient, code} }
func unitRecord(code string) Record    { return Record{RecordUnit, code} }
func courseRecord(sis string) Record   { return Record{RecordCourse, sis} }
func enrolledUnitRecord(enrolmentID int64, unit string) Record {
	return Record{RecordEnrolledUnit, ResultKey(enrolmentID, unit)}
}

// Diagnostic reports something the mapping noticed about its input: bad
// data it worked around, a record it could not place, a decision it made.
// Mapping never panics or fails on bad records; it reports them here.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Code     Code     `json:"code"`
	Record   Record   `json:"record"`
	Message  string   `json:"message"`
}

func (d Diagnostic) String() string {
	return d.Severity.String() + " " + string(d.Code) + " " + d.Record.String() + ": " + d.Message
}

// HasErrors reports whether any diagnostic has SeverityError.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity >= SeverityError })
}

// diags collects diagnostics; finish sorts and de-duplicates them so the
// output does not depend on the order records were visited.
type diags struct{ list []Diagnostic }

func (d *diags) add(sev Severity, code Code, rec Record, format string, args ...any) {
	d.list = append(d.list, Diagnostic{Severity: sev, Code: code, Record: rec, Message: fmt.Sprintf(format, args...)})
}

func (d *diags) finish() []Diagnostic {
	sortDiagnostics(d.list)
	return slices.Compact(d.list)
}

func sortDiagnostics(ds []Diagnostic) {
	slices.SortFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Record.Kind, b.Record.Kind),
			cmp.Compare(a.Record.ID, b.Record.ID),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
