package canvas_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// The SMS-pushes-to-Canvas flow: a course with a SIS ID, a section per
// trainer group, a learner enrolled in it, all addressed by SIS ID.
func Example() {
	srv := canvastest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := canvas.New(srv.URL(), srv.AdminToken())
	if err != nil {
		log.Fatal(err)
	}
	course, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{
		Name: canvas.Ptr("Lead a team"), CourseCode: canvas.Ptr("BSBLDR501"),
		SISCourseID: canvas.Ptr("BSBLDR501/2026.1"), Offer: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Sections.Create(ctx, canvas.SISCourse("BSBLDR501/2026.1"), canvas.SectionParams{
		Name: canvas.Ptr("Trainer: J. Smith"), SISSectionID: canvas.Ptr("BSBLDR501/2026.1-JS"),
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Users.Create(ctx, canvas.Self, canvas.NewUser{
		Name: "Ada Lovelace", UniqueID: "ada@example.edu", SISUserID: "VT-1001",
		Email: "ada@example.edu", SkipConfirmation: true, TimeZone: "Australia/Sydney",
	})
	if err != nil {
		log.Fatal(err)
	}
	e, err := c.Enrollments.EnrollInSection(ctx, canvas.SISSection("BSBLDR501/2026.1-JS"), canvas.EnrollParams{
		User: canvas.SISUser("VT-1001"), State: canvas.EnrollmentActive, Notify: canvas.Ptr(false),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(course.SISCourseID, course.WorkflowState)
	fmt.Println(e.SISUserID, e.Type, e.EnrollmentState, e.SISSectionID)
	// Output:
	// BSBLDR501/2026.1 available
	// VT-1001 StudentEnrollment active BSBLDR501/2026.1-JS
}

// Upsert by SIS ID: look up, create when missing, and treat "SIS ID already
// in use" (a concurrent create) as "look it up again".
func Example_upsertBySISID() {
	srv := canvastest.NewServer()
	defer srv.Close()
	srv.SeedCourse(canvastest.Course{Name: "Existing", SISCourseID: "IST101"})
	c, _ := canvas.New(srv.URL(), srv.AdminToken())
	ctx := context.Background()

	_, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("New"), SISCourseID: canvas.Ptr("IST101")})
	if errors.Is(err, canvas.ErrSISIDTaken) {
		course, err := c.Courses.Get(ctx, canvas.SISCourse("IST101"))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("already there:", course.Name)
	}
	_, err = c.Courses.Get(ctx, canvas.SISCourse("NOPE"))
	fmt.Println("not found:", errors.Is(err, canvas.ErrNotFound))
	// Output:
	// already there: Existing
	// not found: true
}

// Grade passback: every student's submissions in one paginated call, and
// the unit code read from each assessment's title.
func ExampleSubmissionsService_ListForStudents() {
	srv := canvastest.NewServer()
	defer srv.Close()
	course := srv.SeedCourse(canvastest.Course{Name: "Diploma", SISCourseID: "BSB50420"})
	ada := srv.SeedUser(canvastest.User{Name: "Ada", LoginID: "ada", SISUserID: "VT-1"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: ada})
	wa := srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "Written Assessment (BSBLDR501)", PointsPossible: 100, Published: true})
	srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "Project (BSBLDR501)", PointsPossible: 100, Published: true})
	score := 85.0
	srv.SeedSubmission(canvastest.Submission{AssignmentID: wa, UserID: ada, Score: &score})

	c, _ := canvas.New(srv.URL(), srv.AdminToken())
	names := map[canvas.ID]string{}
	for a, err := range c.Assignments.List(context.Background(), canvas.SISCourse("BSB50420"), nil) {
		if err != nil {
			log.Fatal(err)
		}
		names[a.ID] = a.Name
	}
	for s, err := range c.Submissions.ListForStudents(context.Background(), canvas.SISCourse("BSB50420"), nil) {
		if err != nil {
			log.Fatal(err)
		}
		grade := "-"
		if s.Grade != nil {
			grade = *s.Grade
		}
		fmt.Printf("%s: %s %s\n", names[s.AssignmentID], s.WorkflowState, grade)
	}
	// Output:
	// Written Assessment (BSBLDR501): graded 85
	// Project (BSBLDR501): unsubmitted -
}

