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

// The lower bound is the fewest calls a scenario needs over every
// documented path, computed from the fakes' data and the APIs' documented
// operations, never from what the Syncer does or caches:
//
//	VETtrak (one path, VT_API; no paging: a list is one call; no "changed
//	since" read of enrolments or enrolled units, enrolled units come one
//	enrolment per call; TClie carries no email, so each new or changed
//	client's details are one GetClientDetails, reference §7):
//	  structure run = 1 login + 1 SearchWebOccurrences (units, staff and
//	                  dates included) + O GetEnrolmentsForOccurrence
//	                  + N GetUnitsForEnrolment + 1 GetAccessibleClients
//	                  + C GetClientDetails (+ 2 GetDeletedRecordsSince,
//	                  ENROLMENT and CLIENT, on a re-sync), where N and C are
//	                  every enrolment and client on the first run and only
//	                  the new or changed ones after it
//	  result passback = 1 login + 1 SearchWebOccurrences + O + W
//	                  GetUnitsForEnrolment (a fresh read of each enrolment a
//	                  result goes to) + 1 GetResultTypes + R UpdateResult
//	                  + K UpdateResultComment
//	Canvas, the cheapest of three paths (cheapest):
//	  REST    reads  = pages(account courses) + pages(account users)
//	                   + Σ existing managed courses [pages(sections) + pages(enrollments)]
//	          writes = one call per object created, updated (managed fields,
//	                   course dates at day precision) or ended
//	  REST reads + SIS import: the REST reads, and every write in one
//	          import (1 upload + at least 1 progress poll)
//	  provisioning report + SIS import: the account's state as one
//	          provisioning_csv report (request, poll, download: 3), and the
//	          writes as one import (2)
//	  result passback (REST only: no report carries grades) = Σ managed
//	          courses pages(graded submissions with include[]=assignment,user)
//
// where O is the occurrences in scope, W the enrolments with a unit newly
// graded in Canvas whose VETtrak unit has no result, R those units and K
// the comments the commencement setting adds (one per such unit). Each
// scenario reports the path its bound takes and every path's calls; the
// per-endpoint excess compares with the REST path's (the initial-bulk
// scenario's with the import path's).
func boundFormulas() map[string]string {
	return map[string]string{
		"vettrak structure run":                    "1 login + 1 SearchWebOccurrences + O GetEnrolmentsForOccurrence + N GetUnitsForEnrolment + 1 GetAccessibleClients + C GetClientDetails (N, C = every enrolment and client on the first run, the new or changed ones after; TClie carries no email) (+2 GetDeletedRecordsSince on a re-sync)",
		"vettrak passback":                         "1 login + 1 SearchWebOccurrences + O + W GetUnitsForEnrolment (W = enrolments a result goes to, read fresh) + 1 GetResultTypes + R UpdateResult + K UpdateResultComment",
		"canvas, REST path":                        "reads pages(courses) + pages(users) + Σ existing managed courses [pages(sections) + pages(enrollments)], pages(n) = max(1, ⌈n/100⌉); writes one per object created, updated (managed fields, course dates by day) or ended",
		"canvas, REST reads + SIS import":          "the REST reads + 1 SIS import upload + 1 progress poll (when anything is written)",
		"canvas, provisioning report + SIS import": "3 (provisioning_csv report: request, poll, download) + 2 (SIS import) when anything is written",
		"canvas, bound":                            "the cheapest of the three paths, named per scenario",
		"canvas passback":                          "REST only: Σ managed courses pages(graded submissions, include[]=assignment,user)",
	}
}

