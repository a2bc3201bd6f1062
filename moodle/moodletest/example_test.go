package moodletest_test

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

// A fake Moodle site with one seeded course, used through the real client;
// the fake counts calls per web service function.
func ExampleNewServer() {
	fake := moodletest.NewServer()
	defer fake.Close()
	fake.SeedCourse(moodletest.Course{FullName: "Term 1", ShortName: "T1", IDNumber: "2001"})

	client, err := moodle.New(fake.URL(), fake.AdminToken())
	if err != nil {
		panic(err)
	}
	courses, err := client.Courses.GetCoursesByField(context.Background(), "idnumber", "2001")
	if err != nil {
		panic(err)
	}
	for _, c := range courses {
		fmt.Println(c.FullName, c.IDNumber)
	}
	fmt.Println("calls:", fake.Calls()["core_course_get_courses_by_field"])
	// Output:
	// Term 1 2001
	// calls: 1
}