// A nightly bulk load: zip the CSVs, upload, wait for a final state, read
// the per-row messages.
func ExampleSISImportsService_Create() {
	srv := canvastest.NewServer()
	defer srv.Close()
	c, _ := canvas.New(srv.URL(), srv.AdminToken())
	ctx := context.Background()

	zip, err := canvas.ZipCSV(map[string][]byte{
		"users.csv":       []byte("user_id,login_id,full_name,status\nVT-1,ada,Ada Lovelace,active\n"),
		"courses.csv":     []byte("course_id,short_name,long_name,status\nIST101-2026,IST101,Intro to IST,active\n"),
		"enrollments.csv": []byte("course_id,user_id,role,status\nIST101-2026,VT-1,student,active\nIST101-2026,VT-404,student,active\n"),
	})
	if err != nil {
		log.Fatal(err)
	}
	imp, err := c.SISImports.Create(ctx, canvas.Self, zip, canvas.SISImportOptions{DiffingDataSetIdentifier: "vettrak:2026"})
	if err != nil {
		log.Fatal(err)
	}
	imp, err = c.SISImports.Wait(ctx, canvas.Self, imp.ID, 10*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(imp.WorkflowState, imp.Data.Counts["users"], imp.Data.Counts["enrollments"])
	for e, err := range c.SISImports.Errors(ctx, canvas.Self, imp.ID) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.File, *e.Row, e.Message)
	}
	// Output:
	// imported_with_messages 1 1
	// enrollments.csv 3 User not found for enrollment (User ID: VT-404, Course ID: IST101-2026, Section ID: , Role: student)
}

// Throttling is handled inside the client: both of Canvas's throttle
// answers are retried with backoff, and Stats shows the cost.
func ExampleClient_Stats() {
	srv := canvastest.NewServer(canvastest.WithThrottle(canvastest.CanvasThrottle()))
	defer srv.Close()
	srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Throttle: true, Times: 1})
	// Short waits keep the example fast; by default the client backs off
	// for seconds and paces until the quota refills.
	c, _ := canvas.New(srv.URL(), srv.AdminToken(),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}), canvas.WithPacing(canvas.Pacing{}))

	course, err := c.Courses.Get(context.Background(), canvas.SISCourse("X"))
	if err != nil {
		log.Fatal(err)
	}
	st := c.Stats()
	fmt.Println(course.Name, st.Reads, st.ByOp["GET courses/{id}"], c.RateLimit().Throttled)
	// Output:
	// X 2 2 1
}

// An endpoint the client does not wrap, through the escape hatch: same
// token, pacing, retries and error types as the wrapped calls.
func ExampleClient_Do() {
	srv := canvastest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := canvas.New(srv.URL(), srv.AdminToken())
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("Lead a team"), SISCourseID: canvas.Ptr("BSBLDR501/2026.1")}); err != nil {
		log.Fatal(err)
	}
	var course struct {
		Name  string `json:"name"`
		SISID string `json:"sis_course_id"`
	}
	err = c.Do(ctx, canvas.Request{Method: "GET", Path: "courses/{id}", Refs: []any{canvas.SISCourse("BSBLDR501/2026.1")}}, &course)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(course.Name, course.SISID)
	err = c.Do(ctx, canvas.Request{Method: "GET", Path: "courses/{id}", Refs: []any{canvas.SISCourse("no-such-course")}}, nil)
	fmt.Println(errors.Is(err, canvas.ErrNotFound))
	// Output:
	// Lead a team BSBLDR501/2026.1
	// true
}
