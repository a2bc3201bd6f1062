// Package canvastest is an in-process fake Canvas LMS server for tests,
// examples, demos and benchmarks of code built on package canvas and
// lms/canvaslms. It is an oracle of Canvas, not a mirror of the SDK: it
// speaks the subset of the Canvas REST API that package canvas covers,
// and each behaviour's doc comment names the canvas-lms file and method
// (or the API document) it follows, as collected in the project's
// reference/canvas_api.md.
//
// # Main types
//
//   - Server is a fake Canvas instance. NewServer starts it on a loopback
//     port (Close it when done); New returns it without a listener, to
//     serve its Handler yourself. URL is the base URL and AdminToken a
//     token with account-admin rights to give canvas.New; NewToken makes
//     more (with or without manage_sis), ExpireToken and RevokeToken end
//     them.
//   - Option configures a Server: WithStrict refuses parameters Canvas
//     does not document for the endpoint (the SDK's own tests run
//     strict); WithAuthErrorUpdates answers permission refusals with 403
//     instead of 401; WithThrottle (see CanvasThrottle) turns on the
//     leaky-bucket throttle; WithPerPage, WithSISImportPolls, WithClock,
//     WithLatency, WithStringIDs and WithLowercaseLinkHeader set the rest.
//   - The records (Account, Term, Course, Section, User, Enrollment,
//     GroupCategory, Group, Membership, Assignment, Submission,
//     CourseProgress, SISImport) are plain structs: seed them with the
//     Seed… and Set… methods, read them back with Courses, Users,
//     Enrollments, Groups, Memberships, SISImports, ….
//   - Fault and InjectFault make requests fail; Calls and CallLog count
//     what arrived. Calls keys ("GET courses/{id}/enrollments") are the
//     keys of the client's Stats().ByOp.
//
// All methods are safe to call while the server is serving.
//
// # Use in a test
//
//	fake := canvastest.NewServer(canvastest.WithStrict())
//	defer fake.Close()
//	course := fake.SeedCourse(canvastest.Course{Name: "Term 1", SISCourseID: "2001"})
//	client, err := canvas.New(fake.URL(), fake.AdminToken())
//	// ... run the code under test with client ...
//	enrolled := fake.Enrollments(course)
//
// # What the fake reproduces
//
// SIS IDs unique per root account (400 "SIS ID is already in use");
// sis_*: addressing with percent-escaping (lib/api.rb sis_parse_id); SIS
// fields hidden from tokens without manage_sis; enrollment creation that
// re-uses an existing enrollment; concluded and deleted states; Canvas's
// error bodies; Link-header pagination (bookmark pages for enrollments and
// submissions, no rel="last" where Canvas omits it, no Link header past 6
// KB, no default port in links); an optional leaky-bucket throttle per
// token charged on arrival (app/middleware/request_throttle.rb); one group
// per category for a user (group_membership.rb); memberships only for
// users enrolled in the group's course; and SIS imports (users, courses,
// sections, enrollments, group categories, groups, memberships) that
// really change the data, one step per status poll.
//
// # UNCONFIRMED
//
// Where the reference marks Canvas behaviour as unconfirmed, the fake
// makes a documented choice: bulk_user_progress answers like user
// progress; SIS import diffing compares rows by key rather than whole
// files; row-level SIS import messages are the fake's own wording where
// the reference gives none; an imported group membership of a user with
// no enrollment in the group's course is refused with a warning (strict);
// a literal "." in a path is not read as a Rails format suffix (only a
// trailing ".json" is), so the fake is more lenient than Canvas may be
// about unescaped dots. Base role IDs (3 student … 7 observer) are the
// fake's own.
package canvastest
