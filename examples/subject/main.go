// Command subject shows the Subject workflow: each subject (a unit of
// study; a "module" in VETtrak) is one Canvas course, and each occurrence
// that runs it is a section of that course. It is the Unit workflow for
// providers who teach by subject and timetable by class rather than by
// trainer.
//
//	go run ./examples/subject
//
// The story, on a fake VETtrak and a fake Canvas in this process: two
// bookkeeping subjects run as a day class and an evening class. The sync
// makes a course per subject with a section per class. Then a learner
// joins the evening class in VETtrak, and the next run adds exactly her,
// nothing else: the sync reconciles, it does not replay. Tutors grade the
// subjects' assessments and results flow back.
//
// The data is illustrative. To adapt it, start from
// vtsync.DefaultConfig(mapping.WorkflowSubject); course SIS IDs are
// vt-subj-<subject code> unless you change cfg.Mapping.SIS.
package main

import (
	"context"
	"fmt"
	"io"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("subject", run) }

const (
	bookkeeping = "ACCT101"
	payroll     = "ACCT102"
)

// dataset is two subjects run by two classes. It returns the evening
// class's occurrence ID.
func dataset() (*vettraktest.Dataset, int64, error) {
	b := demo.NewBuilder()
	prog := b.Programme("BKSC", "Bookkeeping Short Courses")
	b.Unit(bookkeeping, "Bookkeeping Fundamentals", true)
	b.Unit(payroll, "Payroll Essentials", true)
	for _, p := range [][3]string{
		{"T400", "Mia", "Clark"}, {"T401", "Noah", "Davis"},
		{"40001", "Olivia", "Evans"}, {"40002", "Peter", "Hughes"}, {"40003", "Quinn", "Walker"},
		{"40004", "Ruby", "Scott"}, {"40005", "Sean", "Kelly"}, {"40006", "Tessa", "Ng"},
	} {
		b.Person(p[0], p[1], p[2], "")
	}
	day := b.Occurrence(prog, "BKSC-S1-DAY", "Semester 1, day class", demo.Day(time.February, 9), demo.Day(time.June, 19), bookkeeping, payroll)
	b.Staff(day, "T400", "Trainer")
	b.Enrol(day, "40001", "40002", "40003")
	evening := b.Occurrence(prog, "BKSC-S1-EVE", "Semester 1, evening class", demo.Day(time.February, 10), demo.Day(time.June, 23), bookkeeping, payroll)
	b.Staff(evening, "T401", "Trainer")
	b.Enrol(evening, "40004", "40005")
	d, err := b.Dataset()
	return d, evening, err
}

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("subject", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync Subject workflow: a Canvas course per subject, a section per class")
	data, evening, err := dataset()
	if err != nil {
		return err
	}
	cfg := vtsync.DefaultConfig(mapping.WorkflowSubject)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	env, err := demo.Start(p, data, cfg, nil)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Introduce(p)

	p.Section("Sync: a course per subject, a section per class")
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}

	// A late enrolment: the next run adds exactly that learner.
	p.Section("Tessa Ng joins the evening class in VETtrak")
	if _, err := data.AddEnrolment(evening, "40006"); err != nil {
		return fmt.Errorf("enrol Tessa: %w", err)
	}
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	p.Section("Tutors grade the subjects in Canvas")
	if _, err := env.Canvas.DoWork(ctx, p, work()...); err != nil {
		return err
	}
	return env.Finish(ctx, p)
}

func work() []demo.Work {
	scheme := mapping.DefaultSISScheme()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 11, 0, 0, 0, demo.Sydney()) }
	return []demo.Work{
		{
			CourseSISID: scheme.SubjectCourse(bookkeeping),
			Assessments: []demo.Assessment{{Title: "Double-entry quiz", Points: 10}, {Title: "Ledger reconciliation task", Points: 40}},
			Grades: []demo.Grade{
				{ClientCode: "40001", Name: "Olivia Evans", Title: "Double-entry quiz", Score: 9, At: at(time.March, 6)},
				{ClientCode: "40001", Name: "Olivia Evans", Title: "Ledger reconciliation task", Score: 33, At: at(time.May, 22)},
				{ClientCode: "40004", Name: "Ruby Scott", Title: "Double-entry quiz", Score: 8, At: at(time.March, 10)},
				{ClientCode: "40004", Name: "Ruby Scott", Title: "Ledger reconciliation task", Score: 30, At: at(time.May, 26)},
				{ClientCode: "40006", Name: "Tessa Ng", Title: "Double-entry quiz", Score: 7, At: at(time.March, 17)},
			},
		},
		{
			CourseSISID: scheme.SubjectCourse(payroll),
			Assessments: []demo.Assessment{{Title: "Pay run simulation", Points: 100}},
			Grades: []demo.Grade{
				{ClientCode: "40001", Name: "Olivia Evans", Title: "Pay run simulation", Score: 88, At: at(time.June, 12)},
				{ClientCode: "40002", Name: "Peter Hughes", Title: "Pay run simulation", Score: 71, At: at(time.June, 12)},
			},
		},
	}
}
