// Package canvastest is an in-process fake Canvas LMS server for tests,
// examples and demos. It speaks the subset of the Canvas REST API that
// package canvas covers, with Canvas's documented behaviour as recorded in
// the project's reference notes: SIS IDs unique per root account (400 "SIS
// ID is already in use"), sis_*: addressing with percent-escaping, SIS
// fields hidden from tokens without manage_sis, enrollment creation that
// re-uses an existing enrollment, concluded and deleted states, Canvas's
// error bodies, Link-header pagination (bookmark pages for enrollments and
// submissions, no rel="last" where Canvas omits it, no Link header past
// 6 KB, no default port in links), an optional leaky-bucket throttle per
// token charged on arrival as app/middleware/request_throttle.rb does, one
// group per category for a user (group_membership.rb), memberships only for
// users enrolled in the group's course, and SIS imports (users, courses,
// sections, enrollments, group categories, groups, memberships) that
// really change the data. Each behaviour's doc comment names the canvas-lms
// file and method it follows.
//
// WithStrict refuses parameters Canvas does not document for the endpoint
// (the SDK's own tests run strict); WithAuthErrorUpdates answers
// permission refusals with 403 instead of 401.
//
// Tests seed data through the Server's Go methods (SeedCourse, SeedUser,
// SeedAssignment, SeedSubmission, SetProgress, ...), read it back as plain
// structs (Courses, Users, Enrollments, Groups, Memberships, ...), inject
// faults (InjectFault) and count calls (Calls, CallLog). All methods are
// safe to call while the server is serving.
//
// Calls keys ("GET courses/{id}/enrollments") are the same as the keys of
// the client's Stats().ByOp.
//
// Where the reference marks Canvas behaviour as unconfirmed, the fake makes
// a documented choice: bulk_user_progress answers like user progress; SIS
// import diffing compares rows by key rather than whole files; row-level
// SIS import messages are the fake's own wording where the reference gives
// none; a literal "." in a path is not read as a Rails format suffix
// (only a trailing ".json" is), so the fake is more lenient than Canvas
// may be about unescaped dots. Base role IDs (3 student … 7 observer) are
// the fake's own.
package canvastest
