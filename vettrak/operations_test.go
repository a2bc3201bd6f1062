package vettrak_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func codes[T any](in []T, f func(T) string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

func TestOccurrenceOperations(t *testing.T) {
	api, srv := pair(t, nil)
	ctx := t.Context()
	syd := api.Location()

	occ, err := api.LMSNewOccurrences(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"Term 1", "Term 2"}, codes(occ, func(o vettrak.Occurrence) string { return o.Description }))
	o := occ[0]
	assert.Equal(t, vettraktest.WalkthroughTerm1, o.ID)
	assert.Equal(t, vettraktest.WalkthroughProgrammeID, o.ProgrammeID)
	assert.Equal(t, "Introduction to Statistics", o.ProgrammeName)
	assert.Equal(t, time.Date(2026, 2, 2, 0, 0, 0, 0, syd), o.StartDate)
	assert.Equal(t, "SYD", o.LocationCode)
	assert.Nil(t, o.Units, "not read by this call")

	d, err := api.OccurrenceDetails(ctx, vettraktest.WalkthroughTerm2)
	require.NoError(t, err)
	assert.Equal(t, "Term 2", d.Description)
	assert.Equal(t, []vettrak.Unit{{Code: "IST101", Name: "Introduction to Statistics", Type: vettrak.UnitOfCompetency}}, d.Units)
	require.Len(t, d.Staff, 2)
	assert.Equal(t, vettrak.StaffLink{StaffCode: "T001", GivenName: "Tina", Surname: "Taylor", StaffType: "Trainer",
		LinkType: vettrak.LinkOccurrence, LinkID: vettraktest.WalkthroughTerm2, Primary: true, OccurrenceID: vettraktest.WalkthroughTerm2}, d.Staff[0])
	assert.Equal(t, "Assessor", d.Staff[1].StaffType)

	units, err := api.UnitsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	assert.Equal(t, d.Units, units)

	// Mark Term 1 transferred: it leaves the LMS-new list; clear it again.
	require.NoError(t, api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true))
	occ, err = api.LMSNewOccurrences(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{vettraktest.WalkthroughTerm2}, codesInt(occ))
	got, _ := srv.Data().Occurrence(vettraktest.WalkthroughTerm1)
	assert.True(t, got.Uploaded)
	require.NoError(t, api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, false))
	occ, err = api.LMSNewOccurrences(ctx)
	require.NoError(t, err)
	assert.Len(t, occ, 2)

	err = api.SetOccurrenceUploaded(ctx, 424242, true)
	assert.ErrorIs(t, err, vettrak.ErrNoRecords)
}

func codesInt(occ []vettrak.Occurrence) []int64 {
	out := []int64{}
	for _, o := range occ {
		out = append(out, o.ID)
	}
	return out
}

