package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// pageSize is the Canvas page size the SDK asks for (per_page=100, also
// Canvas's cap).
const pageSize = 100

// The lower bound is the fewest calls a scenario needs, computed from the
// fakes' data, never from what the Syncer did:
//
//	VETtrak (no paging: a list is one call; there is no "changed since" read
//	of enrolments or enrolled units, and enrolled units come one enrolment
//	per call):
//	  structure run = 1 login + 1 SearchWebOccurrences (units and staff
//	                  included) + O GetEnrolmentsForOccurrence
//	                  + N GetUnitsForEnrolment + 1 GetAccessibleClients
//	                  (+ 2 GetDeletedRecordsSince, ENROLMENT and CLIENT, on a
//	                  re-sync), where N is every enrolment on the first run
//	                  and only the enrolments new since the last run after
//	                  it (units of a known enrolment may be remembered)
//	  result passback = 1 login + 1 SearchWebOccurrences + O + W
//	                  GetUnitsForEnrolment (a fresh read of each enrolment a
//	                  result goes to: a result entered by hand must never be
//	                  overwritten) + 1 GetResultTypes + R UpdateResult
//	                  + K UpdateResultComment
//	Canvas (pages of 100, at least one per listing):
//	  reads  = pages(account courses) + pages(account users)
//	           + Σ over managed courses that exist: pages(sections) + pages(enrollments, every state)
//	  writes = the objects whose desired state differs from the state before
//	           the run (mapping.Structure on the fake's records before and
//	           after the change): courses, sections, users, enrolments made;
//	           users renamed; enrolments whose status changed
//	  result passback reads = Σ over managed courses: pages(assignments)
//	           + pages(graded submissions, workflow_state=graded)
//	           + pages(enrollments, to map Canvas user IDs to SIS IDs)
//
// where O is the occurrences in scope, W the enrolments with a unit newly
// graded in Canvas whose VETtrak unit has no result, R those units and K
// the comments the commencement setting adds (one per such unit).
func boundFormulas() map[string]string {
	return map[string]string{
		"vettrak structure run": "1 login + 1 SearchWebOccurrences + O GetEnrolmentsForOccurrence + N GetUnitsForEnrolment (N = every enrolment on the first run, the new ones after) + 1 GetAccessibleClients (+2 GetDeletedRecordsSince on a re-sync)",
		"vettrak passback":      "1 login + 1 SearchWebOccurrences + O + W GetUnitsForEnrolment (W = enrolments a result goes to, read fresh) + 1 GetResultTypes + R UpdateResult + K UpdateResultComment",
		"canvas reads":          "pages(courses) + pages(users) + Σ existing managed courses [pages(sections) + pages(enrollments)], pages(n) = max(1, ⌈n/100⌉)",
		"canvas writes":         "objects created, renamed or changed in status between the desired state before and after (mapping.Structure on the fake's records)",
		"canvas passback":       "Σ managed courses [pages(assignments) + pages(graded submissions) + pages(enrollments)]",
	}
}

// bound is a scenario's lower bound on one side, item by item.
type bound struct {
	Reads  int64       `json:"reads"`
	Writes int64       `json:"writes"`
	Items  []boundItem `json:"items"`
}

// boundItem is one term of a bound: what must be read or written, on which
// endpoint, how many calls.
type boundItem struct {
	What     string `json:"what"`
	Endpoint string `json:"endpoint"`
	Calls    int64  `json:"calls"`
	Write    bool   `json:"write,omitempty"`
}

func (b *bound) add(what, endpoint string, n int64, write bool) {
	if n == 0 {
		return
	}
	b.Items = append(b.Items, boundItem{What: what, Endpoint: endpoint, Calls: n, Write: write})
	if write {
		b.Writes += n
	} else {
		b.Reads += n
	}
}

// Calls is reads plus writes.
func (b bound) Calls() int64 { return b.Reads + b.Writes }

// byEndpoint sums the bound's calls per endpoint.
func (b bound) byEndpoint() map[string]int64 {
	m := map[string]int64{}
	for _, it := range b.Items {
		m[it.Endpoint] += it.Calls
	}
	return m
}

func pages(n int) int64 {
	if n <= pageSize {
		return 1
	}
	return int64((n + pageSize - 1) / pageSize)
}

