package moodlelms

import (
	"context"
	"maps"
	"slices"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

// userFields are the enrolled-user fields a state read needs.
var userFields = []string{"id", "username", "firstname", "lastname", "email", "idnumber", "timezone", "roles", "groups"}

// courseState is one course as Moodle shows it.
type courseState struct {
	course   moodle.Course
	groups   map[int64]moodle.Group
	statusID int64 // the completed-marker group, 0 if none
	users    []moodle.User
	active   map[int64]bool
}

// read reads a course's groups, enrolled users (all states) and which of
// them are active: Moodle returns no enrolment status, so a second,
// onlyactive read tells them apart.
func (l *LMS) read(ctx context.Context, c moodle.Course) (*courseState, error) {
	gs, err := l.courseGroups(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	st := &courseState{course: c, groups: map[int64]moodle.Group{}, active: map[int64]bool{}}
	for _, g := range gs {
		st.groups[g.ID] = g
		if k, _ := l.classify(g); k == kindStatus {
			st.statusID = g.ID
		}
	}
	if st.users, err = l.c.Enrol.GetEnrolledUsers(ctx, c.ID, moodle.EnrolledUsersOptions{UserFields: userFields}); err != nil {
		return nil, err
	}
	if len(st.users) == 0 {
		return st, nil
	}
	act, err := l.c.Enrol.GetEnrolledUsers(ctx, c.ID, moodle.EnrolledUsersOptions{OnlyActive: true, UserFields: []string{"id"}})
	if err != nil {
		return nil, err
	}
	for _, u := range act {
		st.active[u.ID] = true
	}
	return st, nil
}

// enrolments are what Moodle's one enrolment of u means in the lms model:
// each mapped role times each section (or no section).
func (l *LMS) enrolments(st *courseState, u moodle.User) []lms.Enrolment {
	if u.IDNumber == "" {
		return nil
	}
	status := lms.StatusActive
	var secs []string
	completed := false
	for _, ug := range u.Groups {
		g, ok := st.groups[ug.ID]
		if !ok {
			continue
		}
		switch k, sis := l.classify(g); k {
		case kindSection:
			secs = append(secs, sis)
		case kindStatus:
			completed = true
		}
	}
	if !st.active[u.ID] {
		status = lms.StatusInactive
		if completed {
			status = lms.StatusCompleted
		}
	}
	if len(secs) == 0 {
		secs = []string{""}
	}
	slices.Sort(secs)
	var out []lms.Enrolment
	for _, r := range u.Roles {
		role, ok := l.roleOf[r.RoleID]
		if !ok {
			continue
		}
		for _, sec := range secs {
			out = append(out, lms.Enrolment{UserSISID: u.IDNumber, CourseSISID: st.course.IDNumber,
				SectionSISID: sec, Role: role, Status: status})
		}
	}
	return out
}

// ReadState reads the given courses: sections and groups from the course
// groups, enrolments and memberships from the enrolled users.
func (l *LMS) ReadState(ctx context.Context, courseSISIDs []string) (*lms.State, error) {
	out := &lms.State{}
	seen := map[string]bool{}
	for _, sis := range courseSISIDs {
		if sis == "" || seen[sis] {
			continue
		}
		seen[sis] = true
		c, err := l.course(ctx, "ReadState", sis)
		if lms.IgnoreNotFound(err) != nil {
			return nil, err
		}
		if err != nil {
			continue
		}
		st, err := l.read(ctx, c)
		if err != nil {
			return nil, wrap("ReadState", "course", sis, err)
		}
		out.Courses = append(out.Courses, toCourse(c))
		groupSIS := map[int64]string{}
		for _, id := range slices.Sorted(maps.Keys(st.groups)) {
			g := st.groups[id]
			switch k, gsis := l.classify(g); k {
			case kindSection:
				out.Sections = append(out.Sections, lms.Section{ID: idString(g.ID), SISID: gsis, CourseSISID: sis, Name: g.Name})
			case kindGroup:
				out.Groups = append(out.Groups, lms.Group{ID: idString(g.ID), SISID: gsis, CourseSISID: sis, Name: g.Name})
				groupSIS[g.ID] = gsis
			}
		}
		for _, u := range st.users {
			es := l.enrolments(st, u)
			var ms []lms.Membership
			for _, ug := range u.Groups {
				if gsis, ok := groupSIS[ug.ID]; ok && u.IDNumber != "" {
					ms = append(ms, lms.Membership{GroupSISID: gsis, UserSISID: u.IDNumber, Status: lms.StatusActive})
				}
			}
			if len(es) == 0 && len(ms) == 0 {
				continue
			}
			out.Enrolments = append(out.Enrolments, es...)
			out.Memberships = append(out.Memberships, ms...)
			if !slices.ContainsFunc(out.Users, func(x lms.User) bool { return x.SISID == u.IDNumber }) {
				out.Users = append(out.Users, toUser(u))
			}
		}
	}
	return out, nil
}
