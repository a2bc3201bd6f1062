package mapping

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// genParams shapes a generated provider.
type genParams struct {
	Seed             uint64
	Learners         int
	UnitsPerLearner  int // enrolled units per enrolment
	LearnersPerOcc   int
	Units            int // size of the unit pool
	Programmes       int
	Staff            int
	WithdrawnPercent int
}

func defaultGen(seed uint64, learners int) genParams {
	return genParams{Seed: seed, Learners: learners, UnitsPerLearner: 3, LearnersPerOcc: 25, Units: 150, Programmes: 12, Staff: 60, WithdrawnPercent: 5}
}

func genUnitCode(i int) string { return fmt.Sprintf("GEN%05d", i) }

// genSnapshot builds a deterministic provider: programmes, occurrences with
// units and staff, one enrolment per learner with enrolled units, clients
// (a few without email, a few sharing one), withdrawals and a tombstone.
func genSnapshot(p genParams) Snapshot {
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	var s Snapshot
	for i := 1; i <= p.Programmes; i++ {
		s.Programmes = append(s.Programmes, record.Programme{ID: int64(i), Code: fmt.Sprintf("PROG%02d", i), Name: fmt.Sprintf("Programme %d", i)})
	}
	for i := 1; i <= p.Staff; i++ {
		s.Clients = append(s.Clients, record.Person{Code: fmt.Sprintf("S%04d", i), GivenName: "Staff", Surname: fmt.Sprint(i), Email: fmt.Sprintf("staff%d@rto.example", i)})
	}
	occs := (p.Learners + p.LearnersPerOcc - 1) / p.LearnersPerOcc
	start := time.Date(2026, 1, 12, 0, 0, 0, 0, syd)
	for i := 1; i <= occs; i++ {
		o := record.Occurrence{
			ID: int64(1000 + i), Code: fmt.Sprintf("OCC%04d", i), Description: fmt.Sprintf("Occurrence %d", i),
			ProgrammeID: int64(1 + rng.IntN(p.Programmes)),
			StartDate:   start.AddDate(0, 0, 7*rng.IntN(20)), Units: []record.Unit{},
		}
		o.EndDate = o.StartDate.AddDate(0, 4, 0)
		first := rng.IntN(p.Units)
		for u := 0; u < p.UnitsPerLearner; u++ {
			code := genUnitCode((first + u*7) % p.Units)
			o.Units = append(o.Units, record.Unit{Code: code, Name: "Unit " + code})
		}
		o.Staff = []record.StaffLink{
			{StaffCode: fmt.Sprintf("S%04d", 1+rng.IntN(p.Staff)), StaffType: "Trainer"},
			{StaffCode: fmt.Sprintf("S%04d", 1+rng.IntN(p.Staff)), StaffType: "Assessor"},
		}
		s.Occurrences = append(s.Occurrences, o)
	}
	for i := 1; i <= p.Learners; i++ {
		code := fmt.Sprintf("L%06d", i)
		c := record.Person{Code: code, GivenName: "Learner", Surname: fmt.Sprint(i), Email: fmt.Sprintf("l%d@student.example", i)}
		switch rng.IntN(100) {
		case 0:
			c.Email = ""
		case 1:
			c.Email = "family@student.example"
		}
		s.Clients = append(s.Clients, c)
		o := s.Occurrences[(i-1)/p.LearnersPerOcc]
		e := record.Enrolment{ID: int64(100000 + i), OccurrenceID: o.ID, ClientCode: code, GivenName: c.GivenName, Surname: c.Surname,
			StartDate: o.StartDate, EndDate: o.EndDate, Status: "Active"}
		if rng.IntN(100) < p.WithdrawnPercent {
			e.Status, e.StatusType = "Pre-Reporting Withdrawal", 9
		}
		s.Enrolments = append(s.Enrolments, e)
		for _, u := range o.Units {
			eu := record.EnrolledUnit{EnrolmentID: e.ID, UnitCode: u.Code, UnitName: u.Name}
			if rng.IntN(20) == 0 {
				eu.ResultName, eu.Outcome = "Continuing", "70"
				eu.StartDate, eu.FinishDate = ptr(o.StartDate), ptr(o.EndDate)
			}
			s.EnrolledUnits = append(s.EnrolledUnits, eu)
		}
	}
	s.Deleted = []record.DeletedRecord{{Table: "ENROLMENT", ID: fmt.Sprint(100000 + p.Learners/2)}, {Table: "ENROLMENT", ID: "1"}}
	return s
}