// snapshotOf reads the fake's records in scope straight from its dataset,
// bypassing the API, the way the Syncer would see them.
func snapshotOf(d *vettraktest.Dataset, sc vtsync.Scope) mapping.Snapshot {
	var snap mapping.Snapshot
	need := map[string]bool{}
	for _, id := range d.Occurrences() {
		o, ok := d.Occurrence(id)
		if !ok || o.EndDate.Before(sc.From) || o.StartDate.After(sc.To) {
			continue
		}
		snap.Occurrences = append(snap.Occurrences, o)
		for _, st := range o.Staff {
			need[st.StaffCode] = true
		}
		for _, e := range d.EnrolmentsOf(id) {
			if e.OccurrenceID == 0 {
				e.OccurrenceID = id
			}
			snap.Enrolments = append(snap.Enrolments, e)
			need[e.ClientCode] = true
			snap.EnrolledUnits = append(snap.EnrolledUnits, d.Results(e.ID)...)
		}
	}
	for code := range need {
		if c, ok := d.Client(code); ok {
			snap.Clients = append(snap.Clients, c)
		}
	}
	slices.SortFunc(snap.Clients, func(a, b vettrak.Client) int { return strings.Compare(a.Code, b.Code) })
	return snap
}

// desiredOf is the LMS state the mapping wants for a snapshot.
func desiredOf(cfg mapping.Config, snap mapping.Snapshot) (*mapping.Desired, error) {
	d, err := mapping.Structure(cfg, snap, nil)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return d, nil
}

// vettrakStructureBound is the VETtrak side of a structure run that must
// read the units of unitReads enrolments.
func vettrakStructureBound(snap mapping.Snapshot, resync bool, unitReads int) bound {
	var b bound
	b.add("login", "ValidateClient", 1, false)
	b.add("occurrences in scope, with units and staff", "SearchWebOccurrences", 1, false)
	b.add("enrolments, one list per occurrence", "GetEnrolmentsForOccurrence", int64(len(snap.Occurrences)), false)
	b.add("enrolled units of new or changed enrolments, one list each", "GetUnitsForEnrolment", int64(unitReads), false)
	b.add("clients added or changed since the last run", "GetAccessibleClients", 1, false)
	if resync {
		b.add("deleted records since the last run (ENROLMENT, CLIENT)", "GetDeletedRecordsSince", 2, false)
	}
	return b
}

// vettrakPassbackBound is the VETtrak side of result passback writing to
// the units of writeEnrols enrolments.
func vettrakPassbackBound(snap mapping.Snapshot, writeEnrols, results, comments int) bound {
	var b bound
	b.add("login", "ValidateClient", 1, false)
	b.add("occurrences in scope", "SearchWebOccurrences", 1, false)
	b.add("enrolments, one list per occurrence", "GetEnrolmentsForOccurrence", int64(len(snap.Occurrences)), false)
	b.add("current results of the enrolments written to, read just before writing", "GetUnitsForEnrolment", int64(writeEnrols), false)
	b.add("result types", "GetResultTypes", 1, false)
	b.add("results written", "UpdateResult", int64(results), true)
	b.add("commencement comments written", "UpdateResultComment", int64(comments), true)
	return b
}

// canvasReadBound is what a structure run must read from Canvas: the
// account's courses and each managed course that exists.
func canvasReadBound(cv *canvastest.Server, want *mapping.Desired) bound {
	var b bound
	live := 0
	bySIS := map[string]canvastest.Course{}
	for _, c := range cv.Courses() {
		if c.WorkflowState == "deleted" {
			continue
		}
		live++
		if c.SISCourseID != "" {
			bySIS[c.SISCourseID] = c
		}
	}
	b.add("account courses", "GET accounts/{id}/courses", pages(live), false)
	// No listing of the account's users: a re-sync need not read users
	// whose VETtrak records did not change (issue 16), so it is no part of
	// the least a run must read.
	var secPages, enrPages int64
	for _, sis := range want.CourseSISIDs {
		c, ok := bySIS[sis]
		if !ok {
			continue
		}
		secPages += pages(len(cv.Sections(c.ID)))
		enrPages += pages(len(cv.Enrollments(c.ID)))
	}
	b.add("sections of each managed course", "GET courses/{id}/sections", secPages, false)
	b.add("enrollments of each managed course, every state", "GET courses/{id}/enrollments", enrPages, false)
	return b
}

