// Package sqllms is a small learning management system's own store, kept
// in SQLite (through the pure-Go driver modernc.org/sqlite), that
// implements lms.LMS so vtsync can sync VETtrak straight into it.
//
// It stands for another team's LMS backend: the LMS-pulls model, where the
// backend implements lms.LMS and the Syncer writes into its database, with
// no REST API in between. It passes the lms/lmstest conformance suite, which
// is how such a team knows its implementation keeps the contract the Syncer
// relies on: SIS IDs unique per kind (lms.ErrConflict), unknown objects
// lms.ErrNotFound, enrol and membership calls safe to repeat, removal as a
// move to a non-active status, and reads in bulk.
//
// The schema is plain SQL (see schema.go), so the team's other tools read
// the same tables. SIS IDs are stored as given, whatever characters they
// hold: every query takes them as parameters. All writes go through one
// connection, which is what SQLite serialises anyway; the Syncer's
// concurrent calls simply queue.
package sqllms
