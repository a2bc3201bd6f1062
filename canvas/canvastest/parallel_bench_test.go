package canvastest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/vtsync/vtsync/canvas/canvastest"
)

// BenchmarkParallelReads serves a course's enrollment listing (a page of
// 100) from several goroutines at once, straight through the handler (no
// network), with and without the throttle: what the fake costs a
// benchmark's concurrent reads. With one lock held across each request the
// listings run one at a time whatever -cpu says.
//
//	go test ./canvas/canvastest -run '^$' -bench BenchmarkParallelReads -benchmem -cpu 1,2
func BenchmarkParallelReads(b *testing.B) {
	for _, throttle := range []bool{false, true} {
		b.Run(fmt.Sprintf("throttle=%v", throttle), func(b *testing.B) {
			var opts []canvastest.Option
			if throttle {
				t := canvastest.CanvasThrottle()
				t.HighWater, t.Outflow = 1e12, 1e12 // charged on every request, never refusing
				opts = append(opts, canvastest.WithThrottle(t))
			}
			s := canvastest.New(opts...)
			course := s.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C1"})
			for i := range 100 {
				u := s.SeedUser(canvastest.User{Name: "U", SISUserID: "U" + strconv.Itoa(i)})
				s.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u, Type: "StudentEnrollment", State: "active"})
			}
			path := "/api/v1/courses/" + strconv.FormatInt(course, 10) + "/enrollments?per_page=100"
			h := s.Handler()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.Header.Set("Authorization", "Bearer "+s.AdminToken())
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}
