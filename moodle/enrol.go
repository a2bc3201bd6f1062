package moodle

import (
	"context"
	"iter"
	"strconv"
	"strings"
)

// EnrolService calls enrol_manual_enrol_users / enrol_manual_unenrol_users
// (enrol/manual/externallib.php) and core_enrol_get_enrolled_users
// (enrol/externallib.php core_enrol_external).
type EnrolService service

// Enrolment is one manual enrolment for EnrolUsers.
type Enrolment struct {
	RoleID   int64
	UserID   int64
	CourseID int64
	// TimeStart and TimeEnd are Unix seconds; Moodle stores 0 (none)
	// when they are not sent.
	TimeStart *int64
	TimeEnd   *int64
	// Suspend sends suspend=1 (ENROL_USER_SUSPENDED) when true and
	// suspend=0 when false.
	Suspend *bool
}

// EnrolUsers calls enrol_manual_enrol_users (enrol/manual/externallib.php
// enrol_users). It is not a no-op on an existing enrolment: Moodle's
// enrol_plugin::enrol_user() rewrites timestart, timeend and status (so a
// plain re-enrol reactivates a suspended enrolment) and role_assign() adds
// the role beside any the user holds. One transaction; the course needs an
// enabled manual instance (else wsnoinstance) and the role must be
// assignable by the token's user (else wsusercannotassign).
func (s *EnrolService) EnrolUsers(ctx context.Context, enrolments []Enrolment) error {
	p := Params{}
	for i, e := range enrolments {
		p.SetInt(Key("enrolments", i, "roleid"), e.RoleID)
		p.SetInt(Key("enrolments", i, "userid"), e.UserID)
		p.SetInt(Key("enrolments", i, "courseid"), e.CourseID)
		p.optInt(Key("enrolments", i, "timestart"), e.TimeStart)
		p.optInt(Key("enrolments", i, "timeend"), e.TimeEnd)
		if e.Suspend != nil {
			v := int64(0)
			if *e.Suspend {
				v = 1
			}
			p.SetInt(Key("enrolments", i, "suspend"), v)
		}
	}
	return s.client.do(ctx, call{fn: "enrol_manual_enrol_users", params: p, write: true, idem: true}, nil)
}

// Unenrolment is one manual unenrolment. (Moodle 4.5 accepts and ignores a
// roleid here; 5.2 rejects it, so the client never sends it.)
type Unenrolment struct {
	UserID   int64
	CourseID int64
}

// UnenrolUsers calls enrol_manual_unenrol_users
// (enrol/manual/externallib.php unenrol_users). Unenrolling a user who is
// not enrolled succeeds silently. When it removes the user's last
// enrolment in the course, Moodle also removes their roles, group
// memberships and gradebook grades there (enrol_plugin::unenrol_user).
func (s *EnrolService) UnenrolUsers(ctx context.Context, unenrolments []Unenrolment) error {
	p := Params{}
	for i, u := range unenrolments {
		p.SetInt(Key("enrolments", i, "userid"), u.UserID)
		p.SetInt(Key("enrolments", i, "courseid"), u.CourseID)
	}
	return s.client.do(ctx, call{fn: "enrol_manual_unenrol_users", params: p, write: true, idem: true}, nil)
}

// EnrolledUsersOptions are the options of core_enrol_get_enrolled_users.
type EnrolledUsersOptions struct {
	// OnlyActive leaves out suspended, not-yet-started and ended
	// enrolments; OnlySuspended keeps only those. Both need
	// moodle/course:enrolreview. Moodle returns no enrolment status, so
	// these are the only way to tell.
	OnlyActive    bool
	OnlySuspended bool
	GroupID       int64
	// UserFields limits the fields returned (e.g. "id", "idnumber",
	// "roles", "groups"); empty returns all.
	UserFields []string
	// PageSize, when set, reads in pages of that many users (limitfrom,
	// limitnumber) ordered by id.
	PageSize int
}

