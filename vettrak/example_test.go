package vettrak_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Connect to VETtrak (here the in-process fake) and read what the LMS has
// not imported yet.
func ExampleNew() {
	srv := vettraktest.NewServer() // the documented walkthrough dataset
	defer srv.Close()

	api, err := vettrak.New(srv.URL(), srv.Credentials(), vettrak.WithTimeZoneName("Australia/Sydney"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	occurrences, err := api.LMSNewOccurrences(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range occurrences {
		enrolments, err := api.LMSNewEnrolments(ctx, o.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s, starts %s):", o.Description, o.ProgrammeCode, o.StartDate.Format("2 Jan 2006"))
		for _, e := range enrolments {
			fmt.Printf(" %s %s;", e.GivenName, e.Surname)
		}
		fmt.Println()
	}
	// Output:
	// Term 1 (IST101, starts 2 Feb 2026): John Smith; Julie Nguyen;
	// Term 2 (IST101, starts 27 Apr 2026): Bob Brown; Barbara Jones;
}

// Write a unit result back by result-type name, then read it.
func ExampleClient_UpdateResult() {
	srv := vettraktest.NewServer()
	defer srv.Close()
	api, err := vettrak.New(srv.URL(), srv.Credentials())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	syd := api.Location()
	err = api.UpdateResult(ctx, vettrak.ResultUpdate{
		EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Competent",
		Start:  time.Date(2026, 2, 2, 0, 0, 0, 0, syd),
		Finish: time.Date(2026, 4, 1, 0, 0, 0, 0, syd),
	})
	if err != nil {
		log.Fatal(err)
	}
	units, err := api.UnitsForEnrolment(ctx, 3001)
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range units {
		fmt.Printf("%s: %s (AVETMISS %s), finished %s\n", u.UnitCode, u.ResultName, u.Outcome, u.FinishDate.Format("2006-01-02"))
	}
	// Output:
	// IST101: Competent (AVETMISS 20), finished 2026-04-01
}

// VETtrak reports most failures in-band; match them with errors.Is.
func ExampleStatusError() {
	srv := vettraktest.NewServer(vettraktest.WithUnlicensed("UpdateEnrolment"))
	defer srv.Close()
	api, err := vettrak.New(srv.URL(), srv.Credentials())
	if err != nil {
		log.Fatal(err)
	}
	err = api.UpdateEnrolment(context.Background(), vettrak.EnrolmentUpdate{EnrolmentID: 3001, Status: "Completed"})
	fmt.Println(errors.Is(err, vettrak.ErrMissingRegistration))
	var se *vettrak.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.Op, se.Status)
	}
	// Output:
	// true
	// UpdateEnrolment -5
}

// The "Test connection" button.
func ExampleClient_Check() {
	srv := vettraktest.NewServer(vettraktest.WithUnlicensed("GetResultTypes"))
	defer srv.Close()
	api, err := vettrak.New(srv.URL(), srv.Credentials())
	if err != nil {
		log.Fatal(err)
	}
	rep, err := api.Check(context.Background())
	if err != nil {
		log.Fatal(err) // login failed; rep.String() says why
	}
	fmt.Println(rep.LoggedIn, rep.UserKind(), rep.OK(), rep.Missing())
	// Output:
	// true staff user false [GetResultTypes]
}
