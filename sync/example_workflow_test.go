package sync_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// walkthroughSyncer is the documented walkthrough (IST101 run in Term 1
// and Term 2) on a fake VETtrak and the memory LMS, in the Unit workflow,
// on 1 August 2026.
func walkthroughSyncer(cfg func(*vtsync.Config), opts ...vtsync.Option) (*vtsync.Syncer, *vettraktest.Server, *memlms.LMS) {
	fake := vettraktest.NewServer(vettraktest.WithDataset(vettraktest.SeedWalkthrough()))
	api, err := vettrak.New(fake.URL(), fake.Credentials())
	if err != nil {
		panic(err)
	}
	target := memlms.New()
	c := vtsync.DefaultConfig(mapping.WorkflowUnit)
	c.Scope.From = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Scope.To = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	if cfg != nil {
		cfg(&c)
	}
	now := func() time.Time { return time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC) }
	s, err := vtsync.New(api, target, c, append([]vtsync.Option{vtsync.WithClock(now)}, opts...)...)
	if err != nil {
		panic(err)
	}
	return s, fake, target
}

// A plan that would remove more enrolments than the safety limit allows
// is held: Apply refuses it with ErrHold and changes nothing, until a
// person allows it.
func ExampleSyncer_Apply_hold() {
	s, fake, _ := walkthroughSyncer(func(c *vtsync.Config) {
		c.Safety.MinBase = vtsync.Ptr(0) // the walkthrough is small; hold at any size
	})
	defer fake.Close()
	ctx := context.Background()
	if _, err := s.Run(ctx); err != nil {
		panic(err)
	}

	// VETtrak withdraws one learner of four: 25% of the enrolments, over
	// the default 10%.
	data := fake.Data()
	first := data.EnrolmentsOf(data.Occurrences()[0])[0]
	if err := data.Withdraw(first.ID, "Withdrawn"); err != nil {
		panic(err)
	}
	plan, err := s.Plan(ctx)
	if err != nil {
		panic(err)
	}
	_, err = s.Apply(ctx, plan)
	fmt.Println("held:", errors.Is(err, vtsync.ErrHold))

	rep, err := s.Apply(ctx, plan, vtsync.AllowHolds())
	if err != nil {
		panic(err)
	}
	fmt.Println("removed after approval:", rep.Removed["enrolment"])
	// Output:
	// held: true
	// removed after approval: 1
}

// A dry run stops at the plan: the report says what a run would change,
// and nothing is changed.
func ExampleWithDryRun() {
	s, fake, target := walkthroughSyncer(nil, vtsync.WithDryRun())
	defer fake.Close()
	rep, err := s.Run(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println("dry run:", rep.DryRun)
	fmt.Println("would create users:", rep.Plan.Counts()[vtsync.OpCreateUser])
	fmt.Println("users in the LMS:", len(target.Dump().Users))
	// Output:
	// dry run: true
	// would create users: 6
	// users in the LMS: 0
}

// Result passback: once a learner completes the course in the LMS, the
// unit's result goes back to VETtrak, once.
func ExampleSyncer_ReportResults() {
	s, fake, target := walkthroughSyncer(func(c *vtsync.Config) {
		// Course completion decides the result (the LMS-pulls rule).
		c.Results.Rules = mapping.DefaultRules(mapping.WorkflowOccurrenceGroups)
	})
	defer fake.Close()
	ctx := context.Background()
	if _, err := s.Run(ctx); err != nil {
		panic(err)
	}

	// Bob (Term 2) completes every requirement of the IST101 course.
	done := time.Date(2026, 6, 20, 14, 0, 0, 0, time.UTC)
	var bob string
	for _, u := range target.Dump().Users {
		if u.GivenName == "Bob" {
			bob = u.SISID
		}
	}
	course := mapping.DefaultSISScheme().UnitCourse("IST101")
	if err := target.SetProgress(course, lms.CourseProgress{UserSISID: bob, RequirementsTotal: 1, RequirementsCompleted: 1, CompletedAt: &done}); err != nil {
		panic(err)
	}
	rep, err := s.ReportResults(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("results written:", rep.ResultsWritten)
	again, err := s.ReportResults(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("written again:", again.ResultsWritten)
	// Output:
	// results written: 1
	// written again: 0
}