// bound is a scenario's lower bound on one side, item by item.
type bound struct {
	// Path is the documented path the bound takes: the cheapest of those
	// named in paths (see cheapest).
	Path   string      `json:"path"`
	Reads  int64       `json:"reads"`
	Writes int64       `json:"writes"`
	Items  []boundItem `json:"items"`
	// Paths is every path's calls, the chosen one among them.
	Paths map[string]int64 `json:"paths,omitempty"`
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
	slices.SortFunc(snap.Clients, func(a, b vettrak.Person) int { return strings.Compare(a.Code, b.Code) })
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
func vettrakStructureBound(snap mapping.Snapshot, resync bool, unitReads, clientReads int) bound {
	b := bound{Path: pathSOAP}
	b.add("login", "ValidateClient", 1, false)
	b.add("occurrences in scope, with units and staff", "SearchWebOccurrences", 1, false)
	b.add("enrolments, one list per occurrence", "GetEnrolmentsForOccurrence", int64(len(snap.Occurrences)), false)
	b.add("enrolled units of new or changed enrolments, one list each", "GetUnitsForEnrolment", int64(unitReads), false)
	b.add("clients added or changed since the last run", "GetAccessibleClients", 1, false)
	b.add("details (email) of each new or changed client: TClie carries none (reference §7)", "GetClientDetails", int64(clientReads), false)
	if resync {
		b.add("deleted records since the last run (ENROLMENT, CLIENT)", "GetDeletedRecordsSince", 2, false)
	}
	return b
}

// vettrakPassbackBound is the VETtrak side of result passback writing to
// the units of writeEnrols enrolments.
func vettrakPassbackBound(snap mapping.Snapshot, writeEnrols, results, comments int) bound {
	b := bound{Path: pathSOAP}
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

// canvasPassbackBound is what result passback must read from Canvas: one
// listing per managed course of its graded submissions, with
// include[]=assignment and include[]=user so neither the assignments nor
// the enrollments need a listing of their own (reference §2.7:
// students/submissions with student_ids[]=all, workflow_state=graded). No
// account report carries grades in the reference, so this is REST only.
func canvasPassbackBound(cv *canvastest.Server, want *mapping.Desired) bound {
	b := bound{Path: pathREST}
	bySIS := map[string]canvastest.Course{}
	for _, c := range cv.Courses() {
		bySIS[c.SISCourseID] = c
	}
	var sPages int64
	for _, sis := range want.CourseSISIDs {
		c, ok := bySIS[sis]
		if !ok {
			continue
		}
		graded := 0
		for _, a := range cv.Assignments(c.ID) {
			for _, s := range cv.Submissions(a.ID) {
				if s.WorkflowState == "graded" {
					graded++
				}
			}
		}
		sPages += pages(graded)
	}
	b.add("graded submissions of each managed course, with their assignment and user", "GET courses/{id}/students/submissions", sPages, false)
	b.Paths = map[string]int64{pathREST: b.Calls()}
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

	wasCourse := map[string]lms.Course{}
	for _, c := range was.Courses {
		wasCourse[c.SISID] = c
	}
	var courses, updated, sections, groups, users, renamed, enrolled, ended, members, unmembered int64
	for _, c := range now.Courses {
		o, ok := wasCourse[c.SISID]
		switch {
		case !oldCourses[c.SISID]:
			courses++
		case ok && (o.Name != c.Name || o.Code != c.Code || !sameDay(o.Start, c.Start) || !sameDay(o.End, c.End)):
			updated++
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
	b.add("courses renamed or rescheduled (dates at day precision)", "PUT courses/{id}", updated, true)
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

// The documented Canvas paths a bound may take.
const (
	pathREST = "REST"
	// pathImport reads by REST and writes every change as one SIS import
	// (users, courses, sections, enrollments, group categories, groups,
	// memberships, with status for removals: reference §6).
	pathImport = "REST reads + SIS import"
	// pathReport reads the account's state as one provisioning CSV
	// report (POST accounts/{id}/reports/provisioning_csv, poll it,
	// download the attachment: reference, Evidence 2026-11-30) and writes
	// as one SIS import.
	pathReport = "provisioning report + SIS import"
	pathSOAP   = "VT_API (SOAP)"
)

// cheapest is the fewest Canvas calls over every documented path for a
// structure run whose REST bound is rest: the same reads and writes by
// REST, or the writes as one SIS import (one upload and at least one
// status poll), or also the reads as one provisioning report (request,
// at least one poll, one download). An import or report counts only when
// it replaces at least as many calls.
func cheapest(rest bound) bound {
	rest.Path = pathREST
	imp := viaImport(rest)
	rep := bound{Path: pathReport}
	rep.add("the account's users, courses, sections, enrollments, groups and memberships as one report", "POST accounts/{id}/reports/provisioning_csv", 1, true)
	rep.add("report progress", "GET accounts/{id}/reports/provisioning_csv/{id}", 1, false)
	rep.add("report download", "GET files/{id}/download", 1, false)
	if rest.Writes > 0 {
		rep.add("every change as one SIS import", "POST accounts/{id}/sis_imports", 1, true)
		rep.add("SIS import progress", "GET accounts/{id}/sis_imports/{id}", 1, false)
	}
	best := rest
	for _, b := range []bound{imp, rep} {
		if b.Calls() < best.Calls() {
			best = b
		}
	}
	best.Paths = map[string]int64{pathREST: rest.Calls(), pathImport: imp.Calls(), pathReport: rep.Calls()}
	return best
}

// viaImport is the REST bound's reads with its writes sent as one SIS
// import: one upload and at least one status poll.
func viaImport(rest bound) bound {
	b := bound{Path: pathImport}
	for _, it := range rest.Items {
		if !it.Write {
			b.add(it.What, it.Endpoint, it.Calls, false)
		}
	}
	if rest.Writes > 0 {
		b.add("every change as one SIS import", "POST accounts/{id}/sis_imports", 1, true)
		b.add("SIS import progress", "GET accounts/{id}/sis_imports/{id}", 1, false)
	}
	return b
}
