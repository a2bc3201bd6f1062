package moodle_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

// Find a course by its SIS ID (idnumber), create it when missing, and
// tell a taken shortname from other failures.
func Example() {
	srv := moodletest.NewServer() // a real site: moodle.New("https://lms.example.edu.au", token)
	defer srv.Close()
	c, err := moodle.New(srv.URL(), srv.AdminToken())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	found, err := c.Courses.GetCoursesByField(ctx, moodle.CourseByIDNumber, "vt-unit-IST101")
	if err != nil {
		panic(err)
	}
	if len(found) == 0 {
		made, err := c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: "Introduction to Statistics",
			ShortName: "IST101", CategoryID: 1, IDNumber: moodle.Ptr("vt-unit-IST101"), StartDate: moodle.Ptr(int64(0))}})
		if err != nil {
			panic(err)
		}
		fmt.Println("created", made[0].ShortName)
	}

	_, err = c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: "Again", ShortName: "IST101", CategoryID: 1}})
	var ex *moodle.Exception
	if errors.Is(err, moodle.ErrTaken) && errors.As(err, &ex) {
		fmt.Println("refused:", ex.ErrorCode)
	}
	// Output:
	// created IST101
	// refused: shortnametaken
}
