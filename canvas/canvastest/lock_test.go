package canvastest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A listing runs while another reader holds the records (the server's
// lock is shared by readers), and the throttle and the call log do not
// wait for it: no lock is held across a request. With one lock per
// request, each request below would wait for the reader to finish and
// the test would hang until its deadline.
func TestReadsDoNotQueueBehindAReader(t *testing.T) {
	tests := []struct {
		name, method, path string
		throttle           bool
		want               int
	}{
		{"account courses", http.MethodGet, "/api/v1/accounts/1/courses", false, http.StatusOK},
		{"account users, throttle on", http.MethodGet, "/api/v1/accounts/1/users", true, http.StatusOK},
		{"a course", http.MethodGet, "/api/v1/courses/sis_course_id:NONE", true, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.throttle {
				opts = append(opts, WithThrottle(CanvasThrottle()))
			}
			s := New(opts...)
			s.mu.RLock() // another request reading the records
			defer s.mu.RUnlock()
			req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+s.adminToken)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			assert.NotEmpty(t, rec.Header().Get("X-Request-Cost"))
			s.logMu.Lock()
			n := len(s.calls)
			s.logMu.Unlock()
			assert.Equal(t, 1, n, "the call is logged")
		})
	}
}

// Every GET route runs beside the others and beside writes; under -race a
// handler that writes while holding the lock shared (a GET that is not
// readOnly but is marked so) is reported. It found the submission
// listings, which create Canvas's unsubmitted rows.
func TestConcurrentRoutesUnderRace(t *testing.T) {
	s := New()
	course := s.SeedCourse(Course{Name: "C", SISCourseID: "C1"})
	section := s.SeedSection(Section{CourseID: course, Name: "S"})
	var users []int64
	for i := range 3 {
		users = append(users, s.SeedUser(User{Name: "U", SISUserID: "U" + string(rune('0'+i))}))
	}
	enrol := s.SeedEnrollment(Enrollment{CourseID: course, SectionID: section, UserID: users[0], Type: "StudentEnrollment", State: "active"})
	cat := s.SeedGroupCategory(GroupCategory{CourseID: course, Name: "G"})
	group := s.SeedGroup(Group{CategoryID: cat, Name: "g"})
	assignment := s.SeedAssignment(Assignment{CourseID: course, Name: "A", PointsPossible: 10, Published: true})
	ids := map[string]int64{"accounts": RootAccountID, "courses": course, "sections": section, "users": users[0],
		"enrollments": enrol, "group_categories": cat, "groups": group, "assignments": assignment, "sis_imports": 1}
	var paths []string
	for _, rt := range s.routes() {
		if rt.method != "GET" {
			continue
		}
		segs := strings.Split(rt.pattern, "/")
		for i, seg := range segs {
			if seg == "{id}" && i > 0 {
				segs[i] = strconv.FormatInt(ids[segs[i-1]], 10)
			}
		}
		paths = append(paths, "/api/v1/"+strings.Join(segs, "/")+"?student_ids[]=all&include[]=total_scores")
	}
	require.NotEmpty(t, paths)
	do := func(method, path string, form url.Values) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequestWithContext(t.Context(), method, path, body)
		req.Header.Set("Authorization", "Bearer "+s.adminToken)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
	var wg sync.WaitGroup
	for range 2 {
		for _, p := range paths {
			wg.Go(func() { do(http.MethodGet, p, nil) })
		}
	}
	for i := range 2 {
		wg.Go(func() {
			do(http.MethodPost, "/api/v1/courses/"+strconv.FormatInt(course, 10)+"/enrollments", url.Values{
				"enrollment[user_id]": {strconv.FormatInt(users[1+i], 10)}, "enrollment[type]": {"StudentEnrollment"}})
		})
	}
	wg.Wait()
	assert.Positive(t, s.Calls()["GET courses/{id}/enrollments"])
}
