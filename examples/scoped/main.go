// Command scoped shows result rules scoped by programme and occurrence:
// one provider, one sync, and each completed unit gets the result type
// that suits its occurrence, as the Coassemble integration asks providers
// to "set the Result Type to suit the VETtrak Occurrence".
//
//	go run ./examples/scoped
//
// The story, on a fake VETtrak and a fake Canvas in this process (the Unit
// workflow: a Canvas course per unit):
//   - an accredited leadership unit runs in Term 1 and Term 2: passing it
//     is "Competent" (AVETMISS 20), the provider-wide rule;
//   - Term 2's assessor asks for 80% rather than the provider's 50%: a
//     scope on that occurrence sets only the pass mark;
//   - a non-accredited workplace induction (a module of a short course)
//     records "Satisfactorily Completed" (81): a scope on its programme
//     names its own rule.
//
// The plan shows which scope and rule decided each result; the ledger
// keeps the same, and reporting again writes nothing.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("scoped", run) }

const (
	leadership = "BSBLDR411"
	induction  = "INDUCT01"
)

// story is the dataset and the occurrence that has its own pass mark.
type story struct {
	data *vettraktest.Dataset
	t2   int64
}

func dataset() (story, error) {
	b := demo.NewBuilder()
	cert := b.Programme("LDRSS", "Leadership Skill Set (accredited)")
	short := b.Programme("INDUCT", "Workplace induction (non-accredited short course)")
	b.Unit(leadership, "Demonstrate leadership in the workplace", false)
	b.Unit(induction, "Workplace induction", true)
	b.Person("T100", "Priya", "Patel", "")
	for _, l := range learners {
		b.Person(l[0], l[1], l[2], "")
	}
	t1 := b.Occurrence(cert, "LDR-T1", "Leadership, Term 1", demo.Day(time.February, 2), demo.Day(time.April, 10), leadership)
	b.Staff(t1, "T100", "Trainer")
	b.Enrol(t1, "30001", "30002")
	t2 := b.Occurrence(cert, "LDR-T2", "Leadership, Term 2 (80% pass mark)", demo.Day(time.February, 9), demo.Day(time.April, 17), leadership)
	b.Staff(t2, "T100", "Trainer")
	b.Enrol(t2, "30003", "30004")
	ind := b.Occurrence(short, "IND-MAR", "Workplace induction, March", demo.Day(time.March, 2), demo.Day(time.March, 27), induction)
	b.Staff(ind, "T100", "Trainer")
	b.Enrol(ind, "30005", "30006")
	data, err := b.Dataset()
	return story{data: data, t2: t2}, err
}

var learners = [][3]string{
	{"30001", "Mia", "Nguyen"}, {"30002", "Noah", "Williams"}, {"30003", "Olivia", "Singh"},
	{"30004", "Jack", "Taylor"}, {"30005", "Zara", "Ahmed"}, {"30006", "Leo", "Rossi"},
}

// config is the Unit workflow with the provider-wide rules (Competent when
// every assessment passed, Continuing once started) and two scopes.
func config(s story) vtsync.Config {
	cfg := vtsync.DefaultConfig(mapping.WorkflowUnit)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	cfg.Results.Scoped = []mapping.ScopedRules{
		{ID: "short-courses", Match: mapping.Scope{ProgrammeCode: "INDUCT"}, Rules: []mapping.Rule{
			{ID: "completed", Version: 1, When: mapping.WhenAllPassed, ResultName: "Satisfactorily Completed", Outcome: "81",
				Description: "a non-assessed short course: every activity done"},
		}},
		{ID: "term2-pass-mark", Match: mapping.Scope{OccurrenceID: s.t2}, PassPercent: ptr(80.0)},
	}
	return cfg
}

