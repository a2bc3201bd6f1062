package sync_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The LMS-pulls model on the documented walkthrough: the LMS already has a
// course with code IST101; each VETtrak occurrence becomes a group in it.
func Example() {
	fake := vettraktest.NewServer(vettraktest.WithDataset(vettraktest.SeedWalkthrough()))
	defer fake.Close()
	api, err := vettrak.New(fake.URL(), fake.Credentials())
	if err != nil {
		panic(err)
	}
	target := memlms.New()
	if _, err := target.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"}); err != nil {
		panic(err)
	}

	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope.From = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg.Scope.To = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	syncer, err := vtsync.New(api, target, cfg)
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	plan, err := syncer.Plan(ctx)
	if err != nil {
		panic(err)
	}
	counts := plan.Counts()
	fmt.Println("groups to create:", counts[vtsync.OpCreateGroup])
	fmt.Println("users to create:", counts[vtsync.OpCreateUser])
	fmt.Println("memberships to add:", counts[vtsync.OpAddMember])

	rep, err := syncer.Apply(ctx, plan)
	if err != nil {
		panic(err)
	}
	fmt.Println("failures:", len(rep.Failures))

	again, err := syncer.Plan(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("second plan:", len(again.Ops), "operations")
	// Output:
	// groups to create: 2
	// users to create: 6
	// memberships to add: 4
	// failures: 0
	// second plan: 0 operations
}
