// Command course shows the Course workflow: each occurrence (a class, a
// programme run) is one Canvas course of its own, with the occurrence's
// dates, its learners as students and its trainers and assessors as
// teachers. It suits short courses, where every class is a fresh shell.
//
//	go run ./examples/course
//
// The story, on a fake VETtrak and a fake Canvas in this process: a first
// aid course runs on two Saturdays. The sync makes a Canvas course for
// each. Then one learner withdraws in VETtrak: the next run moves only her
// enrolment to inactive (Canvas keeps her work; nothing is deleted because
// a record went missing, only because VETtrak said so). The trainer grades
// the theory quiz and the practical, and results flow back.
//
// The data is illustrative. To adapt it, start from
// vtsync.DefaultConfig(mapping.WorkflowCourse); choose what a withdrawal
// does with cfg.Mapping.WithdrawnStatus (inactive, completed or deleted).
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

func main() { demo.Main("course", run) }

const firstAid = "HLTAID011"

// dataset is one unit run as two one-day classes. It returns the two
// occurrences' IDs and the enrolment of the learner who withdraws.
func dataset() (d *vettraktest.Dataset, march, april, withdrawing int64, err error) {
	b := demo.NewBuilder()
	prog := b.Programme("HLTAID011", "Provide First Aid")
	b.Unit(firstAid, "Provide First Aid", false)
	for _, p := range [][3]string{
		{"T500", "Uma", "Reid"}, {"A500", "Victor", "Lam"},
		{"50001", "Wendy", "Price"}, {"50002", "Xavier", "Gomez"}, {"50003", "Yasmin", "Ali"},
		{"50004", "Zoe", "Baker"}, {"50005", "Adam", "Fox"},
	} {
		b.Person(p[0], p[1], p[2], "")
	}
	march = b.Occurrence(prog, "FA-0314", "First Aid, Sat 14 March, Sydney", demo.Day(time.March, 14), demo.Day(time.March, 14), firstAid)
	april = b.Occurrence(prog, "FA-0418", "First Aid, Sat 18 April, Parramatta", demo.Day(time.April, 18), demo.Day(time.April, 18), firstAid)
	for _, o := range []int64{march, april} {
		b.Staff(o, "T500", "Trainer")
		b.Staff(o, "A500", "Assessor")
	}
	b.Enrol(march, "50001", "50002", "50003")
	ids := b.Enrol(april, "50004", "50005")
	if len(ids) > 0 {
		withdrawing = ids[0]
	}
	d, err = b.Dataset()
	return d, march, april, withdrawing, err
}

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("course", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync Course workflow: a Canvas course per occurrence")
	data, march, april, withdrawing, err := dataset()
	if err != nil {
		return err
	}
	cfg := vtsync.DefaultConfig(mapping.WorkflowCourse)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	env, err := demo.Start(p, data, cfg, nil)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Introduce(p)

	p.Section("Sync: one Canvas course per class")
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}

	p.Section("Zoe Baker withdraws in VETtrak")
	if err := data.Withdraw(withdrawing, "Withdrawn"); err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	p.Section("The trainer grades the theory quiz and the practical")
	if _, err := env.Canvas.DoWork(ctx, p, work(cfg.Mapping.SIS, march, april)...); err != nil {
		return err
	}
	return env.Finish(ctx, p)
}

// work is each class's assessments. A course whose occurrence runs one
// unit needs no unit codes in its titles.
func work(scheme mapping.SISScheme, march, april int64) []demo.Work {
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, demo.Sydney()) }
	assessments := []demo.Assessment{{Title: "Theory quiz", Points: 20}, {Title: "Practical demonstration (CPR and bandaging)", Points: 10}}
	return []demo.Work{
		{
			CourseSISID: scheme.OccurrenceCourse(march),
			Assessments: assessments,
			Grades: []demo.Grade{
				{ClientCode: "50001", Name: "Wendy Price", Title: "Theory quiz", Score: 19, At: at(time.March, 14, 11)},
				{ClientCode: "50001", Name: "Wendy Price", Title: "Practical demonstration (CPR and bandaging)", Score: 10, At: at(time.March, 14, 15)},
				{ClientCode: "50002", Name: "Xavier Gomez", Title: "Theory quiz", Score: 16, At: at(time.March, 14, 11)},
				{ClientCode: "50002", Name: "Xavier Gomez", Title: "Practical demonstration (CPR and bandaging)", Score: 9, At: at(time.March, 14, 15)},
				{ClientCode: "50003", Name: "Yasmin Ali", Title: "Theory quiz", Score: 17, At: at(time.March, 14, 11)},
			},
		},
		{
			CourseSISID: scheme.OccurrenceCourse(april),
			Assessments: assessments,
			Grades: []demo.Grade{
				{ClientCode: "50005", Name: "Adam Fox", Title: "Theory quiz", Score: 18, At: at(time.April, 18, 11)},
				{ClientCode: "50005", Name: "Adam Fox", Title: "Practical demonstration (CPR and bandaging)", Score: 8, At: at(time.April, 18, 15)},
			},
		},
	}
}
