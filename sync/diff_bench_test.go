package sync

import (
	"fmt"
	"testing"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// benchState is a provider's desired LMS state at the benchmark's shapes:
// courses with a section each, ten learners per section, three courses
// per learner.
func benchState(courses, learners int) *lms.State {
	st := &lms.State{}
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for c := range courses {
		end := start.AddDate(0, 0, 70)
		id := fmt.Sprintf("C%05d", c)
		st.Courses = append(st.Courses, lms.Course{SISID: id, Name: "Course " + id, Code: id, Start: &start, End: &end})
		st.Sections = append(st.Sections, lms.Section{SISID: id + "-S", CourseSISID: id, Name: "Section " + id})
	}
	for l := range learners {
		id := fmt.Sprintf("U%06d", l)
		st.Users = append(st.Users, lms.User{SISID: id, Login: id, GivenName: "Given", FamilyName: id, Email: id + "@example.edu.au"})
		for k := range 3 {
			c := (l*3 + k) % courses
			cid := fmt.Sprintf("C%05d", c)
			st.Enrolments = append(st.Enrolments, lms.Enrolment{UserSISID: id, CourseSISID: cid, SectionSISID: cid + "-S",
				Role: lms.RoleStudent, Status: lms.StatusActive})
		}
	}
	return st
}

// BenchmarkDiff compares a desired state with an empty LMS (every object
// created) and with an identical one (nothing to do), at the benchmark's
// medium and large sizes.
//
//	go test ./sync -run '^$' -bench BenchmarkDiff -benchmem
func BenchmarkDiff(b *testing.B) {
	for _, sz := range []struct {
		name              string
		courses, learners int
	}{{"medium", 40, 400}, {"large", 2000, 20000}} {
		want := benchState(sz.courses, sz.learners)
		for _, tc := range []struct {
			name string
			have *lms.State
		}{{"initial", &lms.State{}}, {"noop", benchState(sz.courses, sz.learners)}} {
			b.Run(sz.name+"/"+tc.name, func(b *testing.B) {
				if n := len(diff(want, tc.have, tc.have.Users, tc.have.Courses, time.UTC).ops); (tc.name == "noop") != (n == 0) {
					b.Fatalf("%s: %d operations", tc.name, n)
				}
				b.ReportAllocs()
				for b.Loop() {
					diff(want, tc.have, tc.have.Users, tc.have.Courses, time.UTC)
				}
			})
		}
	}
}
