package vettraktest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// IDs and codes of the walkthrough dataset.
const (
	WalkthroughProgrammeID int64 = 100
	WalkthroughTerm1       int64 = 2001
	WalkthroughTerm2       int64 = 2002
	WalkthroughUnit              = "IST101"
	WalkthroughTrainer           = "T001"
	WalkthroughAssessor          = "A001"
)

// SeedWalkthrough returns the dataset of the documented LMS walkthrough:
// unit IST101 "Introduction to Statistics"; occurrence "Term 1"
// (WalkthroughTerm1) with learners John Smith (10001, enrolment 3001) and
// Julie Nguyen (10002, 3002); occurrence "Term 2" (WalkthroughTerm2) with
// Bob Brown (10003, 3003) and Barbara Jones (10004, 3004); trainer Tina
// Taylor (T001) and assessor Alan Adams (A001) on both; the standard result
// types. Times are in Australia/Sydney.
func SeedWalkthrough() *Dataset {
	d := NewDataset()
	d.now = seedTime // records carry a fixed creation time, so runs repeat
	defer func() { d.now = time.Now }()
	syd := sydney()
	d.AddProgramme(vettrak.Programme{ID: WalkthroughProgrammeID, Code: "IST101", Name: "Introduction to Statistics"})
	d.AddUnit(vettrak.Unit{Code: WalkthroughUnit, Name: "Introduction to Statistics", Type: vettrak.UnitOfCompetency})
	terms := []struct {
		id          int64
		name        string
		start, end  time.Time
		learners    [][3]string
		enrolmentID int64
	}{
		{WalkthroughTerm1, "Term 1", time.Date(2026, 2, 2, 0, 0, 0, 0, syd), time.Date(2026, 4, 10, 0, 0, 0, 0, syd),
			[][3]string{{"10001", "John", "Smith"}, {"10002", "Julie", "Nguyen"}}, 3001},
		{WalkthroughTerm2, "Term 2", time.Date(2026, 4, 27, 0, 0, 0, 0, syd), time.Date(2026, 7, 3, 0, 0, 0, 0, syd),
			[][3]string{{"10003", "Bob", "Brown"}, {"10004", "Barbara", "Jones"}}, 3003},
	}
	for _, s := range [][4]string{{WalkthroughTrainer, "Tina", "Taylor", "Trainer"}, {WalkthroughAssessor, "Alan", "Adams", "Assessor"}} {
		must(d.AddClient(vettrak.Person{Code: s[0], GivenName: s[1], Surname: s[2], Email: email(s[1], s[2])}))
	}
	for _, t := range terms {
		_, err := d.AddOccurrence(vettrak.Occurrence{
			ID: t.id, Code: "IST101-" + t.name[len(t.name)-1:], Description: t.name, StartDate: t.start, EndDate: t.end,
			ProgrammeID: WalkthroughProgrammeID, LocationCode: "SYD", Reportable: 0,
		}, WalkthroughUnit)
		must(err)
		must(d.AddStaff(t.id, WalkthroughTrainer, "Trainer"))
		must(d.AddStaff(t.id, WalkthroughAssessor, "Assessor"))
		d.mu.Lock()
		d.nextID = t.enrolmentID - 1
		d.mu.Unlock()
		for _, l := range t.learners {
			must(d.AddClient(vettrak.Person{Code: l[0], GivenName: l[1], Surname: l[2], Email: email(l[1], l[2])}))
			_, err := d.AddEnrolment(t.id, l[0])
			must(err)
		}
	}
	d.mu.Lock()
	d.nextID = 10000
	d.mu.Unlock()
	return d
}

func email(given, surname string) string {
	return fmt.Sprintf("%s.%s@example.edu.au", lower(given), lower(surname))
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// must is for the seeds, whose inputs are constants: a failure is a bug in
// this file, caught by its tests.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

// seedTime is when seeded records were "created": before any test clock.
func seedTime() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

func sydney() *time.Location {
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		return time.FixedZone("AEST", 10*3600)
	}
	return loc
}

// GenSpec sizes a synthetic provider for Generate.
type GenSpec struct {
	Seed          uint64
	Occurrences   int // occurrences (spread over programmes of ~20)
	Units         int // distinct units
	Learners      int // learners; each has one enrolment
	EnrolledUnits int // total enrolled units over all enrolments
	Staff         int // staff members; each occurrence gets a trainer and an assessor
	// ResultShare is the share of enrolled units that already have a
	// result (0 means the default 0.4; negative means none).
	ResultShare float64
}

