package lms_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
)

// Everything in the lms interface is keyed by SIS ID and safe to repeat:
// enrolling twice changes nothing, creating twice is a conflict the caller
// can recognise, and reads come in bulk.
func Example() {
	ctx := context.Background()
	var target lms.LMS = memlms.New() // or canvaslms.New(client), or your own

	if _, err := target.CreateCourse(ctx, lms.Course{SISID: "vt-unit-IST101", Name: "Introduction to Statistics", Code: "IST101"}); err != nil {
		panic(err)
	}
	if _, err := target.CreateUser(ctx, lms.User{SISID: "vt-u-10001", Login: "john.smith@example.edu.au", GivenName: "John", FamilyName: "Smith"}); err != nil {
		panic(err)
	}
	e := lms.Enrolment{UserSISID: "vt-u-10001", CourseSISID: "vt-unit-IST101", Role: lms.RoleStudent, Status: lms.StatusActive}
	for range 2 { // a repeated enrolment is not an error, and not a second enrolment
		if _, err := target.Enrol(ctx, e); err != nil {
			panic(err)
		}
	}
	_, err := target.CreateUser(ctx, lms.User{SISID: "vt-u-10001", Login: "other@example.edu.au"})
	fmt.Println("create again is a conflict:", errors.Is(err, lms.ErrConflict))

	st, err := target.ReadState(ctx, []string{"vt-unit-IST101", "no-such-course"})
	if err != nil {
		panic(err)
	}
	fmt.Println("courses:", len(st.Courses), "users:", len(st.Users), "enrolments:", len(st.Enrolments))
	fmt.Println(st.Users[0].DisplayName(), "is a", st.Enrolments[0].Role)
	// Output:
	// create again is a conflict: true
	// courses: 1 users: 1 enrolments: 1
	// John Smith is a student
}
