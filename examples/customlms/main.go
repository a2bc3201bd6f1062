// Command customlms shows vtsync driving another team's own LMS: not
// Canvas, but a learning platform whose backend keeps its data in SQL and
// implements lms.LMS itself (package sqllms, over SQLite). This is the
// LMS-pulls model at its most direct: the Syncer writes straight into the
// platform's database, with no REST API between them.
//
// It is its own Go module, so the SQLite driver never becomes a
// dependency of vtsync. Run it from this directory:
//
//	cd examples/customlms && go run .
//	cd examples/customlms && go run . -db ./lms.db   # keep the file
//
// Run the second form twice: the second time the platform needs no change
// at all; only the fake VETtrak, which starts afresh in every process,
// gets its LMS flags and results again.
//
// The story: a teacher made course IST101 in the platform; the fake
// VETtrak holds the documented walkthrough (Term 1: John, Julie; Term 2:
// Bob, Barbara). One sync adopts the course, makes a group per term and
// enrols everyone. Learners progress (the platform records first activity
// itself, unlike Canvas), results go back to VETtrak, and the program
// prints the platform's tables with plain SQL, as the team's own tools
// would see them.
//
// To build your own: implement lms.LMS over your store, run the
// lms/lmstest conformance suite against it (see sqllms_test.go), and hand
// it to vtsync.New. The suite is the contract; passing it is how you know
// the Syncer can rely on your implementation.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // result dates are Sydney days, even on a machine without a zone database

	"github.com/vtsync/vtsync/examples/customlms/sqllms"
	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("customlms", run) }

func run(ctx context.Context, w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet("customlms", flag.ContinueOnError)
	fs.SetOutput(w)
	dbPath := fs.String("db", "", "SQLite file of the LMS (default: a fresh file in a temporary directory, removed at the end)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "vtsync-customlms-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "lms.db")
	}

	p := demo.NewPrinter(w)
	p.Title("vtsync on a custom LMS: the walkthrough, synced into a SQLite database")
	p.Section("Open the platform's database and start a fake VETtrak")
	platform, err := sqllms.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, platform.Close()) }()
	vt, err := demo.StartVETtrak(vettraktest.SeedWalkthrough())
	if err != nil {
		return err
	}
	defer vt.Close()
	p.Line("database  %s", *dbPath)
	p.Line("VETtrak   %s", vt.Server.URL())
	if err := courseByHand(ctx, p, platform); err != nil {
		return err
	}

	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	cfg.Mapping.TimeZone = "Australia/Sydney"
	clock := demo.NewClock()
	syncer, err := vtsync.New(vt.API, platform, cfg,
		vtsync.WithClock(clock.Now),
		vtsync.WithProgress(p.Progress()),
		vtsync.WithSecrets(vt.Server.Credentials().Password))
	if err != nil {
		return err
	}

	p.Section("Sync")
	plan, err := syncer.Plan(ctx)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	p.Plan(plan)
	rep, err := syncer.Apply(ctx, plan)
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	p.Report(rep)
	again, err := syncer.Plan(ctx)
	if err != nil {
		return fmt.Errorf("second plan: %w", err)
	}
	p.Line("A second plan has %d operations.", len(again.Ops))

	p.Section("Learners work in the platform")
	if err := learnersWork(ctx, p, platform); err != nil {
		return err
	}
	p.Section("Report results back to VETtrak")
	results, err := syncer.ReportResults(ctx)
	if err != nil {
		return fmt.Errorf("report results: %w", err)
	}
	p.Report(results)

	p.Section("The platform's tables, read with SQL")
	if err := dumpTables(ctx, p, platform.DB()); err != nil {
		return err
	}
	p.Section("What VETtrak holds now")
	p.Results(vt.Data())
	return p.Err()
}

// courseByHand makes course IST101 as a teacher would in the platform,
// unless an earlier run (with -db) left it there.
func courseByHand(ctx context.Context, p *demo.Printer, platform *sqllms.LMS) error {
	courses, err := platform.ListCourses(ctx)
	if err != nil {
		return err
	}
	for _, c := range courses {
		if c.Code == vettraktest.WalkthroughUnit {
			p.Line("The platform already holds course %s (SIS ID %q) from an earlier run.", c.Code, c.SISID)
			return nil
		}
	}
	if _, err := platform.SeedCourse(ctx, lms.Course{Name: "Introduction to Statistics", Code: vettraktest.WalkthroughUnit}); err != nil {
		return err
	}
	p.Line("A teacher made course %s in the platform, with no SIS ID.", vettraktest.WalkthroughUnit)
	return nil
}

// learnersWork records what the platform itself knows: John finished all
// four modules; Bob started.
func learnersWork(ctx context.Context, p *demo.Printer, platform *sqllms.LMS) error {
	scheme := mapping.DefaultSISScheme()
	course := scheme.UnitCourse(vettraktest.WalkthroughUnit)
	at := func(m time.Month, d int) *time.Time {
		t := time.Date(2026, m, d, 14, 0, 0, 0, demo.Sydney())
		return &t
	}
	for _, x := range []struct {
		name, client string
		done         int
		first, last  *time.Time
	}{
		{"John Smith", "10001", 4, at(time.February, 3), at(time.March, 20)},
		{"Bob Brown", "10003", 1, at(time.April, 28), at(time.May, 4)},
	} {
		user := scheme.User(x.client)
		prog := lms.CourseProgress{UserSISID: user, RequirementsTotal: 4, RequirementsCompleted: x.done}
		if x.done == 4 {
			prog.CompletedAt = x.last
		}
		if err := platform.SetProgress(ctx, course, prog); err != nil {
			return err
		}
		if err := platform.SetActivity(ctx, course, lms.Activity{UserSISID: user, FirstActivity: x.first, LastActivity: x.last}); err != nil {
			return err
		}
		p.Line("%-10s completed %d of 4 modules (first active %s, last %s)", x.name, x.done, demo.Date(*x.first), demo.Date(*x.last))
	}
	return nil
}

// queries are what the team's own reports might ask of the tables.
var queries = []struct{ title, sql string }{
	{"courses", `SELECT code, name, COALESCE(sis_id, '(none)') AS sis_id FROM courses ORDER BY code`},
	{"groups and members", `SELECT c.code, g.name AS class_group, u.given_name || ' ' || u.family_name AS learner, m.status
		FROM memberships m JOIN class_groups g ON g.id = m.group_id JOIN courses c ON c.id = g.course_id JOIN users u ON u.id = m.user_id
		ORDER BY c.code, g.name, u.family_name`},
	{"enrolments", `SELECT c.code, u.given_name || ' ' || u.family_name AS person, e.role, e.status
		FROM enrolments e JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = e.user_id
		ORDER BY c.code, e.role, u.family_name`},
	{"users", `SELECT sis_id, login, given_name || ' ' || family_name AS name, time_zone FROM users ORDER BY sis_id`},
}

func dumpTables(ctx context.Context, p *demo.Printer, db *sql.DB) error {
	for i, q := range queries {
		if i > 0 {
			p.Blank()
		}
		p.Line("%s:  %s", q.title, strings.Join(strings.Fields(q.sql), " "))
		rows, err := db.QueryContext(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("query %s: %w", q.title, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		var out [][]string
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			row := make([]string, len(vals))
			for i, v := range vals {
				row[i] = v.String
			}
			out = append(out, row)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for i, c := range cols {
			cols[i] = strings.ToUpper(c)
		}
		p.Table(cols, out)
	}
	return nil
}