func (o EnrolledUsersOptions) params(courseID int64, from, limit int) Params {
	p := Params{}
	p.SetInt("courseid", courseID)
	var nv []NameValue
	if o.OnlyActive {
		nv = append(nv, NameValue{"onlyactive", "1"})
	}
	if o.OnlySuspended {
		nv = append(nv, NameValue{"onlysuspended", "1"})
	}
	if o.GroupID != 0 {
		nv = append(nv, NameValue{"groupid", strconv.FormatInt(o.GroupID, 10)})
	}
	if len(o.UserFields) > 0 {
		nv = append(nv, NameValue{"userfields", strings.Join(o.UserFields, ",")})
	}
	if limit > 0 {
		nv = append(nv, NameValue{"limitfrom", strconv.Itoa(from)}, NameValue{"limitnumber", strconv.Itoa(limit)},
			NameValue{"sortby", "id"})
	}
	p.nameValues("options", nv)
	return p
}

// GetEnrolledUsers calls core_enrol_get_enrolled_users
// (enrol/externallib.php get_enrolled_users) and returns every user
// enrolled in the course by any method and in any state (unless filtered),
// deleted users excluded.
func (s *EnrolService) GetEnrolledUsers(ctx context.Context, courseID int64, opts EnrolledUsersOptions) ([]User, error) {
	var all []User
	for u, err := range s.EnrolledUsers(ctx, courseID, opts) {
		if err != nil {
			return nil, err
		}
		all = append(all, u)
	}
	return all, nil
}

// EnrolledUsers iterates over core_enrol_get_enrolled_users, a page of
// opts.PageSize users per call (one call when PageSize is 0).
func (s *EnrolService) EnrolledUsers(ctx context.Context, courseID int64, opts EnrolledUsersOptions) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		from := 0
		for {
			var page []User
			err := s.client.do(ctx, call{fn: "core_enrol_get_enrolled_users",
				params: opts.params(courseID, from, opts.PageSize), idem: true}, &page)
			if err != nil {
				yield(User{}, err)
				return
			}
			for _, u := range page {
				if !yield(u, nil) {
					return
				}
			}
			if opts.PageSize <= 0 || len(page) < opts.PageSize {
				return
			}
			from += len(page)
		}
	}
}

// RolesService calls core_role_assign_roles / core_role_unassign_roles
// (enrol/externallib.php core_role_external).
type RolesService service

// RoleAssignment assigns or unassigns one role in a course context.
type RoleAssignment struct {
	RoleID   int64
	UserID   int64
	CourseID int64
}

// roleParams encodes assignments under name: "assignments" for
// assign_roles_parameters(), "unassignments" for
// unassign_roles_parameters() (enrol/externallib.php).
func roleParams(name string, as []RoleAssignment) Params {
	p := Params{}
	for i, a := range as {
		p.SetInt(Key(name, i, "roleid"), a.RoleID)
		p.SetInt(Key(name, i, "userid"), a.UserID)
		p.Set(Key(name, i, "contextlevel"), "course")
		p.SetInt(Key(name, i, "instanceid"), a.CourseID)
	}
	return p
}

// AssignRoles calls core_role_assign_roles with contextlevel "course".
// One transaction; a role the token's user may not assign fails it.
func (s *RolesService) AssignRoles(ctx context.Context, as []RoleAssignment) error {
	return s.client.do(ctx, call{fn: "core_role_assign_roles", params: roleParams("assignments", as), write: true, idem: true}, nil)
}

// UnassignRoles calls core_role_unassign_roles with contextlevel
// "course". It removes only manual role assignments (component ”), which
// is what manual enrolment makes, and leaves the enrolment itself.
func (s *RolesService) UnassignRoles(ctx context.Context, as []RoleAssignment) error {
	return s.client.do(ctx, call{fn: "core_role_unassign_roles", params: roleParams("unassignments", as), write: true, idem: true}, nil)
}
