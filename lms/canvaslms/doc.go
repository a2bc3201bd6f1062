// Package canvaslms implements lms.LMS on a Canvas LMS instance, through the
// typed REST client in package canvas.
//
// Everything is addressed by SIS ID (sis_course_id:, sis_section_id:,
// sis_user_id:, sis_group_id:), so the token needs Canvas's manage_sis
// permission: without it Canvas silently drops SIS IDs on create and hides
// them on read. [LMS.Check] says in words whether the token has it.
//
// Reads use list calls wherever Canvas has one, so their cost grows with
// the number of courses and groups, not learners: ReadState reads a course
// with one call each for its sections and its enrollments (in every state)
// and, in groups mode, its groups plus one per group for the memberships.
// The course itself comes from a short-lived cache of what ListCourses
// (which the Syncer calls first) and this LMS's writes saw, or from one
// GET when the cache has no fresh entry; a course whose groups listing
// found none is not listed again while that answer is fresh
// ([WithCourseCacheTTL]). ReadEvidence reads a course's assignments, every student's
// submissions (one paginated student_ids[]=all listing), module progress
// (bulk_user_progress) and enrollments (grades and last activity).
//
// Users are the exception. Enrollments name a user's name,
// login and SIS ID but not their email or time zone, and package canvas
// has no course-users listing (GET courses/:id/users) yet, so user details
// come from the user lookup [LMS.ReadUsers] uses: one GET per user for a
// few, one listing of the root account's users for many. The switch point
// starts at [WithUserListThreshold], never below what the listing must cost
// at least (the account holds every user a ReadState has seen enrolled:
// in a shared account a listing grows with every provider's users), and,
// once a listing has counted the account's pages, follows what the listing
// actually cost.
//
// Groups of the lms model become Canvas groups, each in a group category
// of its own (the default, [GroupsAsGroups]), or Canvas sections
// ([GroupsAsSections]); see [WithGroupsAs]. Canvas keeps a student in one
// group per category, so only a category per group lets a learner in two
// occurrences of one course belong to both groups. Courses made by earlier
// versions, whose groups share one category, are moved group by group on
// the first AddMember after a ReadState (see [RetiredGroupSISPrefix]). A
// membership needs the user's enrollment in the course; Canvas's refusal
// is [ErrNotEnrolled].
//
// A user with only a family name is stored with sortable_name "Family,",
// as Canvas's own last_name_first writes it, so it reads back as a family
// name.
//
// Errors wrap the *canvas.Error they came from and match the lms
// sentinels: a SIS ID or login in use is lms.ErrConflict, 404 is
// lms.ErrNotFound, 401 lms.ErrUnauthorized, a plain 403 lms.ErrForbidden,
// 400 validation failures lms.ErrInvalid, and throttling a
// *lms.RateLimitError.
package canvaslms
