package memlms_test

import (
	"fmt"
	"testing"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
)

// A provider-sized LMS: 200 courses of 50 learners (10,000 enrolments),
// read 20 courses at a time as a Syncer does.
func BenchmarkReadState(b *testing.B) {
	ctx := b.Context()
	m := memlms.New()
	var ids []string
	for c := range 200 {
		sis := fmt.Sprint("course-", c)
		ids = append(ids, sis)
		if _, err := m.CreateCourse(ctx, lms.Course{SISID: sis}); err != nil {
			b.Fatal(err)
		}
		for u := range 50 {
			user := fmt.Sprint("user-", c, "-", u)
			if _, err := m.CreateUser(ctx, lms.User{SISID: user, Login: user}); err != nil {
				b.Fatal(err)
			}
			if _, err := m.Enrol(ctx, lms.Enrolment{UserSISID: user, CourseSISID: sis, Role: lms.RoleStudent, Status: lms.StatusActive}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		at := (i * 20) % len(ids)
		if _, err := m.ReadState(ctx, ids[at:at+20]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnrolIdempotent(b *testing.B) {
	ctx := b.Context()
	m := memlms.New()
	_, _ = m.CreateCourse(ctx, lms.Course{SISID: "c"})
	_, _ = m.CreateUser(ctx, lms.User{SISID: "u", Login: "u"})
	e := lms.Enrolment{UserSISID: "u", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusActive}
	for b.Loop() {
		if _, err := m.Enrol(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
