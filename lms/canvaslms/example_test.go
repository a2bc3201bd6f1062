package canvaslms_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// A unit's course with an occurrence group and one learner, written and
// read back by SIS ID, on the fake Canvas.
func Example() {
	srv := canvastest.NewServer()
	defer srv.Close()
	client, err := canvas.New(srv.URL(), srv.AdminToken())
	if err != nil {
		log.Fatal(err)
	}
	l, err := canvaslms.New(client, canvaslms.WithGroupCategory("VETtrak occurrences"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	course := lms.Course{SISID: "unit/BSBLDR501/2026", Name: "Develop leadership", Code: "BSBLDR501"}
	learner := lms.User{SISID: "client/5531", Login: "zoe@example.com", GivenName: "Zoë", FamilyName: "O'Brien",
		Email: "zoe@example.com", TimeZone: "Australia/Sydney"}
	steps := []error{
		second(l.CreateCourse(ctx, course)),
		second(l.CreateGroup(ctx, lms.Group{SISID: "occ/1042", CourseSISID: course.SISID, Name: "2026 T1 Parramatta"})),
		second(l.CreateUser(ctx, learner)),
		second(l.Enrol(ctx, lms.Enrolment{UserSISID: learner.SISID, CourseSISID: course.SISID, Role: lms.RoleStudent, Status: lms.StatusActive})),
		l.AddMember(ctx, lms.Membership{GroupSISID: "occ/1042", UserSISID: learner.SISID, Status: lms.StatusActive}),
	}
	if err := errors.Join(steps...); err != nil {
		log.Fatal(err)
	}

	srv.ResetCalls()
	st, err := l.ReadState(ctx, []string{course.SISID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("course:", st.Courses[0].SISID, st.Courses[0].Code)
	fmt.Println("group:", st.Groups[0].SISID, st.Groups[0].Name)
	fmt.Println("enrolment:", st.Enrolments[0].Key(), st.Enrolments[0].Status)
	fmt.Println("member:", st.Memberships[0].Key(), st.Memberships[0].Status)
	u := st.Users[0]
	fmt.Println("user:", u.GivenName, "|", u.FamilyName, "|", u.Email, "|", u.TimeZone)
	fmt.Println("requests:", len(srv.CallLog()))

	_, err = l.CreateCourse(ctx, course)
	fmt.Println("again:", errors.Is(err, lms.ErrConflict))

	msg, err := l.Check(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, who, _ := strings.Cut(msg, " as ")
	fmt.Println("check:", who)
	// Output:
	// course: unit/BSBLDR501/2026 BSBLDR501
	// group: occ/1042 2026 T1 Parramatta
	// enrolment: unit/BSBLDR501/2026||client/5531|student active
	// member: occ/1042|client/5531 active
	// user: Zoë | O'Brien | zoe@example.com | Australia/Sydney
	// requests: 5
	// again: true
	// check: Fake Admin (login admin); account "Default Account"; 1 course, 1 with SIS IDs: the token sees SIS IDs (manage_sis or read_sis)
}

func second[T any](_ T, err error) error { return err }