func TestSearchOccurrences(t *testing.T) {
	api, srv := pair(t, nil)
	ctx := t.Context()
	syd := api.Location()
	vac := 0
	full, err := srv.Data().AddOccurrence(vettrak.Occurrence{Code: "FULL", Description: "Full", ProgrammeID: vettraktest.WalkthroughProgrammeID,
		StartDate: time.Date(2026, 9, 1, 0, 0, 0, 0, syd), EndDate: time.Date(2026, 9, 30, 0, 0, 0, 0, syd), LocationCode: "MEL", Vacancies: &vac})
	require.NoError(t, err)

	all, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{})
	require.NoError(t, err)
	assert.Len(t, all, 3)
	assert.Nil(t, all[0].Units)

	open, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{ExcludeFull: true})
	require.NoError(t, err)
	assert.Len(t, open, 2, "full occurrences are left out")

	term2, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{
		Start: time.Date(2026, 4, 1, 0, 0, 0, 0, syd), End: time.Date(2026, 5, 1, 0, 0, 0, 0, syd),
		IncludeUnits: true, IncludeStaff: true,
	})
	require.NoError(t, err)
	require.Len(t, term2, 1)
	assert.Equal(t, vettraktest.WalkthroughTerm2, term2[0].ID)
	assert.Len(t, term2[0].Units, 1)
	assert.Len(t, term2[0].Staff, 2)

	overlap, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{
		Start: time.Date(2026, 3, 1, 0, 0, 0, 0, syd), End: time.Date(2026, 3, 2, 0, 0, 0, 0, syd), Overlap: true,
	})
	require.NoError(t, err)
	assert.Equal(t, []int64{vettraktest.WalkthroughTerm1}, codesInt(overlap))

	pid := vettraktest.WalkthroughProgrammeID
	mel, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{ProgrammeID: &pid, LocationCode: "MEL", IncludeUnits: true})
	require.NoError(t, err)
	require.Equal(t, []int64{full.ID}, codesInt(mel))
	assert.Equal(t, []vettrak.Unit{}, mel[0].Units, "asked for and empty")
	require.NotNil(t, mel[0].Vacancies)
	assert.Equal(t, 0, *mel[0].Vacancies)

	none, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{Start: time.Date(2030, 1, 1, 0, 0, 0, 0, syd)})
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestEnrolmentOperations(t *testing.T) {
	api, srv := pair(t, nil)
	ctx := t.Context()
	syd := api.Location()

	en, err := api.LMSNewEnrolments(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	require.Len(t, en, 2)
	assert.Equal(t, vettrak.Enrolment{
		ID: 3001, OccurrenceID: vettraktest.WalkthroughTerm1, ClientCode: "10001", GivenName: "John", Surname: "Smith",
		Code: "IST101-1", StartDate: time.Date(2026, 2, 2, 0, 0, 0, 0, syd), EndDate: time.Date(2026, 4, 10, 0, 0, 0, 0, syd),
		Status: "Active", StatusType: 0, LocationCode: "SYD", OrganisationID: 1, DeliveryModes: []string{"Internal delivery"},
		Amount: "0.00", GST: "0.00", AmountPaid: "0.00", AmountCredited: "0.00",
	}, en[0])

	require.NoError(t, api.SetEnrolmentUploaded(ctx, 3001, true))
	en, err = api.LMSNewEnrolments(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	assert.Equal(t, []string{"10002"}, codes(en, func(e vettrak.Enrolment) string { return e.ClientCode }))
	all, err := api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	assert.Len(t, all, 2, "GetEnrolmentsForOccurrence lists uploaded ones too")

	// A learner added while the server runs, with a non-ASCII name.
	require.NoError(t, srv.Data().AddClient(vettrak.Person{Code: "10099", GivenName: "Zoë", Surname: "Nguyễn-O'Brien <&>"}))
	added, err := srv.Data().AddEnrolment(vettraktest.WalkthroughTerm1, "10099")
	require.NoError(t, err)
	en, err = api.LMSNewEnrolments(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	require.Len(t, en, 2)
	assert.Equal(t, added.ID, en[1].ID)
	assert.Equal(t, "Zoë", en[1].GivenName)
	assert.Equal(t, "Nguyễn-O'Brien <&>", en[1].Surname)

	// Withdrawal as VETtrak's UI would record it.
	require.NoError(t, srv.Data().Withdraw(3002, "Pre-Reporting Withdrawal"))
	all, err = api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	var julie vettrak.Enrolment
	for _, e := range all {
		if e.ID == 3002 {
			julie = e
		}
	}
	assert.Equal(t, 9, julie.StatusType)
	assert.True(t, julie.Withdrawn())
	require.NotNil(t, julie.DateOfEffect)

	// UpdateEnrolment: status with default date of effect, dates, type.
	finish := time.Date(2026, 4, 3, 0, 0, 0, 0, syd)
	typ := "Traineeship"
	require.NoError(t, api.UpdateEnrolment(ctx, vettrak.EnrolmentUpdate{EnrolmentID: 3001, Status: "Completed", Finish: &finish, EnrolmentType: &typ}))
	e, _ := srv.Data().Enrolment(3001)
	assert.Equal(t, "Completed", e.Status)
	assert.Equal(t, 1, e.StatusType)
	assert.Equal(t, finish, e.EndDate)
	require.NotNil(t, e.DateOfEffect)
	err = api.UpdateEnrolment(ctx, vettrak.EnrolmentUpdate{EnrolmentID: 3001, Status: "Graduated"})
	assert.ErrorIs(t, err, vettrak.ErrRejected)
	err = api.UpdateEnrolment(ctx, vettrak.EnrolmentUpdate{EnrolmentID: 99, Status: "Completed"})
	assert.ErrorIs(t, err, vettrak.ErrNoRecords)
}

func TestResultOperations(t *testing.T) {
	api, srv := pair(t, nil)
	ctx := t.Context()
	syd := api.Location()
	start, finish := time.Date(2026, 2, 2, 0, 0, 0, 0, syd), time.Date(2026, 4, 1, 16, 30, 0, 0, syd)

	types, err := api.ResultTypes(ctx)
	require.NoError(t, err)
	byName := map[string]string{}
	for _, rt := range types {
		byName[rt.Name] = rt.Outcome
		assert.True(t, rt.Active)
	}
	for name, outcome := range map[string]string{"Competent": "20", "Not Yet Competent": "30", "Withdrawn": "40", "Credit Transfer": "60", "Continuing": "70", "RPL Granted": "51"} {
		assert.Equal(t, outcome, byName[name], name)
	}

	units, err := api.UnitsForEnrolment(ctx, 3001)
	require.NoError(t, err)
	assert.Equal(t, []vettrak.EnrolledUnit{{EnrolmentID: 3001, UnitCode: "IST101", UnitName: "Introduction to Statistics"}}, units)

	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Continuing", Start: start, Finish: finish}))
	pct := 87
	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Competent",
		Start: start, Finish: finish, Percentage: &pct, Comment: "Completed in Canvas"}))
	units, err = api.UnitsForEnrolment(ctx, 3001)
	require.NoError(t, err)
	require.Len(t, units, 1)
	u := units[0]
	assert.Equal(t, "Competent", u.ResultName)
	assert.Equal(t, "20", u.Outcome)
	require.NotNil(t, u.Percentage)
	assert.Equal(t, 87, *u.Percentage)
	assert.Equal(t, finish, *u.FinishDate)
	assert.Equal(t, start, *u.StartDate)
	assert.Equal(t, "Completed in Canvas", u.Comment, "UpdateResult without linked writes the comment with a second call")
	assert.Equal(t, 1, srv.CallCount("UpdateResultComment"))
	hist := srv.Data().ResultHistory(3001, "IST101")
	require.Len(t, hist, 1)
	assert.Equal(t, "Continuing", hist[0].ResultName)
	assert.Equal(t, -1, hist[0].Percentage)
	assert.Equal(t, units, srv.Data().Results(3001))

	// Including linked: an empty comment keeps the existing one.
	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "RPL Granted",
		Start: start, Finish: finish, IncludeLinked: true}))
	units, err = api.UnitsForEnrolment(ctx, 3001)
	require.NoError(t, err)
	assert.Equal(t, "RPL Granted", units[0].ResultName)
	assert.Equal(t, "Completed in Canvas", units[0].Comment)
	assert.Nil(t, units[0].Percentage)
	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Competent",
		Start: start, Finish: finish, IncludeLinked: true, Comment: "Linked comment ✓"}))
	assert.Equal(t, "Linked comment ✓", srv.Data().Results(3001)[0].Comment)
	assert.Len(t, srv.Data().ResultHistory(3001, "IST101"), 3)

	// UpdateResultComment replaces; empty removes.
	require.NoError(t, api.UpdateResultComment(ctx, 3001, "IST101", "Line 1\nLine 2 & <more>"))
	assert.Equal(t, "Line 1\nLine 2 & <more>", srv.Data().Results(3001)[0].Comment)
	require.NoError(t, api.UpdateResultComment(ctx, 3001, "IST101", ""))
	assert.Empty(t, srv.Data().Results(3001)[0].Comment)

	// VETtrak's own validation answers.
	err = api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Awesome", Start: start, Finish: finish})
	assert.ErrorIs(t, err, vettrak.ErrRejected)
	assert.Contains(t, err.Error(), "not a valid Result Name")
	err = api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "BSB999", ResultName: "Competent", Start: start, Finish: finish})
	assert.ErrorIs(t, err, vettrak.ErrRejected)
	err = api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 99, UnitCode: "IST101", ResultName: "Competent", Start: start, Finish: finish})
	assert.ErrorIs(t, err, vettrak.ErrNoRecords)
	err = api.UpdateResultComment(ctx, 3001, "BSB999", "x")
	assert.ErrorIs(t, err, vettrak.ErrRejected)

	zero := 0
	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 3002, UnitCode: "IST101", ResultName: "Not Yet Competent", Start: start, Finish: finish, Percentage: &zero}))
	assert.Equal(t, 0, *srv.Data().Results(3002)[0].Percentage, "0% arrives although gowsdl omits the element")
}

