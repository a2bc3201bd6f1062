package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// VETtrak is a fake VT_API on a local port and a client logged in to it.
type VETtrak struct {
	Server *vettraktest.Server
	API    *vettrak.Client
}

// StartVETtrak serves data from a fake VT_API on a local port and returns a
// client for it. Close it when done.
func StartVETtrak(data *vettraktest.Dataset) (*VETtrak, error) {
	srv := vettraktest.NewServer(vettraktest.WithDataset(data))
	api, err := vettrak.New(srv.URL(), srv.Credentials())
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("vettrak client: %w", err)
	}
	return &VETtrak{Server: srv, API: api}, nil
}

// Close stops the fake.
func (v *VETtrak) Close() { v.Server.Close() }

// Data is the dataset the fake serves; change it between runs to show how
// the sync follows.
func (v *VETtrak) Data() *vettraktest.Dataset { return v.Server.Data() }

// Occurrences prints each occurrence with its units, staff and learners.
func (p *Printer) Occurrences(data *vettraktest.Dataset) {
	for _, id := range data.Occurrences() {
		o, ok := data.Occurrence(id)
		if !ok {
			continue
		}
		units := make([]string, 0, len(o.Units))
		for _, u := range o.Units {
			units = append(units, u.Code)
		}
		staff := make([]string, 0, len(o.Staff))
		for _, s := range o.Staff {
			c, _ := data.Client(s.StaffCode)
			staff = append(staff, fmt.Sprintf("%s %s (%s)", c.GivenName, c.Surname, strings.ToLower(s.StaffType)))
		}
		var learners []string
		for _, e := range data.EnrolmentsOf(id) {
			learners = append(learners, e.GivenName+" "+e.Surname)
		}
		p.Line("%s %q, %s to %s, units %s", o.Code, cmp.Or(o.Description, o.Code), Date(o.StartDate), Date(o.EndDate), strings.Join(units, ", "))
		if len(staff) > 0 {
			p.Line("    staff:    %s", strings.Join(staff, ", "))
		}
		p.Line("    learners: %s", strings.Join(learners, ", "))
	}
}

// Results prints the enrolled units of every enrolment with their current
// VETtrak result.
func (p *Printer) Results(data *vettraktest.Dataset) {
	var enrols []vettrak.Enrolment
	for _, occ := range data.Occurrences() {
		enrols = append(enrols, data.EnrolmentsOf(occ)...)
	}
	slices.SortStableFunc(enrols, func(a, b vettrak.Enrolment) int { return cmp.Compare(a.ID, b.ID) })
	var rows [][]string
	for _, e := range enrols {
		for _, u := range data.Results(e.ID) {
			result := u.ResultName
			if result == "" {
				result = "(none yet)"
			} else if u.Outcome != "" {
				result += " (" + u.Outcome + ")"
			}
			var finish string
			if u.FinishDate != nil {
				finish = Date(*u.FinishDate)
			}
			rows = append(rows, []string{fmt.Sprint(e.ID), e.GivenName + " " + e.Surname, u.UnitCode, result, finish,
				strings.ReplaceAll(u.Comment, "\n", " | ")})
		}
	}
	p.Table([]string{"ENROLMENT", "LEARNER", "UNIT", "RESULT", "FINISH", "COMMENT"}, rows)
}

// Sydney is the walkthrough's time zone. It falls back to a fixed +10:00
// zone on a machine without a zone database (the examples also embed one
// with time/tzdata).
func Sydney() *time.Location {
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		return time.FixedZone("AEST", 10*3600)
	}
	return loc
}

// Year2026 is the scope of every demo: the fake data is dated 2026.
func Year2026() (from, to time.Time) {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, Sydney()), time.Date(2026, 12, 31, 0, 0, 0, 0, Sydney())
}
