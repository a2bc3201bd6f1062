// Command groups shows the Occurrence-groups workflow, the LMS-pulls model
// of Coassemble's VETtrak integration, done in one run with no cap: the
// LMS already has its courses, each with a unit's national code as its
// course code; every VETtrak occurrence of that unit becomes a group in the
// course, and every enrolment a learner in that group. An occurrence of a
// programme of several units gets a group in each unit's course. When a
// learner completes every module of a course, the unit's result goes back
// to VETtrak; VETtrak's LMS flags record what has been transferred.
//
//	go run ./examples/groups
//	go run ./examples/groups -sections   # groups as Canvas sections instead
//
// The story, on a fake VETtrak and a fake Canvas in this process: the
// documented walkthrough (IST101, Term 1 and Term 2) plus a winter
// intensive that runs IST101 and IST102 together, and an IST103 class
// whose course nobody has made in Canvas yet (reported, not invented: in
// this model the LMS owns its courses). A late enrolment then shows that
// the next run adds exactly one learner. Learners complete modules, and
// results flow back.
//
// To adapt it, start from vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups).
// Set cfg.Scope.IncludeLMSNew to also pick up the occurrences VETtrak flags
// as new for the LMS, and cfg.MarkTransferred (on by default here) to set
// those flags once everything an occurrence needs is in the LMS.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("groups", run) }

const (
	statistics  = vettraktest.WalkthroughUnit // IST101
	probability = "IST102"
	regression  = "IST103"
)

// dataset is the walkthrough plus a two-unit winter intensive and an IST103
// class. It returns the intensive's occurrence ID.
func dataset() (*vettraktest.Dataset, int64, error) {
	d := vettraktest.SeedWalkthrough()
	d.AddUnit(vettrak.Unit{Code: probability, Name: "Introduction to Probability"})
	d.AddUnit(vettrak.Unit{Code: regression, Name: "Linear Regression"})
	skillSet := d.AddProgramme(vettrak.Programme{Code: "ISTSS", Name: "Statistics Skill Set"})
	for _, c := range []vettrak.Person{
		{Code: "10005", GivenName: "Carla", Surname: "Diaz", Email: "carla.diaz@example.edu.au"},
		{Code: "10006", GivenName: "Dev", Surname: "Sharma", Email: "dev.sharma@example.edu.au"},
		{Code: "10007", GivenName: "Erin", Surname: "Cole", Email: "erin.cole@example.edu.au"},
	} {
		if err := d.AddClient(c); err != nil {
			return nil, 0, err
		}
	}
	winter, err := d.AddOccurrence(vettrak.Occurrence{Code: "ISTSS-W", Description: "Winter intensive",
		StartDate: demo.Day(time.June, 29), EndDate: demo.Day(time.July, 24), ProgrammeID: skillSet.ID, Status: "Active"},
		statistics, probability)
	if err != nil {
		return nil, 0, err
	}
	if err := d.AddStaff(winter.ID, vettraktest.WalkthroughTrainer, "Trainer"); err != nil {
		return nil, 0, err
	}
	if _, err := d.AddEnrolment(winter.ID, "10005"); err != nil {
		return nil, 0, err
	}
	ist103, err := d.AddOccurrence(vettrak.Occurrence{Code: "IST103-1", Description: "Regression, Term 2",
		StartDate: demo.Day(time.May, 4), EndDate: demo.Day(time.July, 3), ProgrammeID: skillSet.ID, Status: "Active"}, regression)
	if err != nil {
		return nil, 0, err
	}
	if _, err := d.AddEnrolment(ist103.ID, "10007"); err != nil {
		return nil, 0, err
	}
	return d, winter.ID, nil
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("groups", flag.ContinueOnError)
	fs.SetOutput(w)
	sections := fs.Bool("sections", false, "make each group a Canvas section rather than a Canvas group")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync Occurrence-groups workflow: Canvas owns the courses, VETtrak fills the groups")
	data, winter, err := dataset()
	if err != nil {
		return err
	}
	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	var canvasOpts []canvaslms.Option
	if *sections {
		canvasOpts = append(canvasOpts, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections))
	}
	env, err := demo.Start(p, data, cfg, canvasOpts)
	if err != nil {
		return err
	}
	defer env.Close()
	for _, c := range [][2]string{{"Introduction to Statistics", statistics}, {"Introduction to Probability", probability}} {
		if err := env.Canvas.CourseByHand(ctx, c[0], c[1]); err != nil {
			return err
		}
	}

	p.Section("Configuration")
	p.Config(env.Syncer.Config())
	if *sections {
		p.Line("Groups are Canvas sections (canvaslms.WithGroupsAs(canvaslms.GroupsAsSections)).")
	}
	p.Section("What each side holds")
	p.Occurrences(data)
	p.Line("Canvas holds courses %s and %s, made by hand; nobody has made %s yet.", statistics, probability, regression)

	p.Section("Sync: adopt the courses, fill the groups, flag VETtrak")
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}
	flags(p, data)

	p.Section("Dev Sharma enrols in the winter intensive")
	if _, err := data.AddEnrolment(winter, "10006"); err != nil {
		return fmt.Errorf("enrol Dev: %w", err)
	}
	if _, err := env.Sync(ctx, p); err != nil {
		return err
	}
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	p.Section("Learners complete modules in Canvas")
	if err := learnersWork(ctx, p, env.Canvas, cfg.Mapping.SIS); err != nil {
		return err
	}
	if err := env.Finish(ctx, p); err != nil {
		return err
	}
	canvasTerms(p, env.Canvas)
	return p.Err()
}