func TestClientAndStaffOperations(t *testing.T) {
	clock := vettraktest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	ds := vettraktest.SeedWalkthrough()
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithDataset(ds), vettraktest.WithClock(clock.Now)})
	ctx := t.Context()

	c, err := api.ClientDetails(ctx, "10002")
	require.NoError(t, err)
	assert.Equal(t, vettrak.Person{Code: "10002", GivenName: "Julie", Surname: "Nguyen", Email: "julie.nguyen@example.edu.au"}, *c)

	require.NoError(t, srv.Data().RenameClient("10002", "Júlie", "Nguyễn"))
	c, err = api.ClientDetails(ctx, "10002")
	require.NoError(t, err)
	assert.Equal(t, "Júlie", c.GivenName)
	assert.Equal(t, "Nguyễn", c.Surname)

	// Accessible clients: everything for the API user, the trainer's
	// learners for a trainer, and only changes since a time.
	all, err := api.AccessibleClients(ctx, "", nil)
	require.NoError(t, err)
	assert.Len(t, all, 6)
	mine, err := api.AccessibleClients(ctx, "T001", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"10001", "10002", "10003", "10004"}, codes(mine, func(c vettrak.Person) string { return c.Code }))
	clock.Advance(time.Hour)
	since := clock.Now()
	require.NoError(t, srv.Data().RenameClient("10004", "Barb", "Jones"))
	changed, err := api.AccessibleClients(ctx, "", &since)
	require.NoError(t, err)
	assert.Equal(t, []vettrak.Person{{Code: "10004", GivenName: "Barb", Surname: "Jones"}}, changed, "TClie carries no email")

	staff, err := api.StaffForClient(ctx, "10001", vettrak.StaffQuery{})
	require.NoError(t, err)
	require.Len(t, staff, 2)
	assert.Equal(t, vettrak.StaffLink{StaffCode: "T001", GivenName: "Tina", Surname: "Taylor", StaffType: "Trainer",
		LinkType: vettrak.LinkOccurrence, LinkID: vettraktest.WalkthroughTerm1, Primary: true,
		OccurrenceID: vettraktest.WalkthroughTerm1, ClientCode: "10001"}, staff[0])

	// A learner's own trainer is an enrolment link (LinkType 2), read
	// with IncludeEnrolments.
	require.NoError(t, srv.Data().AddEnrolmentStaff(3001, "A001", "Trainer"))
	personal, err := api.StaffForClient(ctx, "10001", vettrak.StaffQuery{IncludeEnrolments: true, StaffType: "Trainer"})
	require.NoError(t, err)
	require.Len(t, personal, 2)
	assert.Equal(t, vettrak.StaffLink{StaffCode: "A001", GivenName: "Alan", Surname: "Adams", StaffType: "Trainer",
		LinkType: vettrak.LinkEnrolment, LinkID: 3001, Primary: true, EnrolmentID: 3001, ClientCode: "10001"}, personal[1])
	assessors, err := api.StaffForClient(ctx, "10001", vettrak.StaffQuery{StaffType: "Assessor"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A001"}, codes(assessors, func(l vettrak.StaffLink) string { return l.StaffCode }))
	completed, err := api.StaffForClient(ctx, "10001", vettrak.StaffQuery{StatusTypes: []int{1}})
	require.NoError(t, err)
	assert.Empty(t, completed, "statusTypes reached the server")

	learners, err := api.ClientsForStaff(ctx, "A001", vettrak.StaffQuery{})
	require.NoError(t, err)
	assert.Equal(t, []string{"10001", "10002", "10003", "10004"}, codes(learners, func(l vettrak.StaffLink) string { return l.ClientCode }))
	assert.Equal(t, "A001", learners[0].StaffCode)
	assert.Equal(t, "John", learners[0].ClientGivenName)
	assert.Equal(t, "Assessor", learners[0].StaffType)
	syd := api.Location()
	term2, err := api.ClientsForStaff(ctx, "A001", vettrak.StaffQuery{Start: time.Date(2026, 5, 1, 0, 0, 0, 0, syd), End: time.Date(2026, 5, 2, 0, 0, 0, 0, syd)})
	require.NoError(t, err)
	assert.Equal(t, []string{"10003", "10004"}, codes(term2, func(l vettrak.StaffLink) string { return l.ClientCode }))
	nobody, err := api.ClientsForStaff(ctx, "NOSUCH", vettrak.StaffQuery{})
	require.NoError(t, err)
	assert.Empty(t, nobody)
}

func TestDeletedRecordsSince(t *testing.T) {
	clock := vettraktest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithClock(clock.Now)})
	ctx := t.Context()
	before := clock.Now().Add(-time.Minute)
	require.NoError(t, srv.Data().DeleteEnrolment(3004))
	clock.Advance(time.Hour)
	mid := clock.Now()
	srv.Data().AddTombstone(vettraktest.Tombstone{Table: "CLIENT", ID: "10004"})

	got, err := api.DeletedRecordsSince(ctx, "enrolment", before)
	require.NoError(t, err)
	assert.Equal(t, []vettrak.DeletedRecord{{Table: "ENROLMENT", ID: "3004"}}, got)
	got, err = api.DeletedRecordsSince(ctx, "ENROUNIT", before)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	got, err = api.DeletedRecordsSince(ctx, "ENROLMENT", mid)
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = api.DeletedRecordsSince(ctx, "CLIENT", mid)
	require.NoError(t, err)
	assert.Equal(t, []vettrak.DeletedRecord{{Table: "CLIENT", ID: "10004"}}, got)

	en, err := api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm2)
	require.NoError(t, err)
	assert.Equal(t, []string{"10003"}, codes(en, func(e vettrak.Enrolment) string { return e.ClientCode }))
	assert.True(t, slices.Contains(vettrak.DeletedTables(), "ENROUNIT"))
}

func TestOperationsListMatchesTheFake(t *testing.T) {
	api, srv := pair(t, nil, vettrak.WithCheckWrites())
	rep, err := api.Check(t.Context())
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.String())
	for _, op := range vettrak.Operations() {
		if op == "ValidateUser" {
			continue
		}
		assert.Positive(t, srv.CallCount(op), "Check probes %s", op)
	}
}
