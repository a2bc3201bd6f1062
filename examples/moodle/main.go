// Command moodle runs the vtsync walkthrough against Moodle instead of
// Canvas: a fake VETtrak and a fake Moodle (package moodletest) in this
// process, the Occurrence-groups workflow between them through
// lms/moodlelms, the same interface the Canvas examples use.
//
//  1. a teacher has made Moodle course IST101 by hand;
//  2. the first run adopts it (gives it the SIS ID as its idnumber),
//     creates the learners, enrols them and puts each term's learners in
//     a Moodle group named after the occurrence;
//  3. a second run finds nothing to do (0 writes);
//  4. learners work in Moodle: John meets all four completion criteria
//     (the completion cron runs), Bob one;
//  5. results go back to VETtrak from Moodle's course completion.
//
// Run it with
//
//	go run ./examples/moodle
//
// To use a real site, replace the fake with
// moodle.New("https://your.moodle", token) for a token of a service that
// holds the functions listed in moodle's package documentation.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even without a zone database

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("moodle", run) }

func run(ctx context.Context, w io.Writer, args []string) error {
	if err := demo.NoArgs("moodle", args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync on Moodle: VETtrak to a fake Moodle through the lms interface")

	p.Section("Start a fake VETtrak and a fake Moodle")
	vt, err := demo.StartVETtrak(vettraktest.SeedWalkthrough())
	if err != nil {
		return err
	}
	defer vt.Close()
	srv := moodletest.NewServer()
	defer srv.Close()
	clock := demo.NewClock()
	srv.SetClock(clock.Now)
	// No client-side rate limit against the in-process fake; keep the
	// default (10 requests a second) for a real site.
	client, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0))
	if err != nil {
		return err
	}
	target, err := moodlelms.New(client)
	if err != nil {
		return err
	}
	// A teacher made the course by hand, its shortname the unit's code.
	if srv.SeedCourse(moodletest.Course{FullName: "Introduction to Statistics", ShortName: vettraktest.WalkthroughUnit,
		StartDate: time.Date(2026, time.February, 2, 0, 0, 0, 0, demo.Sydney()).Unix()}) == 0 {
		return errors.New("seed the Moodle course")
	}
	p.Line("VETtrak  %s", vt.Server.URL())
	p.Line("Moodle   %s", srv.URL())
	p.Occurrences(vt.Data())

	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	syncer, err := vtsync.New(vt.API, target, cfg,
		vtsync.WithStore(store.NewMemory()),
		vtsync.WithClock(clock.Now),
		vtsync.WithProgress(p.Progress()),
		vtsync.WithSecrets(vt.Server.Credentials().Password, srv.AdminToken()))
	if err != nil {
		return fmt.Errorf("syncer: %w", err)
	}

	p.Section("Connection test")
	check, err := syncer.Check(ctx)
	if check != nil {
		p.Check(check)
	}
	if err != nil {
		return fmt.Errorf("connection test: %w", err)
	}

	p.Section("Plan (a dry run), then apply it")
	plan, err := syncer.Plan(ctx)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	p.Plan(plan)
	rep, err := syncer.Apply(ctx, plan)
	if rep != nil {
		p.Report(rep)
	}
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if !rep.OK() {
		return errors.New("the first run had failures")
	}

	p.Section("Run again")
	before := client.Stats().Writes
	again, err := syncer.Run(ctx)
	if err != nil {
		return fmt.Errorf("second run: %w", err)
	}
	writes := client.Stats().Writes - before
	p.Line("Second run: %d operations, %d Moodle writes.", again.Planned, writes)
	if again.Planned != 0 || writes != 0 {
		return demo.ErrNotConverged
	}

	p.Section("Learners work in Moodle")
	if err := learnersWork(srv); err != nil {
		return err
	}

	p.Section("Results back to VETtrak")
	res, err := syncer.ReportResults(ctx)
	if err != nil {
		return fmt.Errorf("report results: %w", err)
	}
	p.Report(res)
	p.Blank()
	p.Results(vt.Data())

	p.Section("What Moodle holds")
	st, err := target.ReadState(ctx, []string{mapping.DefaultSISScheme().UnitCourse(vettraktest.WalkthroughUnit)})
	if err != nil {
		return err
	}
	for _, g := range st.Groups {
		var who []string
		for _, m := range st.Memberships {
			if m.GroupSISID == g.SISID {
				who = append(who, m.UserSISID)
			}
		}
		slices.Sort(who)
		p.Line("group %q  %v", g.Name, who)
	}
	p.Line("Moodle calls by function: %v", srv.Calls())
	return p.Err()
}

// learnersWork records in the fake Moodle what learners did: four
// activity criteria; John meets all of them (and the completion cron
// runs), Bob one.
func learnersWork(srv *moodletest.Server) error {
	c, ok := srv.CourseByIDNumber(mapping.DefaultSISScheme().UnitCourse(vettraktest.WalkthroughUnit))
	if !ok {
		return errors.New("the course has no SIS ID after the sync")
	}
	crit := make([]moodletest.Criterion, 4)
	for i := range crit {
		crit[i] = moodletest.Criterion{Type: moodle.CriteriaActivity, Title: fmt.Sprintf("Module %d", i+1)}
	}
	srv.SetCompletionCriteria(c.ID, crit)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 14, 0, 0, 0, demo.Sydney()) }
	for _, x := range []struct {
		sis         string
		done        int
		first, last time.Time
	}{
		{mapping.DefaultSISScheme().User("10001"), 4, day(time.February, 3), day(time.March, 20)},
		{mapping.DefaultSISScheme().User("10003"), 1, day(time.April, 28), day(time.May, 4)},
	} {
		u, ok := srv.UserByIDNumber(x.sis)
		if !ok {
			return fmt.Errorf("no Moodle user %s", x.sis)
		}
		for i := range x.done {
			srv.CompleteCriterion(c.ID, u.ID, i, x.last)
		}
		srv.SetAccess(u.ID, c.ID, x.first, x.last)
	}
	srv.AggregateCompletions()
	return nil
}
