package moodlelms

import (
	"context"
	"slices"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

// target is an enrolment resolved to Moodle ids.
type target struct {
	course  moodle.Course
	user    moodle.User
	role    int64
	section int64 // 0: none
}

func (l *LMS) resolve(ctx context.Context, op string, e lms.Enrolment) (target, error) {
	role, ok := l.cfg.roles[e.Role]
	if !ok {
		return target{}, fail(op, "enrolment", e.Key(), lms.ErrInvalid, "no Moodle role is configured for "+string(e.Role))
	}
	c, err := l.course(ctx, op, e.CourseSISID)
	if err != nil {
		return target{}, err
	}
	u, err := l.user(ctx, op, e.UserSISID)
	if err != nil {
		return target{}, err
	}
	t := target{course: c, user: u, role: role}
	if e.SectionSISID != "" {
		gs, err := l.courseGroups(ctx, c.ID)
		if err != nil {
			return target{}, wrap(op, "enrolment", e.Key(), err)
		}
		for _, g := range gs {
			if k, sis := l.classify(g); k == kindSection && sis == e.SectionSISID {
				t.section = g.ID
			}
		}
		if t.section == 0 {
			return target{}, fail(op, "enrolment", e.Key(), lms.ErrNotFound, "no section "+e.SectionSISID+" in the course")
		}
	}
	return t, nil
}

// Enrol enrols (or reactivates) the user with the role through the
// course's manual enrolment instance and puts them in the section group.
// Moodle's enrol_manual_enrol_users rewrites the enrolment's start and end
// dates to none: dates set on it by hand do not survive an Enrol.
func (l *LMS) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	const op = "Enrol"
	if e.Status != lms.StatusActive {
		return lms.Enrolment{}, fail(op, "enrolment", e.Key(), lms.ErrInvalid, "Enrol needs status active")
	}
	t, err := l.resolve(ctx, op, e)
	if err != nil {
		return lms.Enrolment{}, err
	}
	if err := l.c.Enrol.EnrolUsers(ctx, []moodle.Enrolment{{RoleID: t.role, UserID: t.user.ID,
		CourseID: t.course.ID, Suspend: moodle.Ptr(false)}}); err != nil {
		return lms.Enrolment{}, wrap(op, "enrolment", e.Key(), err)
	}
	if err := l.setCompleted(ctx, t, false); err != nil {
		return lms.Enrolment{}, wrap(op, "enrolment", e.Key(), err)
	}
	if t.section != 0 {
		if err := l.c.Groups.AddGroupMembers(ctx, []moodle.Member{{GroupID: t.section, UserID: t.user.ID}}); err != nil {
			return lms.Enrolment{}, wrap(op, "enrolment", e.Key(), err)
		}
	}
	return e, nil
}

// setCompleted puts the user in or out of the course's completed-marker
// group, making the group when first needed.
func (l *LMS) setCompleted(ctx context.Context, t target, on bool) error {
	gs, err := l.courseGroups(ctx, t.course.ID)
	if err != nil {
		return err
	}
	var status int64
	for _, g := range gs {
		if k, _ := l.classify(g); k == kindStatus {
			status = g.ID
		}
	}
	if status == 0 {
		if !on {
			return nil
		}
		made, err := l.c.Groups.CreateGroups(ctx, []moodle.NewGroup{{CourseID: t.course.ID, Name: l.cfg.completed,
			Description: "Learners whose enrolment vtsync marked completed.", IDNumber: l.cfg.completed}})
		if err != nil {
			return err
		}
		status = made[0].ID
	}
	m := []moodle.Member{{GroupID: status, UserID: t.user.ID}}
	if on {
		return l.c.Groups.AddGroupMembers(ctx, m)
	}
	return l.c.Groups.DeleteGroupMembers(ctx, m)
}

// Unenrol moves an enrolment to inactive (suspended), completed (suspended
// and marked) or deleted (unenrolled, or only the role or section removed
// when the user keeps other enrolments in the course).
func (l *LMS) Unenrol(ctx context.Context, e lms.Enrolment) error {
	const op = "Unenrol"
	if !slices.Contains([]lms.Status{lms.StatusInactive, lms.StatusCompleted, lms.StatusDeleted}, e.Status) {
		return fail(op, "enrolment", e.Key(), lms.ErrInvalid, "Unenrol needs status inactive, completed or deleted")
	}
	t, err := l.resolve(ctx, op, e)
	if err != nil {
		// An enrolment whose course, user or section is gone is absent.
		return lms.IgnoreNotFound(err)
	}
	st, err := l.read(ctx, t.course)
	if err != nil {
		return wrap(op, "enrolment", e.Key(), err)
	}
	i := slices.IndexFunc(st.users, func(u moodle.User) bool { return u.ID == t.user.ID })
	if i < 0 {
		return nil
	}
	have := l.enrolments(st, st.users[i])
	if !slices.ContainsFunc(have, func(x lms.Enrolment) bool { return x.Key() == e.Key() }) {
		return nil
	}
	if e.Status != lms.StatusDeleted {
		err := l.c.Enrol.EnrolUsers(ctx, []moodle.Enrolment{{RoleID: t.role, UserID: t.user.ID,
			CourseID: t.course.ID, Suspend: moodle.Ptr(true)}})
		if err == nil {
			err = l.setCompleted(ctx, t, e.Status == lms.StatusCompleted)
		}
		return wrap(op, "enrolment", e.Key(), err)
	}
	roles, sections := map[lms.Role]bool{}, map[string]bool{}
	for _, x := range have {
		roles[x.Role], sections[x.SectionSISID] = true, true
	}
	switch {
	case t.section != 0 && len(sections) > 1 && len(roles) == 1:
		err = l.c.Groups.DeleteGroupMembers(ctx, []moodle.Member{{GroupID: t.section, UserID: t.user.ID}})
	case len(roles) > 1:
		err = l.c.Roles.UnassignRoles(ctx, []moodle.RoleAssignment{{RoleID: t.role, UserID: t.user.ID, CourseID: t.course.ID}})
	default:
		err = l.c.Enrol.UnenrolUsers(ctx, []moodle.Unenrolment{{UserID: t.user.ID, CourseID: t.course.ID}})
	}
	return wrap(op, "enrolment", e.Key(), err)
}
