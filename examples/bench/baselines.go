package main

import (
	"strconv"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// The two models vtsync must beat are computed, not run: their calls are
// counted from the same records with the same per-endpoint costs the SDK's
// clients pay (one request per call; a list of up to 100 is one call).
// perRecordLive in baselines_live.go runs the per-record model for real
// against the fakes, and the test checks that the count here matches what
// it does.

// Baseline model names.
const (
	modelPerRecord = "per-record push"
	modelPerRun20  = "20 occurrences per run"
)

// baseline is what one model needs for a scenario's work.
type baseline struct {
	Model string `json:"model"`
	// Runs is how many scheduled runs the work takes (the 20-per-run model
	// runs twice a day).
	Runs    int   `json:"runs"`
	VETtrak int64 `json:"vettrak_calls"`
	Canvas  int64 `json:"canvas_calls"`
	Calls   int64 `json:"calls"`
	// Missed counts changes the model never carries to the LMS.
	Missed int    `json:"missed,omitempty"`
	Note   string `json:"note"`
}

func (b *baseline) total() *baseline { b.Calls = b.VETtrak + b.Canvas; return b }

// work counts a desired state's per-record units of work.
type work struct {
	enrolledUnits int // active learner places: one per enrolled unit
	learners      int // distinct learners with an active place
	courses       int
	occurrences   int
	enrolments    int
	groups        int // (occurrence, course) pairs the pull model makes groups for
}

func workOf(d *mapping.Desired) work {
	var w work
	learners := map[string]bool{}
	enrolments := map[int64]bool{}
	occCourse := map[string]bool{}
	occs := map[int64]bool{}
	for _, pv := range d.Provenance {
		if pv.Status != lms.StatusActive {
			continue
		}
		n := max(1, len(pv.UnitCodes))
		w.enrolledUnits += n
		learners[pv.UserSISID] = true
		enrolments[pv.EnrolmentID] = true
		occs[pv.OccurrenceID] = true
		occCourse[pv.CourseSISID+"|"+strconv.FormatInt(pv.OccurrenceID, 10)] = true
	}
	w.learners, w.enrolments, w.occurrences, w.groups = len(learners), len(enrolments), len(occs), len(occCourse)
	w.courses = len(d.State.Courses)
	return w
}

// pushWork is what the per-record push does for a desired state that
// Canvas does not yet hold, event by event, with no store of its own: it
// looks up (GET by SIS ID) each course, section and group once and creates
// the missing ones, looks the user up once per VETtrak enrolment (and once
// per teacher in each section) creating the missing ones, and POSTs each
// enrolment and membership straight to its section or group by SIS IDs
// (Canvas re-uses an existing enrolment, so no lookup is needed first).
type pushWork struct {
	containers  int // courses, sections and groups: a GET and a POST each
	lookups     int // user lookups: learner enrolments + teachers per section
	users       int // users created
	enrolments  int // enrolments POSTed, teachers included
	memberships int // group memberships POSTed
}

func (p pushWork) calls() int64 {
	return int64(2*p.containers + p.lookups + p.users + p.enrolments + p.memberships)
}

// pushWorkOf counts the push of everything active in d into an empty
// Canvas.
func pushWorkOf(d *mapping.Desired) pushWork {
	w := pushWork{containers: len(d.State.Courses) + len(d.State.Sections) + len(d.State.Groups), users: len(d.State.Users)}
	learnerEnrolments := map[int64]bool{}
	for _, pv := range d.Provenance {
		if pv.Status == lms.StatusActive {
			learnerEnrolments[pv.EnrolmentID] = true
		}
	}
	teachers := map[string]bool{}
	for _, e := range d.State.Enrolments {
		if e.Status != lms.StatusActive {
			continue
		}
		w.enrolments++
		if e.Role != lms.RoleStudent {
			teachers[e.CourseSISID+"|"+e.SectionSISID+"|"+e.UserSISID] = true
		}
	}
	for _, m := range d.State.Memberships {
		if m.Status == lms.StatusActive {
			w.memberships++
		}
	}
	w.lookups = len(learnerEnrolments) + len(teachers)
	return w
}

// baselines returns both models' cost for a scenario. before is the
// desired state before the scenario (nil for the initial sync), after the
// one it brings about.
func baselines(scenario string, p *prepared, before *mapping.Desired) []baseline {
	after := workOf(p.desired)
	switch scenario {
	case scInitial:
		pw := pushWorkOf(p.desired)
		pr := &baseline{Model: modelPerRecord, Runs: 1, Canvas: pw.calls(),
			Note: "leanest push, per event, no store: GET+POST each course, section and group; one user lookup per enrolment (and per teacher in a section), POST each missing user; POST each enrolment (teachers included) and membership by SIS IDs; runs inside VETtrak (no VT_API calls)"}
		runs := (after.occurrences + 19) / 20
		pr20 := &baseline{Model: modelPerRun20, Runs: runs,
			VETtrak: int64(runs*2 + after.occurrences*2 + after.enrolments*2),
			Canvas:  pw.calls(),
			Note:    "per run: login, GetLMSNewOccurrences; per occurrence: GetLMSNewEnrolmentsForOccurrence, UpdateLMSOccurrenceStatus; per enrolment: GetUnitsForEnrolment, UpdateLMSEnrolmentStatus; LMS side as the per-record push"}
		return []baseline{*pr.total(), *pr20.total()}
	case scNoop:
		pr := &baseline{Model: modelPerRecord, Runs: 1,
			Note: "it pushes per event: no event, no call"}
		pr20 := &baseline{Model: modelPerRun20, Runs: 1, VETtrak: 2,
			Note: "login and an empty GetLMSNewOccurrences: cheap, but it would see no change either"}
		return []baseline{*pr.total(), *pr20.total()}
	case scDelta:
		return deltaBaselines(before, p.desired)
	case scResults:
		pr := &baseline{Model: modelPerRecord, Runs: 1,
			Canvas:  int64(after.enrolledUnits),
			VETtrak: int64(p.graded),
			Note:    "per enrolled unit: GET the learner's submissions in the course; per graded unit: UpdateResult (no commencement comment)"}
		return []baseline{*pr.total()}
	}
	return nil
}

// deltaBaselines counts the models' cost of a change: the per-record
// model pushes each changed record as an event; the 20-per-run model sees
// only enrolments VETtrak flags as new for the LMS.
func deltaBaselines(before, after *mapping.Desired) []baseline {
	if before == nil {
		return nil
	}
	type place struct {
		units  int
		status lms.Status
	}
	was := map[string]place{}
	for _, pv := range before.Provenance {
		was[pv.CourseSISID+"|"+pv.UserSISID] = place{len(pv.UnitCodes), pv.Status}
	}
	oldUsers := map[string]lms.User{}
	for _, u := range before.State.Users {
		oldUsers[u.SISID] = u
	}
	oldCourses := map[string]lms.Course{}
	for _, c := range before.State.Courses {
		oldCourses[c.SISID] = c
	}
	var newPlaces, endedPlaces, newLearners, renamed, moved int
	newEnrol := map[int64]bool{}
	newOcc := map[int64]bool{}
	for _, pv := range after.Provenance {
		old, ok := was[pv.CourseSISID+"|"+pv.UserSISID]
		switch {
		case !ok && pv.Status == lms.StatusActive:
			newPlaces++
			newEnrol[pv.EnrolmentID] = true
			newOcc[pv.OccurrenceID] = true
		case ok && old.status == lms.StatusActive && pv.Status != lms.StatusActive:
			endedPlaces++
		}
	}
	for _, u := range after.State.Users {
		o, ok := oldUsers[u.SISID]
		if !ok {
			newLearners++
		} else if o.GivenName != u.GivenName || o.FamilyName != u.FamilyName || o.Email != u.Email {
			renamed++
		}
	}
	for _, c := range after.State.Courses {
		if o, ok := oldCourses[c.SISID]; ok && (!sameDay(o.Start, c.Start) || !sameDay(o.End, c.End)) {
			moved++
		}
	}
	pr := &baseline{Model: modelPerRecord, Runs: 1,
		Canvas: int64(len(newEnrol) + newLearners + newPlaces + endedPlaces*2 + renamed + moved),
		Note:   "events: a new enrolment 1 user lookup (+1 new user) and 1 POST per course place; a withdrawn place 2 (find the enrolment by SIS IDs, end it); a rename 1 (PUT by SIS ID); a rescheduled course 1 (PUT by SIS ID)"}
	pr20 := &baseline{Model: modelPerRun20, Runs: 1,
		VETtrak: int64(2 + len(newOcc)*2 + len(newEnrol)*2),
		Canvas:  int64(len(newEnrol) + newLearners + newPlaces),
		Missed:  endedPlaces + renamed + moved,
		Note:    "imports what VETtrak flags as new; withdrawals, renames and new dates never reach the LMS"}
	return []baseline{*pr.total(), *pr20.total()}
}

// sameDay compares two optional dates at the precision Canvas keeps for
// course dates (days, in their own zone).
func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}
