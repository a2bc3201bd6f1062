package vettraktest_test

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// A fake VT_API with the documented walkthrough, used through the real client.
func ExampleNewServer() {
	fake := vettraktest.NewServer(vettraktest.WithDataset(vettraktest.SeedWalkthrough()))
	defer fake.Close()

	client, err := vettrak.New(fake.URL(), fake.Credentials())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	enrols, err := client.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
	if err != nil {
		panic(err)
	}
	for _, e := range enrols {
		fmt.Println(e.ID, e.GivenName, e.Surname)
	}
	fmt.Println("calls to GetEnrolmentsForOccurrence:", fake.CallCount("GetEnrolmentsForOccurrence"))
	// Output:
	// 3001 John Smith
	// 3002 Julie Nguyen
	// calls to GetEnrolmentsForOccurrence: 1
}

// A deterministic synthetic provider, for load tests and benchmarks.
func ExampleGenerate() {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 1, Occurrences: 20, Units: 5, Learners: 100, EnrolledUnits: 300, Staff: 4})
	if err != nil {
		panic(err)
	}
	fmt.Println("occurrences:", len(data.Occurrences()))
	// Output:
	// occurrences: 20
}
