// Package canvastest is an in-process fake Canvas LMS server for tests,
// examples and demos. It speaks the subset of the Canvas REST API that
// package canvas covers, with Canvas's documented behaviour as recorded in
// the project's reference notes: SIS IDs unique per root account (400 "SIS
// ID is already in use"), sis_*: addressing with percent-escaping, SIS
// fields hidden from tokens without manage_sis, enrollment creation that
// re-uses an existing enrollment, concluded and deleted states, Canvas's
// error bodies, Link-header pagination (bookmark pages for enrollments and
// submissions, no rel="last" where Canvas omits it), an optional leaky-bucket
// throttle per token with X-Request-Cost and X-Rate-Limit-Remaining, and SIS
// imports that really change the data.
//
// Tests seed data through the Server's Go methods (SeedCourse, SeedUser,
// SeedAssignment, SeedSubmission, SetProgress, ...), read it back as plain
// structs (Courses, Users, Enrollments, Groups, Memberships, ...), inject
// faults (InjectFault) and count calls (Calls, CallLog). All methods are
// safe to call while the server is serving.
//
// Where the reference marks Canvas behaviour as unconfirmed, the fake's
// choice is documented on the method that implements it.
package canvastest