// Generate builds a deterministic synthetic dataset: the same spec always
// gives the same records and IDs. Learner names include non-ASCII ones.
// Each learner has one enrolment, in a pseudo-random occurrence; the
// enrolled units are spread evenly over the enrolments (at most the
// occurrence's units).
func Generate(spec GenSpec) (*Dataset, error) {
	if spec.Occurrences < 0 || spec.Units < 0 || spec.Learners < 0 || spec.EnrolledUnits < 0 || spec.Staff < 0 {
		return nil, fmt.Errorf("vettraktest: negative size in %+v", spec)
	}
	if spec.Learners > 0 && (spec.Occurrences == 0 || spec.Units == 0) {
		return nil, fmt.Errorf("vettraktest: learners need at least one occurrence and one unit")
	}
	if spec.ResultShare == 0 {
		spec.ResultShare = 0.4
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x76747379))
	givenNames, surnames, locations := givenNames(), surnames(), locations()
	d := NewDataset()
	d.mu.Lock()
	defer d.mu.Unlock()
	syd := sydney()
	now := seedTime()

	for i := range spec.Units {
		code := fmt.Sprintf("GEN%05d", i+1)
		d.units[code] = &vettrak.Unit{Code: code, Name: fmt.Sprintf("Generated unit %d", i+1)}
	}
	perEnrolment, extra := 0, 0
	if spec.Learners > 0 {
		perEnrolment, extra = spec.EnrolledUnits/spec.Learners, spec.EnrolledUnits%spec.Learners
	}
	unitsPerOcc := min(max(perEnrolment+min(extra, 1), 1), spec.Units)
	nProg := max(1, (spec.Occurrences+19)/20)
	for p := range nProg {
		id := int64(100 + p)
		d.programmes[id] = &vettrak.Programme{ID: id, Code: fmt.Sprintf("PROG%04d", p+1), Name: fmt.Sprintf("Generated programme %d", p+1)}
	}
	for i := range spec.Staff {
		code := fmt.Sprintf("S%05d", i+1)
		g, s := givenNames[rng.IntN(len(givenNames))], surnames[rng.IntN(len(surnames))]
		d.clients[code] = &client{Person: vettrak.Person{Code: code, GivenName: g, Surname: s, Email: fmt.Sprintf("staff%d@example.edu.au", i+1)}, added: now, modified: now}
		d.clientOrder = append(d.clientOrder, code)
	}
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, syd)
	for i := range spec.Occurrences {
		id := int64(100000 + i)
		prog := d.programmes[int64(100+i%nProg)]
		start := base.AddDate(0, 0, 7*rng.IntN(40))
		o := &occurrence{Occurrence: vettrak.Occurrence{
			ID: id, Code: fmt.Sprintf("%s-%04d", prog.Code, i+1), Description: fmt.Sprintf("Occurrence %d", i+1),
			StartDate: start, EndDate: start.AddDate(0, 0, 70), Status: "Active", ProgrammeID: prog.ID,
			ProgrammeCode: prog.Code, ProgrammeName: prog.Name, LocationCode: locations[i%len(locations)],
		}}
		first := rng.IntN(spec.Units)
		for k := range unitsPerOcc {
			o.unitCodes = append(o.unitCodes, fmt.Sprintf("GEN%05d", (first+k)%spec.Units+1))
		}
		if spec.Staff > 0 {
			o.staff = append(o.staff,
				occurrenceLink(fmt.Sprintf("S%05d", rng.IntN(spec.Staff)+1), "Trainer", id, true),
				occurrenceLink(fmt.Sprintf("S%05d", rng.IntN(spec.Staff)+1), "Assessor", id, true))
		}
		d.occurrences[id] = o
		d.occOrder = append(d.occOrder, id)
	}
	results := []vettrak.ResultType{d.resultTypes[0], d.resultTypes[0], d.resultTypes[0], d.resultTypes[1], d.resultTypes[7]}
	d.nextID = 1000000
	for i := range spec.Learners {
		code := fmt.Sprintf("L%07d", i+1)
		g, s := givenNames[rng.IntN(len(givenNames))], surnames[rng.IntN(len(surnames))]
		d.clients[code] = &client{Person: vettrak.Person{Code: code, GivenName: g, Surname: s, Email: fmt.Sprintf("learner%d@example.edu.au", i+1)}, added: now, modified: now}
		d.clientOrder = append(d.clientOrder, code)
		n := perEnrolment
		if i < extra {
			n++
		}
		occID := d.occOrder[rng.IntN(len(d.occOrder))]
		e, err := d.addEnrolmentLocked(occID, code, n)
		if err != nil {
			return nil, err
		}
		for _, u := range d.enrolments[e.ID].units {
			if rng.Float64() < spec.ResultShare {
				rt := results[rng.IntN(len(results))]
				o := d.occurrences[occID]
				d.setResultLocked(u, rt, o.StartDate, o.EndDate, -1)
			}
		}
	}
	return d, nil
}

func givenNames() []string {
	return []string{"John", "Julie", "Bob", "Barbara", "Aroha", "Zoë", "José", "Łukasz", "Siobhán", "Minh", "Priya", "Mohammed", "Chloé", "Tāne", "Wei", "Olivia", "Jack", "Noah", "Amelia", "Isla"}
}

func surnames() []string {
	return []string{"Smith", "Nguyễn", "Brown", "Jones", "O'Brien", "Müller", "García", "Kowalski", "Ngata", "王", "Singh", "Patel", "Williams", "Taylor", "Wilson", "Lê", "Martin", "Anderson", "Thompson", "White"}
}

func locations() []string { return []string{"SYD", "MEL", "BNE", "ONLINE"} }
