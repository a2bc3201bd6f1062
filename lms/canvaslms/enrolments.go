package canvaslms

import (
	"context"
	"errors"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

var roleTypes = map[lms.Role]canvas.EnrollmentType{
	lms.RoleStudent:  canvas.StudentEnrollment,
	lms.RoleTeacher:  canvas.TeacherEnrollment,
	lms.RoleTA:       canvas.TAEnrollment,
	lms.RoleDesigner: canvas.DesignerEnrollment,
	lms.RoleObserver: canvas.ObserverEnrollment,
}

// roleOf maps an enrollment's base type to a role. Custom Canvas roles
// (role names other than the type) read as their base type's role.
func roleOf(t canvas.EnrollmentType) (lms.Role, bool) {
	for r, rt := range roleTypes {
		if rt == t {
			return r, true
		}
	}
	return "", false
}

// statusOf maps a Canvas enrollment state to an lms status. Invited and
// creation_pending enrollments (the learner has not accepted yet, or the
// course is unpublished) count as active: the learner is in the course.
// A rejected invitation counts as inactive.
func statusOf(state string) (lms.Status, bool) {
	switch state {
	case canvas.EnrollmentActive, canvas.EnrollmentInvited, canvas.EnrollmentCreationPending:
		return lms.StatusActive, true
	case canvas.EnrollmentInactive, canvas.EnrollmentRejected:
		return lms.StatusInactive, true
	case canvas.EnrollmentCompleted:
		return lms.StatusCompleted, true
	case canvas.EnrollmentDeleted:
		return lms.StatusDeleted, true
	}
	return "", false
}

// taskState is the state a task leaves an enrollment in ("" for an
// unknown task).
func taskState(t canvas.EnrollmentTask) string {
	switch t {
	case canvas.TaskInactivate:
		return canvas.EnrollmentInactive
	case canvas.TaskConclude:
		return canvas.EnrollmentCompleted
	case canvas.TaskDelete:
		return canvas.EnrollmentDeleted
	}
	return ""
}

// Enrol enrolls the user in the course (in e.SectionSISID when set, else
// the course's default section) with enrollment_state active and no
// notification. Canvas re-uses an existing enrollment with the same user,
// section and role, so enrolling is safe to repeat; one it leaves inactive
// is reactivated.
func (l *LMS) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	const op = "Enrol"
	if err := begin(ctx); err != nil {
		return lms.Enrolment{}, err
	}
	key := e.Key()
	if e.Status != lms.StatusActive {
		return lms.Enrolment{}, fail(op, "enrolment", key, lms.ErrInvalid, "status "+quote(string(e.Status))+" is not active")
	}
	typ, ok := roleTypes[e.Role]
	if !ok {
		return lms.Enrolment{}, fail(op, "enrolment", key, lms.ErrInvalid, "unknown role "+quote(string(e.Role)))
	}
	if e.CourseSISID == "" || e.UserSISID == "" {
		return lms.Enrolment{}, fail(op, "enrolment", key, lms.ErrNotFound, "course or user SIS ID is empty")
	}
	if l.isGroupSection(e.SectionSISID) {
		return lms.Enrolment{}, fail(op, "enrolment", key, lms.ErrNotFound, "section SIS ID names a group's section")
	}
	p := canvas.EnrollParams{User: canvas.SISUser(e.UserSISID), Type: typ}
	if e.SectionSISID != "" {
		p.Section = canvas.SISSection(e.SectionSISID)
	}
	got, err := l.enrolActive(ctx, op, "enrolment", key, canvas.SISCourse(e.CourseSISID), nil, p)
	if err != nil {
		return lms.Enrolment{}, err
	}
	out := e
	out.ID = got.ID.String()
	out.Status = lms.StatusActive
	return out, nil
}

// enrolActive enrolls through the course (course set) or the section, as
// active and silent, and reactivates an enrollment Canvas re-used but left
// inactive.
func (l *LMS) enrolActive(ctx context.Context, op, kind, key string, course canvas.CourseRef, section canvas.SectionRef, p canvas.EnrollParams) (*canvas.Enrollment, error) {
	p.State = canvas.EnrollmentActive
	p.Notify = canvas.Ptr(false)
	var got *canvas.Enrollment
	var err error
	if course != nil {
		got, err = l.c.Enrollments.Enroll(ctx, course, p)
	} else {
		got, err = l.c.Enrollments.EnrollInSection(ctx, section, p)
	}
	if err != nil {
		return nil, wrap(op, kind, key, err)
	}
	if got.EnrollmentState == canvas.EnrollmentInactive {
		if got, err = l.c.Enrollments.Reactivate(ctx, got.CourseID, got.ID); err != nil {
			return nil, wrap(op, kind, key, err)
		}
	}
	if st, _ := statusOf(got.EnrollmentState); st != lms.StatusActive {
		return nil, fail(op, kind, key, lms.ErrInvalid, "Canvas left the enrollment "+quote(got.EnrollmentState))
	}
	return got, nil
}