func ptr[T any](v T) *T { return &v }

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("scoped", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync result rules per programme and occurrence")
	s, err := dataset()
	if err != nil {
		return err
	}
	env, err := demo.Start(p, s.data, config(s), nil, vtsync.WithConcurrency(1))
	if err != nil {
		return err
	}
	defer env.Close()
	env.Introduce(p)

	p.Section("Connection test: every rule and scope against VETtrak")
	if err := env.Check(ctx, p); err != nil {
		return err
	}

	p.Section("Sync VETtrak to Canvas")
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}

	p.Section("Assessors grade the work in Canvas (the table marks 50%; Term 2 asks 80%)")
	if _, err := env.Canvas.DoWork(ctx, p, work()...); err != nil {
		return err
	}

	p.Section("Which scope decides each result")
	plan, err := env.Syncer.Plan(ctx)
	if err != nil {
		return err
	}
	p.Table([]string{"LEARNER", "UNIT", "RESULT", "RULE", "SCOPE"}, resultRows(plan, s.data))

	return env.Finish(ctx, p)
}

// resultRows lists the plan's result writes with the rule and scope that
// decided each.
func resultRows(plan *vtsync.Plan, data *vettraktest.Dataset) [][]string {
	names := map[int64]string{}
	for _, occ := range data.Occurrences() {
		for _, e := range data.EnrolmentsOf(occ) {
			names[e.ID] = e.GivenName + " " + e.Surname
		}
	}
	var writes []*mapping.ResultWrite
	for _, op := range plan.Ops {
		if op.Kind == vtsync.OpWriteResult {
			writes = append(writes, op.Result)
		}
	}
	slices.SortFunc(writes, func(a, b *mapping.ResultWrite) int { return cmp.Compare(a.EnrolmentID, b.EnrolmentID) })
	rows := make([][]string, 0, len(writes))
	for _, w := range writes {
		rows = append(rows, []string{names[w.EnrolmentID], w.UnitCode, fmt.Sprintf("%s (%s)", w.ResultName, w.Outcome), w.Rule, cmp.Or(w.Scope, "(provider-wide)")})
	}
	return rows
}

// work grades each course: Mia passes at 70% (Term 1: 50% needed), Olivia
// at 70% and Jack at 85% (Term 2: 80% needed), Zara finishes the
// induction; Noah and Leo have only started.
func work() []demo.Work {
	scheme := mapping.DefaultSISScheme()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 15, 0, 0, 0, demo.Sydney()) }
	return []demo.Work{
		{
			CourseSISID: scheme.UnitCourse(leadership),
			Assessments: []demo.Assessment{{Title: "Leadership project", Points: 100}, {Title: "Leadership reflection", Points: 10}},
			Grades: []demo.Grade{
				{ClientCode: "30001", Name: "Mia Nguyen", Title: "Leadership project", Score: 70, At: at(time.March, 20)},
				{ClientCode: "30001", Name: "Mia Nguyen", Title: "Leadership reflection", Score: 7, At: at(time.March, 21)},
				{ClientCode: "30002", Name: "Noah Williams", Title: "Leadership reflection", Score: 8, At: at(time.March, 12)},
				{ClientCode: "30003", Name: "Olivia Singh", Title: "Leadership project", Score: 70, At: at(time.March, 23)},
				{ClientCode: "30003", Name: "Olivia Singh", Title: "Leadership reflection", Score: 7, At: at(time.March, 24)},
				{ClientCode: "30004", Name: "Jack Taylor", Title: "Leadership project", Score: 85, At: at(time.March, 23)},
				{ClientCode: "30004", Name: "Jack Taylor", Title: "Leadership reflection", Score: 9, At: at(time.March, 24)},
			},
		},
		{
			CourseSISID: scheme.UnitCourse(induction),
			Assessments: []demo.Assessment{{Title: "Safety walk-through", Points: 1}},
			Grades: []demo.Grade{
				{ClientCode: "30005", Name: "Zara Ahmed", Title: "Safety walk-through", Score: 1, At: at(time.March, 6)},
			},
		},
	}
}
