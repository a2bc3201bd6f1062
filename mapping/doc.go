// Package mapping is the SDK's rules, as pure functions: VETtrak records
// in, the LMS state they imply out (Structure); LMS evidence in, the VETtrak
// results it justifies out (Results).
//
// Nothing here does I/O, reads the clock or takes a context: time is an
// input (ResultInput.Now), and the same input in any order gives an equal
// output, with every returned list sorted. Bad records never make a
// function fail or panic; they become typed Diagnostics naming the record
// (Record{Kind, ID}), with a Severity. Only an invalid Config is an error
// (*ConfigError, matching ErrInvalidConfig).
//
// # Workflows
//
// Config.Workflow chooses how VETtrak maps onto LMS courses. In all of
// them learners become students, assessors teachers of the course, and
// trainers teachers (of their section where there are sections); which
// staff types are trainers and assessors is a setting (StaffRoles).
//
//   - WorkflowUnit: each enrolled unit's national code is one course,
//     matched to an existing LMS course by the scheme's SIS ID or by course
//     code, else created (Config.CreateMissingCourses) or reported
//     (no_course). Sections per trainer (a learner joins their trainers'
//     sections; per-enrolment trainer links first) or per occurrence
//     (Config.Sections). Units are independent: one unit's problem does not
//     affect the others.
//   - WorkflowModule: each programme is one course (SIS ID from the
//     programme ID), each occurrence a section. Assessments name their units
//     in brackets in their titles; see ParseUnitCodes and Lint.
//   - WorkflowSubject: each subject (unit of study) is one course, each of
//     its occurrences a section.
//   - WorkflowCourse: each occurrence is one course, with the occurrence's
//     dates.
//   - WorkflowOccurrenceGroups (the LMS-pulls, Coassemble model): LMS
//     courses whose code equals a unit's national code; each occurrence is
//     a group named after the occurrence in every matched course. A
//     programme occurrence gets one group in each of its units' courses,
//     each with its own SIS ID (an LMS group belongs to one course), and
//     each learner joins the group in the courses of their own units. New
//     users get Config.TimeZone.
//
// # SIS IDs
//
// Every object carries a SIS ID from SISScheme, derived from VETtrak
// identifiers (client code, occurrence and programme ID, unit code, staff
// code), never from names or emails. IDs an LMS cannot hold (CheckSISID:
// empty, over 255 characters, control characters) and two records deriving
// one ID are reported, and the record is left out rather than merged.
//
// # Removal
//
// Withdrawals and deletions come only from explicit VETtrak signals: an
// enrolment status that Config.Withdrawal calls a withdrawal, or a
// tombstone (Snapshot.Deleted). They appear in the state as enrolments and
// memberships with Config.WithdrawnStatus / DeletedStatus. A record missing
// from a read never means "remove": the state simply does not mention it.
// Tombstones for enrolments the snapshot no longer holds are listed in
// Desired.DeletedEnrolments for the Syncer to resolve from its store.
//
// # Results
//
// Results binds each course's assessments to units (an explicit binding by
// assessment ID, else bracketed codes in the title, else the course's only
// unit), gathers each learner's evidence per unit, and applies a RuleSet:
// versioned rules such as "every assessment passed → Competent (20)",
// "course complete → the configured result type", "first activity →
// Continuing (70)" or score ranges. Each rule names a VETtrak result type
// (matched by name) and the AVETMISS outcome it means; a rule whose result
// type reports a different outcome is not applied.
//
// The Policy then guards VETtrak: a final positive outcome (20, 51, 60, 81)
// is never replaced by another outcome; negative or withdrawn outcomes (30,
// 40, 41, 52, 61, 82) and results entered by hand (the current result
// differs from the ledger's record of what the SDK wrote, or exists though
// the SDK never wrote one) are replaced only when the caller allows it;
// only changes are written. The outcome classes come from a versioned
// OutcomeTable (AVETMISS23), not from constants. Before a result leaves,
// the AVETMISS checks the data allows run: start ≤ finish, dates as
// calendar days in the provider's time zone, no final result finishing
// after today, 70 only once training started, never 85, no activity
// period overlapping another enrolment's for the same learner and unit.
// Everything refused goes to ResultPlan.Conflicts with a reason.
//
// In a course of several units (Module, Course workflows) course-wide
// activity starts every unit of the learner, as VETtrak starts a
// qualification's units together; ResultConfig.ActivityPerUnit makes a
// unit start only with its own first submission instead.
//
// Commencement (ResultConfig.Commencement) records the first LMS activity
// date in the enrolled unit's comment without losing existing text, once.
//
// # Unconfirmed
//
// VETtrak's enrolled-unit (TEnun) field names, its full enrolment
// StatusType list (only 0 Active, 1 Completed and 9 "Pre-Reporting
// Withdrawal" are known), the format of tombstone IDs for CLIENT and
// ENROUNIT, and whether GetResultTypes returns the outcome code are not
// confirmed by public sources (vettrak_api.md §6). The mapping treats
// StatusType 9 and status names containing "withdraw"/"cancel" as
// withdrawals (configurable), CLIENT tombstone IDs as client codes, ignores
// ENROUNIT tombstones, and trusts a rule's outcome when the result type
// carries none (with a warning). The outcome table follows a compilation of
// AVETMISS 2.3, not the NCVER PDF itself. Default result type names
// ("Competent", "Continuing") are common ones, not VETtrak defaults.
package mapping
