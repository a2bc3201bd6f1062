package mapping_test

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak/record"
)

var aest = time.FixedZone("AEST", 10*3600)

// ist101 is the documented walkthrough: unit IST101 "Introduction to
// Statistics" runs in two occurrences of one programme; Term 1 has John
// and Julie (trainer Tina, assessor Alex), Term 2 has Bob and Barbara
// (trainer Tom).
func ist101() mapping.Snapshot {
	units := []record.Unit{{Code: "IST101", Name: "Introduction to Statistics"}}
	return mapping.Snapshot{
		Programmes: []record.Programme{{ID: 10, Code: "STAT1", Name: "Statistics Skill Set"}},
		Occurrences: []record.Occurrence{
			{ID: 1, Code: "T1", Description: "Term 1", ProgrammeID: 10, Units: units,
				StartDate: time.Date(2026, 2, 2, 0, 0, 0, 0, aest), EndDate: time.Date(2026, 4, 10, 0, 0, 0, 0, aest),
				Staff: []record.StaffLink{{StaffCode: "S1", StaffType: "Trainer"}, {StaffCode: "S3", StaffType: "Assessor"}}},
			{ID: 2, Code: "T2", Description: "Term 2", ProgrammeID: 10, Units: units,
				StartDate: time.Date(2026, 4, 27, 0, 0, 0, 0, aest), EndDate: time.Date(2026, 7, 3, 0, 0, 0, 0, aest),
				Staff: []record.StaffLink{{StaffCode: "S2", StaffType: "Trainer"}}},
		},
		Enrolments: []record.Enrolment{
			{ID: 101, OccurrenceID: 1, ClientCode: "C1", Status: "Active"},
			{ID: 102, OccurrenceID: 1, ClientCode: "C2", Status: "Active"},
			{ID: 201, OccurrenceID: 2, ClientCode: "C3", Status: "Active"},
			{ID: 202, OccurrenceID: 2, ClientCode: "C4", Status: "Active"},
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

func printState(d *mapping.Desired) {
	for _, c := range d.State.Courses {
		fmt.Printf("course  %s %q code %s\n", c.SISID, c.Name, c.Code)
	}
	for _, s := range d.State.Sections {
		fmt.Printf("section %s %q\n", s.SISID, s.Name)
	}
	for _, g := range d.State.Groups {
		fmt.Printf("group   %s %q\n", g.SISID, g.Name)
	}
	for _, e := range d.State.Enrolments {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("enrol   %-8s %-7s %s %s", e.UserSISID, e.Role, e.CourseSISID, e.SectionSISID)))
	}
	for _, m := range d.State.Memberships {
		fmt.Printf("member  %-8s %s\n", m.UserSISID, m.GroupSISID)
	}
}

// The LMS-pulls (Coassemble) model: the LMS already has a course whose code
// is the unit's national code; each occurrence becomes a group in it.
func Example() {
	cfg := mapping.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.TimeZone = "Australia/Brisbane"
	existing := []lms.Course{{ID: "4021", Name: "Intro to Stats", Code: "IST101"}}

	d, err := mapping.Structure(cfg, ist101(), existing)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range d.State.Courses {
		fmt.Printf("course %s (LMS ID %s) %q\n", c.SISID, c.ID, c.Name)
	}
	for _, g := range d.State.Groups {
		fmt.Printf("group %q:", g.Name)
		for _, m := range d.State.Memberships {
			if m.GroupSISID == g.SISID {
				fmt.Print(" ", m.UserSISID)
			}
		}
		fmt.Println()
	}
	fmt.Println("time zone for new users:", d.State.Users[0].TimeZone)
	for _, dg := range d.Diagnostics {
		fmt.Println(dg)
	}
	// Output:
	// course vt-unit-IST101 (LMS ID 4021) "Intro to Stats"
	// group "Term 1": vt-u-C1 vt-u-C2
	// group "Term 2": vt-u-C3 vt-u-C4
	// time zone for new users: Australia/Brisbane
	// info course_adopted unit "IST101": matched LMS course "IST101" (ID "4021") by code
	// warning course_needs_sis_id unit "IST101": LMS course ID "4021" has no SIS ID; the Syncer gives it "vt-unit-IST101"
}

// The Unit workflow: the unit is one course, each trainer a section;
// learners are students in their trainer's section, the assessor a teacher.
func ExampleStructure_unit() {
	d, _ := mapping.Structure(mapping.DefaultConfig(mapping.WorkflowUnit), ist101(), nil)
	printState(d)
	// Output:
	// course  vt-unit-IST101 "Introduction to Statistics" code IST101
	// section vt-unit-IST101-trn-S1 "Tina Trainer"
	// section vt-unit-IST101-trn-S2 "Tom Tutor"
	// enrol   vt-u-C1  student vt-unit-IST101 vt-unit-IST101-trn-S1
	// enrol   vt-u-C2  student vt-unit-IST101 vt-unit-IST101-trn-S1
	// enrol   vt-u-S1  teacher vt-unit-IST101 vt-unit-IST101-trn-S1
	// enrol   vt-u-C3  student vt-unit-IST101 vt-unit-IST101-trn-S2
	// enrol   vt-u-C4  student vt-unit-IST101 vt-unit-IST101-trn-S2
	// enrol   vt-u-S2  teacher vt-unit-IST101 vt-unit-IST101-trn-S2
	// enrol   vt-u-S3  teacher vt-unit-IST101
}

// The Module workflow: the programme is one course, each occurrence a
// section.
func ExampleStructure_module() {
	d, _ := mapping.Structure(mapping.DefaultConfig(mapping.WorkflowModule), ist101(), nil)
	printState(d)
	fmt.Println("units assessed in the course:", d.Courses[0].UnitCodes)
	// Output:
	// course  vt-prog-10 "Statistics Skill Set" code STAT1
	// section vt-prog-10-sec-1 "Term 1"
	// section vt-prog-10-sec-2 "Term 2"
	// enrol   vt-u-C1  student vt-prog-10 vt-prog-10-sec-1
	// enrol   vt-u-C2  student vt-prog-10 vt-prog-10-sec-1
	// enrol   vt-u-S1  teacher vt-prog-10 vt-prog-10-sec-1
	// enrol   vt-u-C3  student vt-prog-10 vt-prog-10-sec-2
	// enrol   vt-u-C4  student vt-prog-10 vt-prog-10-sec-2
	// enrol   vt-u-S2  teacher vt-prog-10 vt-prog-10-sec-2
	// enrol   vt-u-S3  teacher vt-prog-10
	// units assessed in the course: [IST101]
}

// The Subject workflow: the subject is one course, each of its occurrences
// a section.
func ExampleStructure_subject() {
	d, _ := mapping.Structure(mapping.DefaultConfig(mapping.WorkflowSubject), ist101(), nil)
	printState(d)
	// Output:
	// course  vt-subj-IST101 "Introduction to Statistics" code IST101
	// section vt-subj-IST101-sec-1 "Term 1"
	// section vt-subj-IST101-sec-2 "Term 2"
	// enrol   vt-u-C1  student vt-subj-IST101 vt-subj-IST101-sec-1
	// enrol   vt-u-C2  student vt-subj-IST101 vt-subj-IST101-sec-1
	// enrol   vt-u-S1  teacher vt-subj-IST101 vt-subj-IST101-sec-1
	// enrol   vt-u-C3  student vt-subj-IST101 vt-subj-IST101-sec-2
	// enrol   vt-u-C4  student vt-subj-IST101 vt-subj-IST101-sec-2
	// enrol   vt-u-S2  teacher vt-subj-IST101 vt-subj-IST101-sec-2
	// enrol   vt-u-S3  teacher vt-subj-IST101
}

// The Course workflow: each occurrence is its own course.
func ExampleStructure_course() {
	d, _ := mapping.Structure(mapping.DefaultConfig(mapping.WorkflowCourse), ist101(), nil)
	printState(d)
	// Output:
	// course  vt-occ-1 "Term 1" code T1
	// course  vt-occ-2 "Term 2" code T2
	// enrol   vt-u-C1  student vt-occ-1
	// enrol   vt-u-C2  student vt-occ-1
	// enrol   vt-u-S1  teacher vt-occ-1
	// enrol   vt-u-S3  teacher vt-occ-1
	// enrol   vt-u-C3  student vt-occ-2
	// enrol   vt-u-C4  student vt-occ-2
	// enrol   vt-u-S2  teacher vt-occ-2
}

// Withdrawals come only from VETtrak's enrolment status or tombstones; the
// enrolment stays in the state with a non-active status.
func ExampleStructure_withdrawal() {
	snap := ist101()
	snap.Enrolments[1].Status, snap.Enrolments[1].StatusType = "Pre-Reporting Withdrawal", 9
	snap.Deleted = []record.DeletedRecord{{Table: "ENROLMENT", ID: "202"}}
	cfg := mapping.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.CreateMissingCourses = true
	d, _ := mapping.Structure(cfg, snap, nil)
	for _, m := range d.State.Memberships {
		fmt.Println(m.UserSISID, m.GroupSISID, m.Status)
	}
	// Output:
	// vt-u-C1 vt-unit-IST101-grp-1 active
	// vt-u-C2 vt-unit-IST101-grp-1 inactive
	// vt-u-C3 vt-unit-IST101-grp-2 active
	// vt-u-C4 vt-unit-IST101-grp-2 deleted
}

// Results turns LMS evidence into VETtrak result writes, guarded by the
// outcome policy and AVETMISS checks.
func ExampleResults() {
	cfg := mapping.DefaultConfig(mapping.WorkflowUnit)
	snap := ist101()
	snap.EnrolledUnits[1].Comment = "Needs a laptop"
	d, _ := mapping.Structure(cfg, snap, nil)

	at := func(day, hour int) *time.Time { t := time.Date(2026, 3, day, hour, 0, 0, 0, aest); return &t }
	evidence := lms.Evidence{
		CourseSISID: "vt-unit-IST101",
		Assessments: []lms.Assessment{
			{ID: "q1", Title: "Quiz (IST101)", GradingType: "pass_fail", Published: true},
			{ID: "p1", Title: "Project (IST101)", GradingType: "pass_fail", Published: true},
		},
		Submissions: []lms.Submission{
			{AssessmentID: "q1", UserSISID: "vt-u-C1", State: lms.SubmissionGraded, Grade: "complete", GradedAt: at(10, 9)},
			{AssessmentID: "p1", UserSISID: "vt-u-C1", State: lms.SubmissionGraded, Grade: "complete", GradedAt: at(16, 9)},
			{AssessmentID: "q1", UserSISID: "vt-u-C2", State: lms.SubmissionSubmitted, SubmittedAt: at(12, 9)},
		},
		Activity: []lms.Activity{
			{UserSISID: "vt-u-C1", FirstActivity: at(2, 9)},
			{UserSISID: "vt-u-C2", FirstActivity: at(5, 9)},
		},
	}
	plan := mapping.Results(cfg, mapping.DefaultResultConfig(cfg.Workflow, aest), mapping.ResultInput{
		Snapshot: snap, Desired: d, Evidence: []lms.Evidence{evidence},
		ResultTypes: []record.ResultType{{Name: "Competent", Outcome: "20", Active: true}, {Name: "Continuing", Outcome: "70", Active: true}},
		Now:         time.Date(2026, 3, 20, 12, 0, 0, 0, aest),
	})
	for _, w := range plan.Writes {
		fmt.Printf("%s %s %s..%s by %s\n", w.Key(), w.ResultName, w.Start.Format(time.DateOnly), w.Finish.Format(time.DateOnly), w.Rule)
	}
	for _, c := range plan.Comments {
		fmt.Printf("%s comment %q\n", c.Key(), c.Comment)
	}
	// Output:
	// 101|IST101 Competent 2026-03-02..2026-03-16 by all-passed@1
	// 102|IST101 Continuing 2026-03-05..2026-04-10 by first-activity@1
	// 101|IST101 comment "LMS commencement: 2026-03-02"
	// 102|IST101 comment "Needs a laptop\nLMS commencement: 2026-03-05"
}

func ExampleParseUnitCodes() {
	fmt.Println(mapping.ParseUnitCodes("Written Assessment (BSBLDR501)"))
	fmt.Println(mapping.ParseUnitCodes("Project (bsbldr501, BSB OPS501) (Part 2)"))
	// Output:
	// [BSBLDR501]
	// [BSBLDR501 BSBOPS501]
}

func ExampleLint() {
	r := mapping.Lint("vt-prog-7", []string{"BSBLDR501", "BSBOPS501"}, []lms.Assessment{
		{ID: "1", Title: "Written Assessment (BSBLDR501)"},
		{ID: "2", Title: "Ops report v2"},
		{ID: "3", Title: "Welcome quiz"},
	}, map[string]string{"2": "BSBOPS501"})
	for _, b := range r.Bindings {
		fmt.Println(b.AssessmentID, b.UnitCodes, cmp.Or(string(b.Source), "unbound"))
	}
	for _, f := range r.Findings {
		fmt.Println(f.Kind, f.AssessmentID)
	}
	// Output:
	// 1 [BSBLDR501] title
	// 2 [BSBOPS501] binding
	// 3 [] unbound
	// no_unit 3
}

func ExampleSISScheme() {
	s := mapping.DefaultSISScheme()
	course := s.UnitCourse("bsbldr 501")
	fmt.Println(s.User("00123"), course, s.TrainerSection(course, "S1"), s.OccurrenceGroup(course, 42))
	fmt.Println(mapping.CheckSISID("bad\tid"))
	// Output:
	// vt-u-00123 vt-unit-BSBLDR501 vt-unit-BSBLDR501-trn-S1 vt-unit-BSBLDR501-grp-42
	// mapping: invalid SIS ID "bad\tid": control character U+0009
}
