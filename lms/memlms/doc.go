// Package memlms is an in-memory implementation of lms.LMS: the embedded
// default for examples, quick starts and tests.
//
// It follows the lms contract the way a real LMS would: SIS IDs are unique
// per kind of object, unknown courses, sections and users are
// lms.ErrNotFound, enrolling and adding members are idempotent, and removal
// moves enrolments and memberships to a non-active status instead of losing
// them. It passes the lms/lmstest conformance suite.
//
// Tests get more than the interface: [LMS.SeedCourse] creates courses that
// exist before a sync (the LMS-pulls model matches them by code),
// [LMS.SeedEvidence] and friends add assessments, submissions, progress and
// activity, [LMS.Calls] counts reads and writes per method so a test can
// assert that a second sync wrote nothing, [LMS.FailNext] injects errors,
// and [LMS.Dump] returns everything in a deterministic order.
//
// An LMS is safe for concurrent use. Every value it returns is a copy.
package memlms
