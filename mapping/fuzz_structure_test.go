package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// FuzzStructure feeds hostile strings into every identifier and name the
// mapping reads, in every workflow and through Results: nothing panics,
// every SIS ID emitted is one an LMS can hold, and the state stays
// consistent.
func FuzzStructure(f *testing.F) {
	f.Add("C1", "IST101", "Term 1", "a@b.c", "Quiz (IST101)", "Withdrawn", int64(1))
	f.Add("", "", "", "", "", "", int64(0))
	f.Add("C\x00", "ist 101\n", "\u202eevil", "x@@y", "((([[", "cancel", int64(-5))
	f.Add("%-%", "A-B%", "T\x7f", "a@b.c", "Task (A-B%)", "Active", int64(1<<62))
	f.Fuzz(func(t *testing.T, client, unit, name, email, title, status string, id int64) {
		snap := Snapshot{
			Programmes: []record.Programme{{ID: id, Code: unit, Name: name}},
			Occurrences: []record.Occurrence{{ID: id, Code: name, Description: name, ProgrammeID: id, Units: []record.Unit{{Code: unit, Name: name}, {Code: "IST101"}},
				Staff: []record.StaffLink{{StaffCode: client + "s", StaffType: status, LinkType: record.LinkEnrolment, LinkID: id}, {StaffCode: name, StaffType: "Trainer"}}}},
			Enrolments: []record.Enrolment{
				{ID: id, OccurrenceID: id, ClientCode: client, GivenName: name, Status: status},
				{ID: id + 1, OccurrenceID: id, ClientCode: name, Surname: client, StatusType: 9},
			},
			EnrolledUnits: []record.EnrolledUnit{{EnrolmentID: id, UnitCode: unit, ResultName: status, Comment: title}},
			Clients:       []record.Person{{Code: client, GivenName: name, Email: email, Username: name}, {Code: name, Email: email}},
			Staff:         []record.StaffLink{{StaffCode: name, StaffType: "Assessor", EnrolmentID: id, ClientCode: client}},
			Deleted:       []record.DeletedRecord{{Table: name, ID: client}, {Table: "ENROLMENT", ID: status}},
		}
		existing := []lms.Course{{ID: name, SISID: client, Code: unit, Name: title}}
		for _, w := range Workflows() {
			cfg := DefaultConfig(w)
			cfg.CreateMissingCourses = true
			d, err := Structure(cfg, snap, existing)
			require.NoError(t, err)
			checkConsistent(t, d)
			for _, s := range d.State.Sections {
				require.NoError(t, CheckSISID(s.SISID))
			}
			for _, g := range d.State.Groups {
				require.NoError(t, CheckSISID(g.SISID))
			}
			now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
			var ev []lms.Evidence
			for _, c := range d.Courses {
				ev = append(ev, lms.Evidence{CourseSISID: c.SISID,
					Assessments: []lms.Assessment{{ID: title, Title: title, Published: true, GradingType: "pass_fail"}},
					Submissions: []lms.Submission{{AssessmentID: title, UserSISID: cfg.SIS.User(client), Grade: "complete", State: lms.SubmissionGraded, GradedAt: &now}},
					Activity:    []lms.Activity{{UserSISID: cfg.SIS.User(client), FirstActivity: &now}}})
			}
			rc := DefaultResultConfig(w, time.UTC)
			rc.AuditComments = true
			Results(cfg, rc, ResultInput{Snapshot: snap, Desired: d, Evidence: ev, ResultTypes: resultTypes(), Now: now,
				Bindings: map[string]string{title: unit}, Ledger: map[string]LedgerEntry{ResultKey(id, unit): {ResultName: status}}})
		}
	})
}
