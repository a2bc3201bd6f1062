package mapping

import (
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// The documented walkthrough: unit IST101 "Introduction to Statistics",
// occurrence Term 1 with John and Julie, Term 2 with Bob and Barbara.
// Tina trains Term 1, Tom Term 2; Alex assesses Term 1.

var syd = time.FixedZone("AEST", 10*3600)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, syd) }

func ist101Units() []record.Unit {
	return []record.Unit{{Code: "IST101", Name: "Introduction to Statistics"}}
}

func walkthrough() Snapshot {
	return Snapshot{
		Programmes: []record.Programme{{ID: 10, Code: "STAT1", Name: "Statistics Skill Set"}},
		Occurrences: []record.Occurrence{
			{ID: 1, Code: "T1", Description: "Term 1", ProgrammeID: 10, StartDate: date(2026, 2, 2), EndDate: date(2026, 4, 10),
				Units: ist101Units(),
				Staff: []record.StaffLink{{StaffCode: "S1", StaffType: "Trainer"}, {StaffCode: "S3", StaffType: "Assessor"}}},
			{ID: 2, Code: "T2", Description: "Term 2", ProgrammeID: 10, StartDate: date(2026, 4, 27), EndDate: date(2026, 7, 3),
				Units: ist101Units(),
				Staff: []record.StaffLink{{StaffCode: "S2", StaffType: "trainer "}}},
		},
		Enrolments: []record.Enrolment{
			{ID: 101, OccurrenceID: 1, ClientCode: "C1", GivenName: "John", Surname: "Smith", Status: "Active"},
			{ID: 102, OccurrenceID: 1, ClientCode: "C2", GivenName: "Julie", Surname: "Jones", Status: "Active"},
			{ID: 201, OccurrenceID: 2, ClientCode: "C3", GivenName: "Bob", Surname: "Brown", Status: "Active"},
			{ID: 202, OccurrenceID: 2, ClientCode: "C4", GivenName: "Barbara", Surname: "Black", Status: "Active"},
		},
		EnrolledUnits: []record.EnrolledUnit{
			{EnrolmentID: 101, UnitCode: "IST101"}, {EnrolmentID: 102, UnitCode: "IST101"},
			{EnrolmentID: 201, UnitCode: "IST101"}, {EnrolmentID: 202, UnitCode: "IST101"},
		},
		Clients: []record.Person{
			{Code: "C1", GivenName: "John", Surname: "Smith", Email: "john@example.edu"},
			{Code: "C2", GivenName: "Julie", Surname: "Jones", Email: "julie@example.edu"},
			{Code: "C3", GivenName: "Bob", Surname: "Brown", Email: "bob@example.edu"},
			{Code: "C4", GivenName: "Barbara", Surname: "Black", Email: "barbara@example.edu"},
			{Code: "S1", GivenName: "Tina", Surname: "Trainer", Email: "tina@example.edu"},
			{Code: "S2", GivenName: "Tom", Surname: "Tutor", Email: "tom@example.edu"},
			{Code: "S3", GivenName: "Alex", Surname: "Assessor", Email: "alex@example.edu"},
		},
	}
}

func active(course, section, user string, role lms.Role) lms.Enrolment {
	return lms.Enrolment{CourseSISID: course, SectionSISID: section, UserSISID: user, Role: role, Status: lms.StatusActive}
}

func walkthroughUsers(tz string) []lms.User {
	u := func(code, given, family, email string) lms.User {
		return lms.User{SISID: "vt-u-" + code, Login: email, GivenName: given, FamilyName: family, Email: email, TimeZone: tz}
	}
	return []lms.User{
		u("C1", "John", "Smith", "john@example.edu"),
		u("C2", "Julie", "Jones", "julie@example.edu"),
		u("C3", "Bob", "Brown", "bob@example.edu"),
		u("C4", "Barbara", "Black", "barbara@example.edu"),
		u("S1", "Tina", "Trainer", "tina@example.edu"),
		u("S2", "Tom", "Tutor", "tom@example.edu"),
		u("S3", "Alex", "Assessor", "alex@example.edu"),
	}
}