// canvasPassbackBound is what result passback must read from Canvas.
func canvasPassbackBound(cv *canvastest.Server, want *mapping.Desired) bound {
	var b bound
	bySIS := map[string]canvastest.Course{}
	for _, c := range cv.Courses() {
		bySIS[c.SISCourseID] = c
	}
	var aPages, sPages, ePages int64
	for _, sis := range want.CourseSISIDs {
		c, ok := bySIS[sis]
		if !ok {
			continue
		}
		as := cv.Assignments(c.ID)
		aPages += pages(len(as))
		graded := 0
		for _, a := range as {
			for _, s := range cv.Submissions(a.ID) {
				if s.WorkflowState == "graded" {
					graded++
				}
			}
		}
		sPages += pages(graded)
		ePages += pages(len(cv.Enrollments(c.ID)))
	}
	b.add("assignments of each managed course", "GET courses/{id}/assignments", aPages, false)
	b.add("graded submissions of each managed course", "GET courses/{id}/students/submissions", sPages, false)
	b.add("enrollments of each managed course (user IDs to SIS IDs)", "GET courses/{id}/enrollments", ePages, false)
	return b
}

// canvasWriteBound adds the writes that turn the desired state before a
// change (nil: an empty LMS) into the one after.
func canvasWriteBound(b *bound, before, after *mapping.Desired) {
	var was lms.State
	if before != nil {
		was = before.State
	}
	now := after.State
	oldCourses := keys(was.Courses, func(c lms.Course) string { return c.SISID })
	oldSections := keys(was.Sections, func(s lms.Section) string { return s.SISID })
	oldGroups := keys(was.Groups, func(g lms.Group) string { return g.SISID })
	oldUsers := map[string]lms.User{}
	for _, u := range was.Users {
		oldUsers[u.SISID] = u
	}
	oldEnrol := map[string]lms.Status{}
	for _, e := range was.Enrolments {
		oldEnrol[e.Key()] = e.Status
	}
	oldMember := map[string]lms.Status{}
	for _, m := range was.Memberships {
		oldMember[m.Key()] = m.Status
	}

	var courses, sections, groups, users, renamed, enrolled, ended, members, unmembered int64
	for _, c := range now.Courses {
		if !oldCourses[c.SISID] {
			courses++
		}
	}
	for _, s := range now.Sections {
		if !oldSections[s.SISID] {
			sections++
		}
	}
	for _, g := range now.Groups {
		if !oldGroups[g.SISID] {
			groups++
		}
	}
	for _, u := range now.Users {
		o, ok := oldUsers[u.SISID]
		switch {
		case !ok:
			users++
		case o.GivenName != u.GivenName || o.FamilyName != u.FamilyName || o.Email != u.Email || o.Login != u.Login:
			renamed++
		}
	}
	for _, e := range now.Enrolments {
		st, ok := oldEnrol[e.Key()]
		switch {
		case !ok && e.Status == lms.StatusActive, ok && st != e.Status && e.Status == lms.StatusActive:
			enrolled++
		case ok && st != e.Status:
			ended++
		}
	}
	for _, m := range now.Memberships {
		st, ok := oldMember[m.Key()]
		switch {
		case !ok && m.Status == lms.StatusActive, ok && st != m.Status && m.Status == lms.StatusActive:
			members++
		case ok && st != m.Status:
			unmembered++
		}
	}
	b.add("courses created", "POST accounts/{id}/courses", courses, true)
	b.add("sections created", "POST courses/{id}/sections", sections, true)
	b.add("groups created", "POST group_categories/{id}/groups", groups, true)
	b.add("users created", "POST accounts/{id}/users", users, true)
	b.add("users renamed", "PUT users/{id}", renamed, true)
	// One POST per enrolment, through the course with the section as a
	// parameter or through the section: the SDK uses the course.
	b.add("enrolments made (or reactivated)", "POST courses/{id}/enrollments", enrolled, true)
	b.add("enrolments ended (withdrawn, deleted)", "DELETE courses/{id}/enrollments/{id}", ended, true)
	b.add("group memberships added", "POST groups/{id}/memberships", members, true)
	b.add("group memberships removed", "DELETE groups/{id}/users/{id}", unmembered, true)
}

func keys[T any](xs []T, key func(T) string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[key(x)] = true
	}
	return m
}

// enrolmentIDs is the set of a snapshot's enrolments.
func enrolmentIDs(snap mapping.Snapshot) map[int64]bool {
	m := make(map[int64]bool, len(snap.Enrolments))
	for _, e := range snap.Enrolments {
		m[e.ID] = true
	}
	return m
}