// genEvidence builds LMS evidence for every course of d: two assessments
// per unit named by code, and for each active learner some mix of
// activity, submissions and grades, deterministically from the seed.
func genEvidence(seed uint64, d *Desired, now time.Time) []lms.Evidence {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	ten := 10.0
	var out []lms.Evidence
	for _, c := range d.Courses {
		ev := lms.Evidence{CourseSISID: c.SISID}
		for _, u := range c.UnitCodes {
			for k := 1; k <= 2; k++ {
				ev.Assessments = append(ev.Assessments, lms.Assessment{ID: fmt.Sprintf("%s/%s/%d", c.SISID, u, k), CourseSISID: c.SISID,
					Title: fmt.Sprintf("Task %d (%s)", k, u), GradingType: "points", PointsPossible: &ten, Published: true})
			}
		}
		out = append(out, ev)
	}
	idx := map[string]int{}
	for i, ev := range out {
		idx[ev.CourseSISID] = i
	}
	for _, p := range d.Provenance {
		if p.Status != lms.StatusActive {
			continue
		}
		ev := &out[idx[p.CourseSISID]]
		level := rng.IntN(4) // 0 nothing, 1 active, 2 some graded, 3 all passed
		if level == 0 {
			continue
		}
		first := now.AddDate(0, 0, -30-rng.IntN(30))
		ev.Activity = append(ev.Activity, lms.Activity{UserSISID: p.UserSISID, FirstActivity: ptr(first), LastActivity: ptr(first.AddDate(0, 0, 10))})
		if level == 1 {
			continue
		}
		for _, u := range p.UnitCodes {
			for k := 1; k <= 2; k++ {
				if level == 2 && k == 2 {
					continue
				}
				score := float64(5 + rng.IntN(6))
				ev.Submissions = append(ev.Submissions, lms.Submission{AssessmentID: fmt.Sprintf("%s/%s/%d", p.CourseSISID, u, k), UserSISID: p.UserSISID,
					State: lms.SubmissionGraded, Grade: fmt.Sprint(score), Score: &score, SubmittedAt: ptr(first.AddDate(0, 0, k)), GradedAt: ptr(first.AddDate(0, 0, k+1))})
			}
		}
		if level == 3 {
			ev.Progress = append(ev.Progress, lms.CourseProgress{UserSISID: p.UserSISID, RequirementsTotal: 4, RequirementsCompleted: 4, CompletedAt: ptr(first.AddDate(0, 0, 9))})
		}
	}
	return out
}

// shuffled returns a copy of the snapshot with every list in a random
// order and some records repeated.
func shuffled(s Snapshot, seed uint64) Snapshot {
	rng := rand.New(rand.NewPCG(seed, 7))
	shuf := func(n int, swap func(i, j int)) { rng.Shuffle(n, swap) }
	out := Snapshot{
		Programmes: append([]record.Programme(nil), s.Programmes...), Occurrences: append([]record.Occurrence(nil), s.Occurrences...),
		Enrolments: append([]record.Enrolment(nil), s.Enrolments...), EnrolledUnits: append([]record.EnrolledUnit(nil), s.EnrolledUnits...),
		Clients: append([]record.Person(nil), s.Clients...), Staff: append([]record.StaffLink(nil), s.Staff...),
		Deleted: append([]record.DeletedRecord(nil), s.Deleted...),
	}
	// Exact repeats, as a reader that paged twice would produce.
	if len(out.Enrolments) > 0 {
		out.Enrolments = append(out.Enrolments, out.Enrolments[rng.IntN(len(out.Enrolments))])
	}
	if len(out.Clients) > 0 {
		out.Clients = append(out.Clients, out.Clients[rng.IntN(len(out.Clients))])
	}
	for i := range out.Occurrences {
		o := &out.Occurrences[i]
		o.Units = append([]record.Unit(nil), o.Units...)
		o.Staff = append([]record.StaffLink(nil), o.Staff...)
		shuf(len(o.Units), func(a, b int) { o.Units[a], o.Units[b] = o.Units[b], o.Units[a] })
		shuf(len(o.Staff), func(a, b int) { o.Staff[a], o.Staff[b] = o.Staff[b], o.Staff[a] })
	}
	shuf(len(out.Programmes), func(a, b int) { out.Programmes[a], out.Programmes[b] = out.Programmes[b], out.Programmes[a] })
	shuf(len(out.Occurrences), func(a, b int) { out.Occurrences[a], out.Occurrences[b] = out.Occurrences[b], out.Occurrences[a] })
	shuf(len(out.Enrolments), func(a, b int) { out.Enrolments[a], out.Enrolments[b] = out.Enrolments[b], out.Enrolments[a] })
	shuf(len(out.EnrolledUnits), func(a, b int) {
		out.EnrolledUnits[a], out.EnrolledUnits[b] = out.EnrolledUnits[b], out.EnrolledUnits[a]
	})
	shuf(len(out.Clients), func(a, b int) { out.Clients[a], out.Clients[b] = out.Clients[b], out.Clients[a] })
	shuf(len(out.Staff), func(a, b int) { out.Staff[a], out.Staff[b] = out.Staff[b], out.Staff[a] })
	shuf(len(out.Deleted), func(a, b int) { out.Deleted[a], out.Deleted[b] = out.Deleted[b], out.Deleted[a] })
	return out
}

func shuffledEvidence(in []lms.Evidence, seed uint64) []lms.Evidence {
	rng := rand.New(rand.NewPCG(seed, 11))
	out := make([]lms.Evidence, len(in))
	for i, e := range in {
		e.Assessments = append([]lms.Assessment(nil), e.Assessments...)
		e.Submissions = append([]lms.Submission(nil), e.Submissions...)
		e.Progress = append([]lms.CourseProgress(nil), e.Progress...)
		e.Activity = append([]lms.Activity(nil), e.Activity...)
		rng.Shuffle(len(e.Assessments), func(a, b int) { e.Assessments[a], e.Assessments[b] = e.Assessments[b], e.Assessments[a] })
		rng.Shuffle(len(e.Submissions), func(a, b int) { e.Submissions[a], e.Submissions[b] = e.Submissions[b], e.Submissions[a] })
		rng.Shuffle(len(e.Progress), func(a, b int) { e.Progress[a], e.Progress[b] = e.Progress[b], e.Progress[a] })
		rng.Shuffle(len(e.Activity), func(a, b int) { e.Activity[a], e.Activity[b] = e.Activity[b], e.Activity[a] })
		out[i] = e
	}
	rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}
