package main

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// perRecordLive runs the per-record push model for real against a Canvas:
// for each enrolled unit, look the user up by SIS ID (creating them when
// missing), look the course up (creating it when missing), and enrol. The
// benchmark counts this model instead of running it (it is slow by design);
// the test runs it on the smallest size and checks the count.
func perRecordLive(ctx context.Context, c *canvas.Client, want *mapping.Desired) error {
	users := map[string]lms.User{}
	for _, u := range want.State.Users {
		users[u.SISID] = u
	}
	courses := map[string]lms.Course{}
	for _, co := range want.State.Courses {
		courses[co.SISID] = co
	}
	for _, pv := range want.Provenance {
		if pv.Status != lms.StatusActive {
			continue
		}
		for range max(1, len(pv.UnitCodes)) {
			if _, err := c.Users.Get(ctx, canvas.SISUser(pv.UserSISID)); canvas.IsNotFound(err) {
				u := users[pv.UserSISID]
				if _, err := c.Users.Create(ctx, canvas.Self, canvas.NewUser{Name: u.DisplayName(), UniqueID: u.Login,
					SISUserID: u.SISID, Email: u.Email, SkipConfirmation: true, SkipRegistration: true}); err != nil {
					return fmt.Errorf("create user %s: %w", u.SISID, err)
				}
			} else if err != nil {
				return fmt.Errorf("get user %s: %w", pv.UserSISID, err)
			}
			if _, err := c.Courses.Get(ctx, canvas.SISCourse(pv.CourseSISID)); canvas.IsNotFound(err) {
				co := courses[pv.CourseSISID]
				if _, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: &co.Name, CourseCode: &co.Code,
					SISCourseID: &co.SISID}); err != nil {
					return fmt.Errorf("create course %s: %w", co.SISID, err)
				}
			} else if err != nil {
				return fmt.Errorf("get course %s: %w", pv.CourseSISID, err)
			}
			if _, err := c.Enrollments.Enroll(ctx, canvas.SISCourse(pv.CourseSISID), canvas.EnrollParams{
				User: canvas.SISUser(pv.UserSISID), State: canvas.EnrollmentActive}); err != nil {
				return fmt.Errorf("enrol %s in %s: %w", pv.UserSISID, pv.CourseSISID, err)
			}
		}
	}
	return nil
}
