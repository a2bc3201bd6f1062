package sync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/lms"
)

func kinds(ops []Op) map[OpKind][]string {
	out := map[OpKind][]string{}
	for _, op := range ops {
		out[op.Kind] = append(out[op.Kind], op.Key)
	}
	return out
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestDiff(t *testing.T) {
	course := lms.Course{SISID: "IST101", Name: "Introduction to Statistics", Code: "IST101"}
	john := lms.User{SISID: "C1", Login: "john", GivenName: "John", FamilyName: "Smith", Email: "john@example.com"}
	enrol := lms.Enrolment{UserSISID: "C1", CourseSISID: "IST101", SectionSISID: "S1", Role: lms.RoleStudent, Status: lms.StatusActive}
	group := lms.Group{SISID: "G1", CourseSISID: "IST101", Name: "Term 1"}
	member := lms.Membership{GroupSISID: "G1", UserSISID: "C1", Status: lms.StatusActive}
	section := lms.Section{SISID: "S1", CourseSISID: "IST101", Name: "Term 1"}
	full := lms.State{Courses: []lms.Course{course}, Sections: []lms.Section{section}, Groups: []lms.Group{group},
		Users: []lms.User{john}, Enrolments: []lms.Enrolment{enrol}, Memberships: []lms.Membership{member}}

	withdrawn := enrol
	withdrawn.Status = lms.StatusInactive
	renamed := john
	renamed.FamilyName = "Smyth"
	renamed.TimeZone = "Australia/Perth"
	haveJohn := john
	haveJohn.TimeZone = "Australia/Darwin"
	inactive := enrol
	inactive.Status = lms.StatusInactive
	adopt := course
	adopt.ID = "42"
	haveNoSIS := lms.Course{ID: "42", Name: "Stats", Code: "IST101"}
	perth, err := time.LoadLocation("Australia/Perth")
	if err != nil {
		t.Fatal(err)
	}
	day := func(m time.Month, d, h int) *time.Time { t := time.Date(2026, m, d, h, 0, 0, 0, perth); return &t }
	dated := course
	dated.Start, dated.End = day(2, 3, 0), day(4, 11, 0)
	// The LMS keeps instants in UTC: the same days, another zone and hour.
	datedInLMS := dated
	datedInLMS.Start, datedInLMS.End = ptrTime(dated.Start.UTC()), ptrTime(dated.End.UTC())
	rescheduled := dated
	rescheduled.Start, rescheduled.End = day(2, 10, 0), day(4, 18, 0)
	sameDayLater := dated
	sameDayLater.Start = day(2, 3, 9)
	undated := course
	sectionRenamed := section
	sectionRenamed.Name = "Term 1 (evening)"
	groupRenamed := group
	groupRenamed.Name = "Term 1b"
	newEmail := john
	newEmail.Email = "j.smith@example.com"
	newLogin := john
	newLogin.Login = "jsmith"

	tests := []struct {
		name      string
		want      lms.State
		have      lms.State
		others    []lms.User
		wantKinds map[OpKind][]string
		unchanged map[ObjectKind]int
		reason    string // in every op's reason
	}{
		{name: "empty LMS creates everything", want: full, have: lms.State{},
			wantKinds: map[OpKind][]string{
				OpCreateCourse: {"create_course:IST101"}, OpCreateSection: {"create_section:S1"},
				OpCreateGroup: {"create_group:G1"}, OpCreateUser: {"create_user:C1"},
				OpEnrol: {"enrol:" + enrol.Key()}, OpAddMember: {"add_member:G1|C1"},
			}, unchanged: map[ObjectKind]int{}},
		{name: "in step changes nothing", want: full, have: full, wantKinds: map[OpKind][]string{},
			unchanged: map[ObjectKind]int{"course": 1, "section": 1, "group": 1, "user": 1, "enrolment": 1, "membership": 1}},
		{name: "user known elsewhere in the LMS is not created", want: lms.State{Users: []lms.User{john}}, others: []lms.User{john},
			wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{"user": 1}},
		{name: "rename updates the user", want: lms.State{Users: []lms.User{renamed}}, have: lms.State{Users: []lms.User{haveJohn}},
			wantKinds: map[OpKind][]string{OpUpdateUser: {"update_user:C1"}}, unchanged: map[ObjectKind]int{}},
		{name: "time zone alone is not a change", want: lms.State{Users: []lms.User{func() lms.User { u := john; u.TimeZone = "Australia/Sydney"; return u }()}},
			have: lms.State{Users: []lms.User{haveJohn}}, wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{"user": 1}},
		{name: "withdrawal unenrols an active enrolment", want: lms.State{Enrolments: []lms.Enrolment{withdrawn}}, have: lms.State{Enrolments: []lms.Enrolment{enrol}},
			wantKinds: map[OpKind][]string{OpUnenrol: {"unenrol:" + enrol.Key()}}, unchanged: map[ObjectKind]int{}},
		{name: "withdrawal of an absent enrolment does nothing", want: lms.State{Enrolments: []lms.Enrolment{withdrawn}},
			wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{"enrolment": 1}},
		{name: "inactive enrolment is reactivated", want: lms.State{Enrolments: []lms.Enrolment{enrol}}, have: lms.State{Enrolments: []lms.Enrolment{inactive}},
			wantKinds: map[OpKind][]string{OpEnrol: {"enrol:" + enrol.Key()}}, unchanged: map[ObjectKind]int{}},
		{name: "absence from VETtrak never removes", want: lms.State{}, have: full, wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{}},
		{name: "occurrence rescheduled updates the course", want: lms.State{Courses: []lms.Course{rescheduled}}, have: lms.State{Courses: []lms.Course{datedInLMS}},
			wantKinds: map[OpKind][]string{OpUpdateCourse: {"update_course:IST101"}}, unchanged: map[ObjectKind]int{},
			reason: `start "2026-02-03"→"2026-02-10", end "2026-04-11"→"2026-04-18"`},
		{name: "course dates compared as days", want: lms.State{Courses: []lms.Course{sameDayLater}}, have: lms.State{Courses: []lms.Course{datedInLMS}},
			wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{"course": 1}},
		{name: "dates VETtrak leaves unset are not managed", want: lms.State{Courses: []lms.Course{undated}}, have: lms.State{Courses: []lms.Course{datedInLMS}},
			wantKinds: map[OpKind][]string{}, unchanged: map[ObjectKind]int{"course": 1}},
		{name: "section renamed", want: lms.State{Sections: []lms.Section{sectionRenamed}}, have: lms.State{Sections: []lms.Section{section}},
			wantKinds: map[OpKind][]string{OpUpdateSection: {"update_section:S1"}}, unchanged: map[ObjectKind]int{}},
		{name: "group renamed", want: lms.State{Groups: []lms.Group{groupRenamed}}, have: lms.State{Groups: []lms.Group{group}},
			wantKinds: map[OpKind][]string{OpUpdateGroup: {"update_group:G1"}}, unchanged: map[ObjectKind]int{}},
		{name: "email changed", want: lms.State{Users: []lms.User{newEmail}}, have: lms.State{Users: []lms.User{haveJohn}},
			wantKinds: map[OpKind][]string{OpUpdateUser: {"update_user:C1"}}, unchanged: map[ObjectKind]int{}},
		{name: "login changed", want: lms.State{Users: []lms.User{newLogin}}, have: lms.State{Users: []lms.User{haveJohn}},
			wantKinds: map[OpKind][]string{OpUpdateUser: {"update_user:C1"}}, unchanged: map[ObjectKind]int{}},
		{name: "course matched by code without SIS ID is adopted", want: lms.State{Courses: []lms.Course{adopt}}, have: lms.State{Courses: []lms.Course{haveNoSIS}},
			wantKinds: map[OpKind][]string{OpUpdateCourse: {"update_course:IST101"}}, unchanged: map[ObjectKind]int{}},
	}
	t.Run("an update keeps dates VETtrak leaves unset", func(t *testing.T) {
		renamedUndated := course
		renamedUndated.Name = "Statistics I"
		d := diff(&lms.State{Courses: []lms.Course{renamedUndated}}, &lms.State{Courses: []lms.Course{datedInLMS}}, nil, nil, perth)
		if assert.Len(t, d.ops, 1) {
			assert.Equal(t, datedInLMS.Start, d.ops[0].Course.Start, "not cleared by the rename")
			assert.Equal(t, datedInLMS.End, d.ops[0].Course.End)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diff(&tt.want, &tt.have, tt.others, tt.have.Courses, perth)
			assert.Equal(t, tt.wantKinds, kinds(d.ops))
			assert.Equal(t, tt.unchanged, d.unchanged)
			for _, op := range d.ops {
				assert.NotEmpty(t, op.Reason, op.Key)
				assert.Contains(t, op.Reason, tt.reason)
				if op.Kind == OpUpdateUser {
					assert.Equal(t, "Australia/Darwin", op.User.TimeZone, "a learner's own time zone is kept")
				}
			}
		})
	}
}
