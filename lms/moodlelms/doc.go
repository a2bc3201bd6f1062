// Package moodlelms is lms.LMS on a Moodle site, over package moodle's web
// service client.
//
// How the lms model maps onto Moodle:
//
//   - A course is a Moodle course: SIS ID = idnumber, code = shortname,
//     name = fullname, start/end = startdate/enddate (0 = none).
//   - A user is a Moodle user: SIS ID = idnumber, login = username (Moodle
//     requires it lowercase: an uppercase login is refused as
//     lms.ErrInvalid rather than changed), e-mail required, time zone ""
//     = Moodle's "99" (server default). Moodle does not keep user
//     idnumbers unique; this package checks before it creates.
//   - Moodle has no sections. A section is a Moodle group whose idnumber is
//     the section's SIS ID behind a prefix (DefaultSectionPrefix), so a
//     section and a group may share a SIS ID as the lms model allows;
//     a learner's section is their membership of it. Groups, not
//     groupings, because a section holds people and a grouping holds
//     groups. An lms group is a Moodle group with the SIS ID as idnumber.
//     Moodle keeps group idnumbers unique per course only; this package
//     keeps them unique site-wide, with an index of the groups it has seen
//     (rebuilt from every SIS course when a lookup misses, at most once per
//     WithIndexTTL).
//   - An enrolment is a manual enrolment with a role. Moodle keeps one
//     enrolment per user and course with any number of roles and groups,
//     so a user's enrolments read back as every role they hold times every
//     section they are in; a learner and a trainer in different sections of
//     one course is the one shape that does not round-trip.
//   - Status: active = an active manual enrolment; inactive = suspended
//     (keeps roles, groups and grades); completed = suspended and a member
//     of the course's status group (DefaultCompletedGroup), because
//     Moodle's web services expose no enrolment field that could carry it;
//     deleted = unenrolled (Moodle then drops roles, groups and grades).
//   - Evidence comes from the gradebook (gradereport_user_get_grade_items),
//     assignment submissions (mod_assign_get_submissions, for late
//     submissions) and course completion
//     (core_completion_get_course_completion_status, one call per learner:
//     Moodle has no list form).
//   - Course shortnames are unique in Moodle (Canvas codes are not): a
//     course whose code is taken fails with lms.ErrConflict.
//
// Check is the connection test; RequiredFunctions lists what the token's
// external service must hold.
package moodlelms