// canvasTerms says what the lms groups are in Canvas's own terms.
func canvasTerms(p *demo.Printer, cv *demo.Canvas) {
	var groups, sections int
	for _, g := range cv.Server.Groups(0) {
		if g.SISGroupID != "" && g.WorkflowState != "deleted" {
			groups++
		}
	}
	for _, s := range cv.Server.Sections(0) {
		if s.SISSectionID != "" && s.WorkflowState != "deleted" {
			sections++
		}
	}
	p.Blank()
	p.Line("In Canvas's own terms: %d groups (category %q) and %d sections carry SIS IDs.", groups, canvaslms.DefaultGroupCategory, sections)
}

// flags prints VETtrak's LMS flag of each occurrence.
func flags(p *demo.Printer, data *vettraktest.Dataset) {
	p.Blank()
	for _, id := range data.Occurrences() {
		if o, ok := data.Occurrence(id); ok {
			state := "not transferred"
			if o.Uploaded {
				state = "flagged as in the LMS"
			}
			p.Line("VETtrak occurrence %-9s %s", o.Code, state)
		}
	}
}

// learnersWork records module progress: each course has four modules.
// Canvas has no "first activity" field; a learner's first submission is
// their commencement, so each learner also hands in the module 1 quiz.
func learnersWork(ctx context.Context, p *demo.Printer, cv *demo.Canvas, scheme mapping.SISScheme) error {
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 13, 0, 0, 0, demo.Sydney()) }
	quizzes := map[string]string{}
	for _, unit := range []string{statistics, probability} {
		id, err := cv.AddAssessment(ctx, scheme.UnitCourse(unit), "Module 1 quiz", 10)
		if err != nil {
			return err
		}
		quizzes[unit] = id
	}
	var rows [][]string
	for _, x := range []struct {
		unit, client, name string
		modules            int
		first, last        time.Time
	}{
		{statistics, "10001", "John Smith", 4, at(time.February, 3), at(time.March, 20)},
		{statistics, "10004", "Barbara Jones", 2, at(time.May, 6), at(time.June, 1)},
		{statistics, "10005", "Carla Diaz", 4, at(time.June, 29), at(time.July, 8)},
		{probability, "10005", "Carla Diaz", 1, at(time.July, 1), at(time.July, 6)},
	} {
		user := scheme.User(x.client)
		course := scheme.UnitCourse(x.unit)
		if err := cv.Grade(ctx, quizzes[x.unit], user, 8, x.first); err != nil {
			return err
		}
		if err := cv.Progress(ctx, course, user, x.modules, 4, x.last); err != nil {
			return err
		}
		rows = append(rows, []string{x.unit, x.name, fmt.Sprintf("%d of 4", x.modules), demo.Date(x.first), demo.Date(x.last)})
	}
	p.Table([]string{"COURSE", "LEARNER", "MODULES", "STARTED", "LAST ACTIVE"}, rows)
	return nil
}
