package moodlelms_test

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

// An lms.LMS on Moodle: a course, a section (a Moodle group) and a
// learner in it, read back as the lms model sees them.
func Example() {
	srv := moodletest.NewServer()
	defer srv.Close()
	// No client-side rate limit against the in-process fake.
	client, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0))
	if err != nil {
		panic(err)
	}
	l, err := moodlelms.New(client, moodlelms.WithCategory(1))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	_, err = l.CreateCourse(ctx, lms.Course{SISID: "vt-unit-IST101", Name: "Introduction to Statistics", Code: "IST101"})
	must(err)
	_, err = l.CreateSection(ctx, lms.Section{SISID: "trainer-7", CourseSISID: "vt-unit-IST101", Name: "Tina Taylor"})
	must(err)
	_, err = l.CreateUser(ctx, lms.User{SISID: "vt-u-10001", Login: "john.smith@example.edu.au", GivenName: "John",
		FamilyName: "Smith", Email: "john.smith@example.edu.au", TimeZone: "Australia/Sydney"})
	must(err)
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "vt-u-10001", CourseSISID: "vt-unit-IST101",
		SectionSISID: "trainer-7", Role: lms.RoleStudent, Status: lms.StatusActive})
	must(err)

	st, err := l.ReadState(ctx, []string{"vt-unit-IST101"})
	must(err)
	fmt.Println(st.Sections[0].Name, st.Enrolments[0].Key(), st.Enrolments[0].Status)
	// Output: Tina Taylor vt-unit-IST101|trainer-7|vt-u-10001|student active
}
