package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// enrollmentType is the Canvas enrollment type of an LMS role.
var enrollmentType = map[lms.Role]canvas.EnrollmentType{
	lms.RoleStudent: canvas.StudentEnrollment, lms.RoleTeacher: canvas.TeacherEnrollment,
	lms.RoleTA: canvas.TAEnrollment, lms.RoleDesigner: canvas.DesignerEnrollment, lms.RoleObserver: canvas.ObserverEnrollment,
}

// perRecordLive runs the per-record push model (pushWork) for real against
// an empty Canvas: each course and section looked up and created, each
// learner looked up once per VETtrak enrolment and each teacher once per
// section (created when missing), and every enrolment POSTed to its
// section by SIS IDs. The benchmark counts this model instead of running
// it; the test runs it on the smallest size and checks the count. Groups
// are counted but not run (the unit workflow the test uses has none).
func perRecordLive(ctx context.Context, c *canvas.Client, want *mapping.Desired) error {
	if len(want.State.Groups)+len(want.State.Memberships) > 0 {
		return fmt.Errorf("perRecordLive: groups are counted, not run")
	}
	for _, co := range want.State.Courses {
		if _, err := c.Courses.Get(ctx, canvas.SISCourse(co.SISID)); !errors.Is(err, canvas.ErrNotFound) {
			return fmt.Errorf("get course %s: want not found, got %v", co.SISID, err)
		}
		if _, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: &co.Name, CourseCode: &co.Code, SISCourseID: &co.SISID}); err != nil {
			return fmt.Errorf("create course %s: %w", co.SISID, err)
		}
	}
	for _, sec := range want.State.Sections {
		if _, err := c.Sections.Get(ctx, canvas.SISSection(sec.SISID)); !errors.Is(err, canvas.ErrNotFound) {
			return fmt.Errorf("get section %s: want not found, got %v", sec.SISID, err)
		}
		if _, err := c.Sections.Create(ctx, canvas.SISCourse(sec.CourseSISID), canvas.SectionParams{Name: &sec.Name, SISSectionID: &sec.SISID}); err != nil {
			return fmt.Errorf("create section %s: %w", sec.SISID, err)
		}
	}
	users := map[string]lms.User{}
	for _, u := range want.State.Users {
		users[u.SISID] = u
	}
	lookup := func(sis string) error {
		if _, err := c.Users.Get(ctx, canvas.SISUser(sis)); !errors.Is(err, canvas.ErrNotFound) {
			return err
		}
		u := users[sis]
		if _, err := c.Users.Create(ctx, canvas.Self, canvas.NewUser{Name: u.DisplayName(), UniqueID: u.Login,
			SISUserID: u.SISID, Email: u.Email, SkipConfirmation: true, SkipRegistration: true}); err != nil {
			return fmt.Errorf("create user %s: %w", u.SISID, err)
		}
		return nil
	}
	looked := map[string]bool{}
	for _, pv := range want.Provenance {
		key := fmt.Sprint(pv.EnrolmentID)
		if pv.Status != lms.StatusActive || looked[key] {
			continue
		}
		looked[key] = true
		if err := lookup(pv.UserSISID); err != nil {
			return fmt.Errorf("user %s: %w", pv.UserSISID, err)
		}
	}
	for _, e := range want.State.Enrolments {
		if e.Status != lms.StatusActive {
			continue
		}
		if key := e.CourseSISID + "|" + e.SectionSISID + "|" + e.UserSISID; e.Role != lms.RoleStudent && !looked[key] {
			looked[key] = true
			if err := lookup(e.UserSISID); err != nil {
				return fmt.Errorf("teacher %s: %w", e.UserSISID, err)
			}
		}
		p := canvas.EnrollParams{User: canvas.SISUser(e.UserSISID), Type: enrollmentType[e.Role], State: canvas.EnrollmentActive}
		var err error
		if e.SectionSISID != "" {
			_, err = c.Enrollments.EnrollInSection(ctx, canvas.SISSection(e.SectionSISID), p)
		} else {
			_, err = c.Enrollments.Enroll(ctx, canvas.SISCourse(e.CourseSISID), p)
		}
		if err != nil {
			return fmt.Errorf("enrol %s in %s/%s: %w", e.UserSISID, e.CourseSISID, e.SectionSISID, err)
		}
	}
	return nil
}
