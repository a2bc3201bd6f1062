// Command quickstart is the five-minute tour of vtsync: it starts a fake
// VETtrak and a fake Canvas in this process, loads the documented
// walkthrough (unit IST101 "Introduction to Statistics"; Term 1: John and
// Julie; Term 2: Bob and Barbara), and then does what a provider does on
// day one:
//
//  1. test both connections,
//  2. print the plan (a dry run: what would change, and why),
//  3. apply it, with progress,
//  4. run again to show that nothing changes the second time,
//  5. let learners work in Canvas (John completes the course, Bob starts),
//  6. report the results back to VETtrak,
//  7. print what landed on each side.
//
// Run it with
//
//	go run ./examples/quickstart
//
// It needs nothing but Go and finishes in a second or two.
//
// This is the LMS-pulls model (the Occurrence-groups workflow): Canvas
// already has a course whose code is the unit's national code, and each
// VETtrak occurrence becomes a group in it. To adapt it to a real provider,
// replace the fakes with vettrak.New(yourURL, credentials) and
// canvas.New(yourCanvasURL, token), set cfg.Scope to the dates you sync,
// and store state with vtsync.WithStore(store.Open(dir)) so results are
// never written twice across runs. The demo pins "today" to 10 July 2026
// (demo.Setup's clock) so its 2026 dates tell the same story on any day;
// a real Syncer uses the real clock.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("quickstart", run) }

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(w)
	jsonReport := fs.Bool("json", false, "also print the first run's report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p := demo.NewPrinter(w)
	p.Title("vtsync quickstart: VETtrak to Canvas on two fake servers")

	// 1. The two sides, both fakes in this process on local ports, and a
	// Syncer between them: one provider's configuration, plain data.
	p.Section("Start a fake VETtrak and a fake Canvas")
	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney" // given to the users the sync creates
	env, err := demo.Start(p, vettraktest.SeedWalkthrough(), cfg, nil)
	if err != nil {
		return err
	}
	defer env.Close()
	// The LMS-pulls model starts from a course a teacher made in Canvas,
	// whose code is the unit's national code.
	if err := env.Canvas.CourseByHand(ctx, "Introduction to Statistics", vettraktest.WalkthroughUnit); err != nil {
		return fmt.Errorf("seed the Canvas course: %w", err)
	}
	p.Line("VETtrak  %s", env.VETtrak.Server.URL())
	p.Line("Canvas   %s", env.Canvas.Server.URL())
	p.Blank()
	p.Line("VETtrak holds unit %s \"Introduction to Statistics\" running twice:", vettraktest.WalkthroughUnit)
	p.Occurrences(env.VETtrak.Data())
	p.Line("Canvas holds course %s, made by hand by a teacher, with no SIS ID yet.", vettraktest.WalkthroughUnit)

	p.Section("Connection test")
	if err := env.Check(ctx, p); err != nil {
		return err
	}

	// 2. Plan, a dry run that changes nothing, then apply exactly it.
	p.Section("Plan (a dry run), then apply it")
	rep, err := env.Sync(ctx, p)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return errors.New("the first run had failures")
	}
	if *jsonReport {
		b, err := rep.JSON()
		if err != nil {
			return err
		}
		p.Line("%s", b)
	}

	// 3. Reconcile, don't replay: a second run finds nothing to do.
	p.Section("Run again")
	if err := env.SyncAgain(ctx, p); err != nil {
		return err
	}

	// 4. Learners work in Canvas.
	p.Section("Learners work in Canvas")
	if err := learnersWork(ctx, p, env.Canvas); err != nil {
		return err
	}

	// 5. Results flow back to VETtrak, once; then what landed where.
	if err := env.Finish(ctx, p); err != nil {
		return err
	}
	p.Blank()
	p.Line("Next: go run ./examples/groups (this workflow in depth), ./examples/unit, ./examples/module,")
	p.Line("./examples/subject, ./examples/course, and ./examples/fakeservers to try your own tools.")
	return p.Err()
}

// learnersWork records what the learners did in Canvas: John took the
// module 1 quiz and finished all four modules; Bob took the quiz and
// finished one module; Julie and Barbara have not logged in. Canvas has no
// "first activity" field, so the SDK reads commencement from a learner's
// earliest submission.
func learnersWork(ctx context.Context, p *demo.Printer, target *demo.Canvas) error {
	course := mapping.DefaultSISScheme().UnitCourse(vettraktest.WalkthroughUnit)
	user := mapping.DefaultSISScheme().User
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 14, 0, 0, 0, demo.Sydney()) }
	quiz, err := target.AddAssessment(ctx, course, "Module 1 quiz", 10)
	if err != nil {
		return err
	}
	work := []struct {
		who, sis    string
		quiz        float64
		modules     int
		first, last time.Time
	}{
		{"John Smith", user("10001"), 9, 4, day(time.February, 3), day(time.March, 20)},
		{"Bob Brown", user("10003"), 7, 1, day(time.April, 28), day(time.May, 4)},
	}
	for _, x := range work {
		if err := target.Grade(ctx, quiz, x.sis, x.quiz, x.first); err != nil {
			return fmt.Errorf("quiz of %s: %w", x.who, err)
		}
		if err := target.Progress(ctx, course, x.sis, x.modules, 4, x.last); err != nil {
			return fmt.Errorf("progress of %s: %w", x.who, err)
		}
		p.Line("%-10s took the module 1 quiz on %s (%.0f/10); completed %d of 4 modules by %s",
			x.who, demo.Date(x.first), x.quiz, x.modules, demo.Date(x.last))
	}
	p.Line("Julie and Barbara have not started.")
	return nil
}
