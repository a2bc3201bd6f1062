// Package moodletest is an in-process fake Moodle site speaking the web
// services REST protocol (/webservice/rest/server.php,
// moodlewsrestformat=json), for testing code built on package moodle and
// lms/moodlelms without a Moodle.
//
// It is an oracle of Moodle 4.5, not a mirror of our client: every
// behaviour follows Moodle's own source as collected in the project's
// reference/moodle_api.md, and each handler's comment names the PHP
// function it stands for.
//
// # Main types
//
//   - Server is a fake Moodle site. NewServer starts it on a loopback port
//     (Close it when done); New returns it as an http.Handler to serve
//     yourself. URL is the site's base URL and AdminToken a token of the
//     site administrator to give moodle.New; AddToken adds tokens bound to
//     a service (Token.Functions) or expired.
//   - Option configures a Server: WithDebugging (debuginfo in
//     exceptions), WithLetterGrades and WithoutRange (the user report's
//     columns), WithProtocolDisabled (web services off).
//   - The records (Course, User, Group, Grouping, GradeItem, Grade,
//     Assignment, Submission, Criterion, Letter, Role) are plain structs:
//     seed them with SeedCourse, SeedUser, AddActivity, Submit, SetGrade,
//     SetCompletionCriteria, CompleteCriterion, …; run Moodle's cron with
//     AggregateCompletions; read them back with Course, CourseByIDNumber,
//     UserByIDNumber and Enrolment.
//   - Fault and InjectFault make requests fail (HTTP statuses,
//     exceptions, dropped connections, truncated JSON, latency, answers
//     lost after the write); Calls and CallLog count calls per function.
//
// All methods are safe for concurrent use.
//
// # Use in a test
//
//	fake := moodletest.NewServer()
//	defer fake.Close()
//	course := fake.SeedCourse(moodletest.Course{FullName: "Term 1", ShortName: "T1", IDNumber: "2001"})
//	client, err := moodle.New(fake.URL(), fake.AdminToken())
//	// ... run the code under test with client ...
//	state, enrolled := fake.Enrolment(userID, course)
//
// # What the fake reproduces
//
//   - the order of checks of webservice_base_server::run(): token
//     (invalidtoken), function (invalidrecord for an unknown one,
//     accessexception outside the token's service), then parameters;
//   - parameter validation as external_api::validate_parameters(): the
//     PHP bracket encoding, unknown keys refused at every level ("Unexpected
//     keys … detected in parameter array."), required keys, defaults, and
//     scalars that must survive their PARAM_* cleaning unchanged, all as
//     invalid_parameter_exception (errorcode invalidparameter, the reason
//     only in debuginfo, which appears only WithDebugging);
//   - exceptions as HTTP 200 JSON {exception, errorcode, message} with 4.5's
//     namespaced class names;
//   - course shortname and idnumber uniqueness (shortnametaken,
//     courseidnumbertaken), group name and idnumber uniqueness per course
//     (idnumbertaken), usernames lowercase and unique, e-mail unique
//     case-insensitively; user idnumber NOT unique, as in Moodle;
//   - one transaction per batch for creates, enrolments and memberships;
//     per-item warnings for core_course_update_courses and
//     core_user_update_users;
//   - enrol_manual_enrol_users rewriting dates and status and adding roles;
//     unenrolling the last enrolment removing roles, group memberships and
//     grades; group membership requiring an enrolment;
//   - core_enrol_get_enrolled_users returning every enrolment state without
//     a status field, with onlyactive/onlysuspended to tell them apart;
//   - course completion failing with nocriteriaset, usernotenroled and
//     cannotviewreport rather than answering "incomplete", and "completed"
//     lagging until AggregateCompletions (Moodle's cron) runs.
//
// # UNCONFIRMED and simplified
//
// Where the source leaves a detail open the fake is strict (it refuses what
// it cannot vouch for) and the comment says UNCONFIRMED. It simplifies what
// a sync does not use: every token is the site administrator's, the
// course total aggregates as "mean of grades" (Moodle's default, Natural,
// is not implemented) unless overridden, and format_string() only escapes
// & < > when moodlewssettingraw is not 1.
package moodletest
