package fleettest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// State is what one provider's fakes hold, as sorted lines keyed by SIS
// IDs and names (never by the fakes' own IDs, which depend on the order
// of calls), and the duplicates found.
type State struct {
	Lines []string
	// Duplicates names every user, enrolment, membership, section, group
	// or result write that exists more than once.
	Duplicates []string
}

// Snapshot reads a provider's fakes.
func (p *FakeProvider) Snapshot() State {
	var s State
	count := map[string]int{}
	add := func(identity, line string) {
		count[identity]++
		s.Lines = append(s.Lines, line)
	}
	cv := p.Canvas
	users := map[int64]string{}
	for _, u := range cv.Users() {
		users[u.ID] = u.SISUserID
		add("user "+u.SISUserID, fmt.Sprintf("user %s %q %s %s", u.SISUserID, u.Name, u.LoginID, u.WorkflowState))
	}
	for _, c := range cv.Courses() {
		course := c.SISCourseID + "|" + c.CourseCode
		add("course "+course, fmt.Sprintf("course %s %q %s", course, c.Name, c.WorkflowState))
		sections := map[int64]string{}
		for _, sec := range cv.Sections(c.ID) {
			sections[sec.ID] = sec.SISSectionID + "|" + sec.Name
			add("section "+course+" "+sections[sec.ID], fmt.Sprintf("section %s %s %s", course, sections[sec.ID], sec.WorkflowState))
		}
		for _, e := range cv.Enrollments(c.ID) {
			id := fmt.Sprintf("enrolment %s %s %s %s", course, users[e.UserID], e.Type, sections[e.SectionID])
			if e.State == "deleted" {
				id += fmt.Sprintf(" deleted#%d", e.ID) // a deleted one may sit beside its successor
			}
			add(id, fmt.Sprintf("%s %s %s", id, e.Role, e.State))
		}
		for _, g := range cv.Groups(c.ID) {
			group := g.SISGroupID + "|" + g.Name
			add("group "+course+" "+group, fmt.Sprintf("group %s %s %s", course, group, g.WorkflowState))
			for _, m := range cv.Memberships(g.ID) {
				id := fmt.Sprintf("membership %s %s", group, users[m.UserID])
				add(id, fmt.Sprintf("%s %s", id, m.WorkflowState))
			}
		}
	}
	s.Lines = append(s.Lines, vettrakLines(p.VETtrak.Data())...)
	for id, n := range count {
		if n > 1 {
			s.Duplicates = append(s.Duplicates, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	slices.Sort(s.Lines)
	slices.Sort(s.Duplicates)
	return s
}

// vettrakLines lists each enrolled unit's result and how many results it
// replaced (the fake keeps each replaced result in a history, so a result
// written twice shows as one more replacement than a reference has), and
// each occurrence's and enrolment's flag: the VETtrak side of a run.
func vettrakLines(d *vettraktest.Dataset) []string {
	var out []string
	for _, occ := range d.Occurrences() {
		o, _ := d.Occurrence(occ)
		out = append(out, fmt.Sprintf("vettrak occurrence %d uploaded=%t", occ, o.Uploaded))
		for _, e := range d.EnrolmentsOf(occ) {
			out = append(out, fmt.Sprintf("vettrak enrolment %d %s uploaded=%t", e.ID, e.Status, e.Uploaded))
			for _, u := range d.Results(e.ID) {
				out = append(out, fmt.Sprintf("vettrak result %d %s %q %q %q replaced=%d", e.ID, u.UnitCode, u.ResultName,
					u.Outcome, strings.ReplaceAll(u.Comment, "\n", "|"), len(d.ResultHistory(e.ID, u.UnitCode))))
			}
		}
	}
	return out
}
