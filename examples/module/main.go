// Command module shows the Module workflow (the JR Plus "Module" model):
// a whole programme is one Canvas course, each occurrence of it a section,
// and each assessment names the unit it assesses in brackets in its title,
// e.g. "Written Assessment (BSBLDR501)". Several assessments may name one
// unit: together they decide that unit's result.
//
//	go run ./examples/module
//
// The story, on a fake VETtrak and a fake Canvas in this process: a
// Diploma of Leadership and Management runs as an online intake and an
// evening class. The sync makes one course with two sections. Trainers set
// two assessments per unit, plus a welcome survey that assesses no unit;
// the assessment linter shows how each title binds to units and flags the
// survey. After grading, each unit whose assessments all passed becomes
// Competent in VETtrak; a unit with work outstanding becomes Continuing.
//
// Titles are fragile (a renamed assignment loses its unit), so the SDK
// also takes explicit bindings that survive renames:
// cfg.Bindings["<Canvas assignment ID>"] = "BSBLDR501". The data is
// illustrative (real codes of the superseded BSB51918, made-up people).
package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("module", run) }

const (
	emotional     = "BSBLDR501"
	relationships = "BSBLDR502"
	operational   = "BSBMGT517"
)

// dataset is one programme of three units, run twice. It returns the
// programme's ID, which names its Canvas course.
func dataset() (*vettraktest.Dataset, int64, error) {
	b := demo.NewBuilder()
	prog := b.Programme("BSB51918", "Diploma of Leadership and Management")
	b.Unit(emotional, "Develop and use emotional intelligence", false)
	b.Unit(relationships, "Lead and manage effective workplace relationships", false)
	b.Unit(operational, "Manage operational plan", false)
	for _, p := range [][3]string{
		{"T300", "Grace", "Lee"}, {"T301", "Tom", "Nguyen"}, {"A300", "Rita", "Singh"},
		{"30001", "Hannah", "Wright"}, {"30002", "Isaac", "Brown"}, {"30003", "Jade", "Wilson"},
		{"30004", "Kai", "Thompson"}, {"30005", "Liam", "Murphy"},
	} {
		b.Person(p[0], p[1], p[2], "")
	}
	online := b.Occurrence(prog, "BSB51918-ONL", "Online intake, March 2026", demo.Day(time.March, 2), demo.Day(time.June, 26), emotional, relationships, operational)
	b.Staff(online, "T300", "Trainer")
	b.Staff(online, "A300", "Assessor")
	b.Enrol(online, "30001", "30002", "30003")
	evening := b.Occurrence(prog, "BSB51918-EVE", "Evening class, Term 2", demo.Day(time.April, 27), demo.Day(time.July, 3), emotional, relationships, operational)
	b.Staff(evening, "T301", "Trainer")
	b.Staff(evening, "A300", "Assessor")
	b.Enrol(evening, "30004", "30005")
	d, err := b.Dataset()
	return d, prog, err
}

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("module", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync Module workflow: a programme is one Canvas course; titles name the units")
	data, prog, err := dataset()
	if err != nil {
		return err
	}
	cfg := vtsync.DefaultConfig(mapping.WorkflowModule)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	env, err := demo.Start(p, data, cfg, nil)
	if err != nil {
		return err
	}
	defer env.Close()

	env.Introduce(p)

	p.Section("Sync: one course, a section per occurrence")
	rep, err := env.Sync(ctx, p)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("the sync had %d failures", len(rep.Failures))
	}
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	course := cfg.Mapping.SIS.ProgrammeCourse(prog)
	p.Section("Trainers set assessments and grade them")
	if _, err := env.Canvas.DoWork(ctx, p, work(course)); err != nil {
		return err
	}

	p.Section("Which assessment assesses which unit")
	if err := lint(ctx, p, env, course, data); err != nil {
		return err
	}

	return env.Finish(ctx, p)
}

// work is the course's assessments: two per unit, named by code in
// brackets, and a survey that assesses nothing.
func work(course string) demo.Work {
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 16, 0, 0, 0, demo.Sydney()) }
	g := func(code, name, title string, score float64, when time.Time) demo.Grade {
		return demo.Grade{ClientCode: code, Name: name, Title: title, Score: score, At: when}
	}
	const (
		w501 = "Written Assessment (" + emotional + ")"
		c501 = "Case Study (" + emotional + ")"
		w502 = "Written Assessment (" + relationships + ")"
		r502 = "Role Play Observation (" + relationships + ")"
		p517 = "Operational Plan Project (" + operational + ")"
	)
	return demo.Work{
		CourseSISID: course,
		Assessments: []demo.Assessment{
			{Title: "Welcome survey", Points: 1},
			{Title: w501, Points: 100}, {Title: c501, Points: 50},
			{Title: w502, Points: 100}, {Title: r502, Points: 20},
			{Title: p517, Points: 100},
		},
		Grades: []demo.Grade{
			g("30001", "Hannah Wright", w501, 78, at(time.March, 20)),
			g("30001", "Hannah Wright", c501, 40, at(time.April, 2)),
			g("30001", "Hannah Wright", w502, 85, at(time.May, 1)),
			g("30001", "Hannah Wright", r502, 16, at(time.May, 15)),
			g("30002", "Isaac Brown", w501, 81, at(time.March, 22)),
			g("30002", "Isaac Brown", w502, 35, at(time.May, 3)),
			g("30002", "Isaac Brown", r502, 15, at(time.May, 15)),
			g("30004", "Kai Thompson", w501, 90, at(time.May, 18)),
			g("30004", "Kai Thompson", c501, 45, at(time.June, 1)),
		},
	}
}

// lint shows how each assessment title binds to the course's units, and
// what is wrong: the same binding result write-back uses.
func lint(ctx context.Context, p *demo.Printer, env *demo.Setup, course string, data *vettraktest.Dataset) error {
	ev, err := env.Canvas.ReadEvidence(ctx, course)
	if err != nil {
		return fmt.Errorf("read assessments: %w", err)
	}
	var units []string
	if o, ok := data.Occurrence(data.Occurrences()[0]); ok {
		for _, u := range o.Units {
			units = append(units, u.Code)
		}
	}
	rep := mapping.Lint(course, units, ev.Assessments, env.Syncer.Config().Bindings)
	titles := map[string]string{}
	for _, a := range ev.Assessments {
		titles[a.ID] = a.Title
	}
	var rows [][]string
	for _, b := range rep.Bindings {
		bound := strings.Join(b.UnitCodes, ", ")
		if bound == "" {
			bound = "(none)"
		}
		source := string(b.Source)
		if source == "" {
			source = "-"
		}
		rows = append(rows, []string{b.Title, bound, source})
	}
	p.Table([]string{"ASSESSMENT", "UNITS", "BOUND BY"}, rows)
	for _, f := range rep.Findings {
		what := f.Message
		if t := titles[f.AssessmentID]; t != "" && !strings.Contains(what, t) {
			what = strconv.Quote(t) + ": " + what
		}
		p.Line("%s: %s", f.Severity, what)
	}
	return nil
}