// Unenrol ends the enrolment with the Canvas task configured for e.Status
// (see WithUnenrolTask). An absent or already ended enrolment, including
// one whose course or user does not exist, is left alone without error.
//
// When e.ID holds the Canvas enrollment ID (ReadState returns it, and the
// Syncer carries the observed one into its unenrol op) the enrollment is
// ended by it, one call: DELETE courses/sis_course_id:…/enrollments/:id
// with the task. canvas-lms enrollments_api_controller.rb#destroy finds
// the enrollment as @context.enrollments.find(params[:id]), within the
// course the URL names (application_controller.rb#get_context finds that
// with api_find(Course.active, params[:course_id]), so sis_course_id:
// works): an ID of another course is not found there, and neither is a
// deleted enrollment (404). The ID is trusted to be the enrolment's own,
// as ReadState paired them. The task is sent even when the enrollment is
// already where it leaves it (a retried op): destroy runs it on any
// enrollment it finds. A 404 by ID (the enrollment was deleted, or the ID
// is stale) falls back to the listing below, which then decides.
//
// Without an ID (a plan saved by an older version, a caller that never
// read the enrolment) the enrolment is found with one listing of the
// user's enrollments in the course, matched by section SIS ID and role,
// and every match not yet ended is ended.
func (l *LMS) Unenrol(ctx context.Context, e lms.Enrolment) error {
	const op = "Unenrol"
	if err := begin(ctx); err != nil {
		return err
	}
	key := e.Key()
	if _, ok := l.cfg.tasks[e.Status]; !ok {
		return fail(op, "enrolment", key, lms.ErrInvalid, "status "+quote(string(e.Status))+" is not inactive, completed or deleted")
	}
	typ, ok := roleTypes[e.Role]
	if !ok {
		return fail(op, "enrolment", key, lms.ErrInvalid, "unknown role "+quote(string(e.Role)))
	}
	if e.CourseSISID == "" || e.UserSISID == "" {
		return nil
	}
	if id, err := parseID(e.ID); err == nil {
		_, err := l.c.Enrollments.End(ctx, canvas.SISCourse(e.CourseSISID), id, l.cfg.tasks[e.Status])
		if !errors.Is(err, canvas.ErrNotFound) {
			return wrap(op, "enrolment", key, err)
		}
		l.log.Debug("canvaslms: enrollment not found by ID; listing the user's", "enrolment", key, "enrollment", e.ID)
	}
	match := func(en *canvas.Enrollment) bool { return en.Type == typ && en.SISSectionID == e.SectionSISID }
	return l.endEnrollments(ctx, op, "enrolment", key, e.Status, match, func() ([]canvas.Enrollment, error) {
		return canvas.Collect(l.c.Enrollments.ListByCourse(ctx, canvas.SISCourse(e.CourseSISID),
			&canvas.ListEnrollmentsOptions{User: canvas.SISUser(e.UserSISID), State: canvas.AllEnrollmentStates()}))
	})
}

// endEnrollments ends every listed enrollment that match accepts and that
// is neither deleted nor already where the task for to leaves it. A 404
// from the listing (unknown course, section or user) is nothing to end.
func (l *LMS) endEnrollments(ctx context.Context, op, kind, key string, to lms.Status, match func(*canvas.Enrollment) bool, listFn func() ([]canvas.Enrollment, error)) error {
	task := l.cfg.tasks[to]
	ens, err := listFn()
	if err != nil {
		if errors.Is(err, canvas.ErrNotFound) {
			return nil
		}
		return wrap(op, kind, key, err)
	}
	for i := range ens {
		en := &ens[i]
		if !match(en) || en.EnrollmentState == canvas.EnrollmentDeleted || en.EnrollmentState == taskState(task) {
			continue
		}
		if _, err := l.c.Enrollments.End(ctx, en.CourseID, en.ID, task); err != nil {
			if errors.Is(err, canvas.ErrNotFound) {
				continue
			}
			return wrap(op, kind, key, err)
		}
	}
	return nil
}
