// Command unit shows the Unit workflow (the SMS-pushes model of JR Plus /
// VETtrak Cloud): each unit of competency is one Canvas course; each
// trainer gets a section in it, with their learners as students; assessors
// teach the whole course. Each unit is pushed on its own, so one unit
// failing does not stop the others, and the next run retries it. When a
// learner passes every assessment of a unit's course, the unit's result
// goes back to VETtrak.
//
//	go run ./examples/unit
//
// The story, on a fake VETtrak and a fake Canvas in this process:
// a Team Leader skill set of two units runs in Term 1 (two trainers, each
// with a section in both units' courses: a VETtrak staff link covers the
// whole occurrence, never one unit) and Term 2 (one trainer). Canvas refuses to create one unit's
// course on the first run; the other unit syncs anyway, and the next day's
// run creates the missing one. Trainers then set and grade assessments,
// and results flow back, including a "Not Yet Competent" rule the provider
// added to the defaults.
//
// The data is illustrative (real unit codes, made-up people). To adapt it,
// start from vtsync.DefaultConfig(mapping.WorkflowUnit), choose sections
// per trainer or per occurrence (cfg.Mapping.Sections), name your staff
// types (cfg.Mapping.Staff) and your result types (cfg.Results.Rules).
package main

import (
	"context"
	"io"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("unit", run) }

const (
	leadership    = "BSBLDR411"
	relationships = "BSBTWK401"
)

// dataset is a skill set of two units run twice.
func dataset() (*vettraktest.Dataset, error) {
	b := demo.NewBuilder()
	prog := b.Programme("TLSS", "Team Leader Skill Set")
	b.Unit(leadership, "Demonstrate leadership in the workplace", false)
	b.Unit(relationships, "Build and maintain business relationships", false)
	b.Person("T100", "Priya", "Patel", "")
	b.Person("T200", "Sam", "Wilson", "")
	b.Person("A100", "Alex", "Chen", "")
	for _, l := range learners {
		b.Person(l[0], l[1], l[2], l[3])
	}
	t1 := b.Occurrence(prog, "TLSS-T1", "Team Leader Skill Set, Term 1", demo.Day(time.February, 2), demo.Day(time.April, 10), leadership, relationships)
	b.Staff(t1, "T100", "Trainer")
	b.Staff(t1, "T200", "Trainer")
	b.Staff(t1, "A100", "Assessor")
	b.Enrol(t1, "20001", "20002", "20003", "20004")
	t2 := b.Occurrence(prog, "TLSS-T2", "Team Leader Skill Set, Term 2", demo.Day(time.April, 27), demo.Day(time.July, 3), leadership, relationships)
	b.Staff(t2, "T100", "Trainer")
	b.Staff(t2, "A100", "Assessor")
	b.Enrol(t2, "20005", "20006")
	return b.Dataset()
}

var learners = [][4]string{
	{"20001", "Aisha", "Khan", ""}, {"20002", "Ben", "O'Connor", ""}, {"20003", "Chloé", "Martin", "chloe.martin@example.edu.au"},
	{"20004", "Dinh", "Tran", ""}, {"20005", "Ella", "Roberts", ""}, {"20006", "Farid", "Haddad", ""},
}

func config() vtsync.Config {
	cfg := vtsync.DefaultConfig(mapping.WorkflowUnit)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.Sections = mapping.SectionPerTrainer // the default, shown for clarity
	cfg.Mapping.TimeZone = "Australia/Sydney"
	// The defaults write Competent when every assessment passed and
	// Continuing once a learner has started; this provider also records a
	// fail. The first rule that matches wins, so finals come first.
	rules := cfg.Results.Rules.Rules
	cfg.Results.Rules.Rules = append([]mapping.Rule{rules[0],
		{ID: "any-failed", Version: 1, When: mapping.WhenAnyFailed, ResultName: "Not Yet Competent", Outcome: "30",
			Description: "every assessment graded and at least one failed"}}, rules[1:]...)
	return cfg
}

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("unit", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync Unit workflow: a Canvas course per unit, a section per trainer")
	data, err := dataset()
	if err != nil {
		return err
	}
	// One call at a time, so the story prints the same on every run: which
	// course Canvas refuses depends on which request reaches it first.
	env, err := demo.Start(p, data, config(), nil, vtsync.WithConcurrency(1))
	if err != nil {
		return err
	}
	defer env.Close()

	env.Introduce(p)

	// Canvas refuses the first course it is asked to create, as a real
	// instance might (a quota, an outage of one shard).
	env.Canvas.Server.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/courses", Times: 1, Status: 500})
	p.Section("First run: Canvas refuses one course")
	rep, err := env.Sync(ctx, p)
	if err != nil {
		return err
	}
	p.Line("The other unit synced anyway; %d operations of the failed unit's course were skipped, not attempted.", len(rep.Skipped))

	p.Section("Next day's run retries only what failed")
	env.Clock.Advance(24 * time.Hour) // past the failed item's retry backoff
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	p.Section("Trainers set and grade assessments in Canvas")
	if _, err := env.Canvas.DoWork(ctx, p, work()...); err != nil {
		return err
	}

	return env.Finish(ctx, p)
}

// work is the assessments of each unit's course and the grades so far. A
// course of one unit needs no unit codes in its titles.
func work() []demo.Work {
	scheme := mapping.DefaultSISScheme()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 15, 0, 0, 0, demo.Sydney()) }
	return []demo.Work{
		{
			CourseSISID: scheme.UnitCourse(leadership),
			Assessments: []demo.Assessment{{Title: "Leadership knowledge test", Points: 20}, {Title: "Workplace leadership project", Points: 100}},
			Grades: []demo.Grade{
				{ClientCode: "20001", Name: "Aisha Khan", Title: "Leadership knowledge test", Score: 18, At: at(time.February, 20)},
				{ClientCode: "20001", Name: "Aisha Khan", Title: "Workplace leadership project", Score: 82, At: at(time.March, 27)},
				{ClientCode: "20002", Name: "Ben O'Connor", Title: "Leadership knowledge test", Score: 15, At: at(time.February, 21)},
				{ClientCode: "20003", Name: "Chloé Martin", Title: "Leadership knowledge test", Score: 7, At: at(time.February, 20)},
				{ClientCode: "20003", Name: "Chloé Martin", Title: "Workplace leadership project", Score: 64, At: at(time.March, 30)},
			},
		},
		{
			CourseSISID: scheme.UnitCourse(relationships),
			Assessments: []demo.Assessment{{Title: "Business relationships case study", Points: 50}},
			Grades: []demo.Grade{
				{ClientCode: "20001", Name: "Aisha Khan", Title: "Business relationships case study", Score: 41, At: at(time.April, 2)},
				{ClientCode: "20004", Name: "Dinh Tran", Title: "Business relationships case study", Score: 30, At: at(time.April, 3)},
			},
		},
	}
}
