package canvas_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// BenchmarkListEnrollments lists 500 enrollments (5 bookmark pages of 100)
// per op, on loopback and with 2ms of modelled network latency per call.
func BenchmarkListEnrollments(b *testing.B) {
	for _, lat := range []time.Duration{0, 2 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%v", lat), func(b *testing.B) {
			srv := canvastest.NewServer(canvastest.WithLatency(lat))
			defer srv.Close()
			course := srv.SeedCourse(canvastest.Course{Name: "Big", SISCourseID: "BIG"})
			for i := range 500 {
				u := srv.SeedUser(canvastest.User{Name: fmt.Sprint(i), LoginID: fmt.Sprint(i), SISUserID: fmt.Sprint("S", i)})
				srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
			}
			c, err := canvas.New(srv.URL(), srv.AdminToken(), fastOpts()...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range c.Enrollments.ListByCourse(b.Context(), canvas.SISCourse("BIG"), nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 500 {
					b.Fatalf("got %d", n)
				}
			}
			b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "enrollments/s")
		})
	}
}

// BenchmarkEnrollUpsert re-enrolls an existing student: the write a
// converged sync repeats least, but the one it must never duplicate.
func BenchmarkEnrollUpsert(b *testing.B) {
	srv := canvastest.NewServer()
	defer srv.Close()
	course := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
	srv.SeedUser(canvastest.User{Name: "L", LoginID: "l", SISUserID: "L"})
	_ = course
	c, err := canvas.New(srv.URL(), srv.AdminToken(), fastOpts()...)
	if err != nil {
		b.Fatal(err)
	}
	p := canvas.EnrollParams{User: canvas.SISUser("L"), State: canvas.EnrollmentActive, Notify: canvas.Ptr(false)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Enrollments.Enroll(b.Context(), canvas.SISCourse("C"), p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLinkHeader(b *testing.B) {
	h := []string{`<https://x.instructure.com/api/v1/courses/1/enrollments?page=bookmark:WzEyMzQ1XQ&per_page=100>; rel="current",<https://x.instructure.com/api/v1/courses/1/enrollments?page=bookmark:WzEyNDQ1XQ&per_page=100>; rel="next",<https://x.instructure.com/api/v1/courses/1/enrollments?page=first&per_page=100>; rel="first"`}
	b.ReportAllocs()
	for b.Loop() {
		if canvas.ParseLinkHeader(h)["next"] == "" {
			b.Fatal("no next")
		}
	}
}

func BenchmarkEscapeSegment(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = canvas.EscapeSegment("sis_course_id:CS/101.11é-2026")
	}
}
