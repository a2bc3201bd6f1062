package canvastest_test

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// A strict fake Canvas with one seeded course, used through the real
// client; the fake counts the call under the client's operation key.
func ExampleNewServer_client() {
	fake := canvastest.NewServer(canvastest.WithStrict())
	defer fake.Close()
	fake.SeedCourse(canvastest.Course{Name: "Term 1", CourseCode: "T1", SISCourseID: "2001"})

	client, err := canvas.New(fake.URL(), fake.AdminToken())
	if err != nil {
		panic(err)
	}
	c, err := client.Courses.Get(context.Background(), canvas.SISCourse("2001"))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Name, c.SISCourseID)
	fmt.Println("calls:", fake.Calls()["GET courses/{id}"])
	// Output:
	// Term 1 2001
	// calls: 1
}
