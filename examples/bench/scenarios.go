package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
)

// Scenario names, in the order they run on one world: each starts from
// the state the previous one left.
const (
	scInitial = "initial"
	scNoop    = "noop"
	scDelta   = "delta"
	scResults = "results"
	// scCrowded is the no-op again after the account gained ten times the
	// provider's learners in users of its own (another provider, staff):
	// issue 16's "Canvas reads independent of unrelated users".
	scCrowded = "noop-crowded"
)

// crowdFactor is how many unrelated users per provider learner
// noop-crowded adds to the Canvas account.
const crowdFactor = 10

// scenarioNames lists every scenario: the chain of four, then the
// optional bulk first load (on its own fresh world).
func scenarioNames() []string {
	return []string{scInitial, scNoop, scDelta, scCrowded, scResults, scBulk}
}

// chain is the scenarios that run in order on one world.
func chain() []string { return []string{scInitial, scNoop, scDelta, scCrowded, scResults} }

// prepared is what a scenario's set-up (not measured) hands to the
// measured run: the lower bound on each side and what changed.
type prepared struct {
	// canvas is the cheapest documented path's bound, canvasREST the REST
	// path's (what the SDK's REST Apply is held to, endpoint by endpoint).
	vettrak, canvas, canvasREST bound
	change                      string
	desired                     *mapping.Desired
	// graded counts the enrolled units graded for passback.
	graded int
}

// scenario runs one step of the story on a world.
type scenario struct {
	name    string
	prepare func(ctx context.Context, w *world) (*prepared, error)
	run     func(ctx context.Context, w *world) (*vtsync.Report, error)
}

func scenariosByName() map[string]scenario {
	run := func(ctx context.Context, w *world) (*vtsync.Report, error) { return w.sync.Run(ctx) }
	return map[string]scenario{
		scInitial: {scInitial, prepareInitial, run},
		scNoop:    {scNoop, prepareNoop, run},
		scCrowded: {scCrowded, prepareCrowded, run},
		scDelta:   {scDelta, prepareDelta, run},
		scResults: {scResults, prepareResults, func(ctx context.Context, w *world) (*vtsync.Report, error) {
			return w.sync.ReportResults(ctx)
		}},
		scBulk: {scBulk, prepareBulk, func(ctx context.Context, w *world) (*vtsync.Report, error) {
			rep, out, err := runBulk(ctx, w)
			w.bulk = out
			return rep, err
		}},
	}
}

// prepareInitial: Canvas is empty; everything VETtrak implies is written.
func prepareInitial(_ context.Context, w *world) (*prepared, error) {
	snap := snapshotOf(w.data, w.cfg.Scope)
	want, err := desiredOf(w.cfg.Mapping, snap)
	if err != nil {
		return nil, err
	}
	p := &prepared{desired: want, vettrak: vettrakStructureBound(snap, false, len(snap.Enrolments), len(snap.Clients)),
		canvas: canvasReadBound(w.cv, want), change: "empty Canvas"}
	canvasWriteBound(&p.canvas, nil, want)
	p.settle()
	w.desired = want
	return p, nil
}

// prepareBulk: Canvas is empty; the Syncer's bulk path sends the creates
// as one SIS import.
func prepareBulk(_ context.Context, w *world) (*prepared, error) {
	snap := snapshotOf(w.data, w.cfg.Scope)
	want, err := desiredOf(w.cfg.Mapping, snap)
	if err != nil {
		return nil, err
	}
	p := &prepared{desired: want, vettrak: vettrakStructureBound(snap, false, len(snap.Enrolments), len(snap.Clients)),
		canvas: canvasReadBound(w.cv, want), change: fmt.Sprintf("empty Canvas, a Run with Config.Bulk.Threshold %d: the SDK's bulk path", bulkThreshold)}
	canvasWriteBound(&p.canvas, nil, want)
	p.settle()
	// Its calls are compared endpoint by endpoint with the import path's.
	p.canvasREST = viaImport(p.canvasREST)
	w.desired = want
	return p, nil
}

// prepareNoop: nothing changed since the last run.
func prepareNoop(_ context.Context, w *world) (*prepared, error) {
	w.clock.Advance(w.interval)
	snap := snapshotOf(w.data, w.cfg.Scope)
	want, err := desiredOf(w.cfg.Mapping, snap)
	if err != nil {
		return nil, err
	}
	p := &prepared{desired: want, vettrak: vettrakStructureBound(snap, true, 0, 0),
		canvas: canvasReadBound(w.cv, want), change: "nothing"}
	canvasWriteBound(&p.canvas, w.desired, want)
	p.settle()
	w.desired = want
	return p, nil
}

// prepareCrowded adds crowdFactor unrelated users per provider learner
// to the Canvas account (straight into the fake), then expects a no-op.
func prepareCrowded(ctx context.Context, w *world) (*prepared, error) {
	for i := range crowdFactor * w.size.Spec.Learners {
		id := fmt.Sprintf("other-%07d", i+1)
		if w.cv.SeedUser(canvastest.User{Name: "Other " + id, SISUserID: id, LoginID: id}) == 0 {
			return nil, fmt.Errorf("seed unrelated user %s", id)
		}
	}
	p, err := prepareNoop(ctx, w)
	if err != nil {
		return nil, err
	}
	p.change = fmt.Sprintf("nothing, after %d unrelated users joined the Canvas account", crowdFactor*w.size.Spec.Learners)
	return p, nil
}

// prepareDelta changes 1% of the enrolments in VETtrak, in three equal
// parts: new learners enrolled, enrolments withdrawn, learners renamed;
// and moves one occurrence's dates a week later (issue 12: the diff
// compares course dates).
func prepareDelta(_ context.Context, w *world) (*prepared, error) {
	w.clock.Advance(w.interval)
	enrols := activeEnrolments(w)
	n := max(3, (len(enrols)+50)/100)
	nNew, nWithdraw := n/3, n/3
	nRename := n - nNew - nWithdraw
	occs := w.data.Occurrences()
	for i := range nNew {
		code := fmt.Sprintf("N%07d", i+1)
		if err := w.data.AddClient(vettrak.Person{Code: code, GivenName: "Newly", Surname: fmt.Sprintf("Enrolled %d", i+1),
			Email: fmt.Sprintf("new%d@example.edu.au", i+1)}); err != nil {
			return nil, fmt.Errorf("add client %s: %w", code, err)
		}
		occ := occs[(i*7919)%len(occs)]
		if _, err := w.data.AddEnrolment(occ, code); err != nil {
			return nil, fmt.Errorf("enrol %s in %d: %w", code, occ, err)
		}
	}
	// Withdrawals and renames come from different learners, spread over
	// the whole provider.
	step := max(1, len(enrols)/(nWithdraw+nRename))
	for i := range nWithdraw + nRename {
		e := enrols[(i*step)%len(enrols)]
		if i < nWithdraw {
			if err := w.data.Withdraw(e.ID, "Withdrawn"); err != nil {
				return nil, fmt.Errorf("withdraw %d: %w", e.ID, err)
			}
			continue
		}
		c, _ := w.data.Client(e.ClientCode)
		if err := w.data.RenameClient(e.ClientCode, c.GivenName, c.Surname+"-Renamed"); err != nil {
			return nil, fmt.Errorf("rename %s: %w", e.ClientCode, err)
		}
	}
	moved := occs[len(occs)/2]
	o, ok := w.data.Occurrence(moved)
	if !ok {
		return nil, fmt.Errorf("occurrence %d vanished", moved)
	}
	if err := w.data.RescheduleOccurrence(moved, o.StartDate.AddDate(0, 0, 7), o.EndDate.AddDate(0, 0, 7)); err != nil {
		return nil, fmt.Errorf("reschedule: %w", err)
	}
	snap := snapshotOf(w.data, w.cfg.Scope)
	want, err := desiredOf(w.cfg.Mapping, snap)
	if err != nil {
		return nil, err
	}
	// The new enrolments and the withdrawn ones changed; a rename changes
	// the client (whose details are read again), not the enrolment; the
	// new dates come with the occurrences' one search.
	p := &prepared{desired: want, vettrak: vettrakStructureBound(snap, true, nNew+nWithdraw, nNew+nRename),
		canvas: canvasReadBound(w.cv, want),
		change: fmt.Sprintf("%d new learners enrolled, %d enrolments withdrawn, %d learners renamed, 1 occurrence rescheduled (a week later)", nNew, nWithdraw, nRename)}
	canvasWriteBound(&p.canvas, w.desired, want)
	p.settle()
	w.desired = want
	w.known = enrolmentIDs(snap)
	return p, nil
}

func activeEnrolments(w *world) []vettrak.Enrolment {
	var out []vettrak.Enrolment
	for _, occ := range w.data.Occurrences() {
		for _, e := range w.data.EnrolmentsOf(occ) {
			if e.Status == "" || e.Status == "Active" {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(a, b vettrak.Enrolment) int { return int(a.ID - b.ID) })
	return out
}

// prepareResults sets one assessment per unit in every managed course (a
// teacher's work, straight into the fake) and grades 10% of all enrolled
// units as passed, choosing units VETtrak holds no result for, so every
// one of them is a result to write.
func prepareResults(_ context.Context, w *world) (*prepared, error) {
	w.clock.Advance(w.interval)
	want := w.desired
	if want == nil {
		snap := snapshotOf(w.data, w.cfg.Scope)
		var err error
		if want, err = desiredOf(w.cfg.Mapping, snap); err != nil {
			return nil, err
		}
	}
	assignment := map[string]int64{} // course SIS ID + "|" + unit code
	for _, ci := range want.Courses {
		c, ok := w.cv.CourseBySISID(ci.SISID)
		if !ok {
			continue
		}
		for i, unit := range ci.UnitCodes {
			id := w.cv.SeedAssignment(canvastest.Assignment{CourseID: c.ID, Name: "Assessment (" + unit + ")",
				PointsPossible: 100, GradingType: "points", Published: true, Position: i + 1})
			assignment[ci.SISID+"|"+unit] = id
		}
	}
	type eu struct {
		course, user string
		enrolment    int64
		unit         string
		occurrence   int64
	}
	total := 0
	var open []eu
	for _, pv := range want.Provenance {
		if pv.Status != lms.StatusActive {
			continue
		}
		results := map[string]string{}
		for _, u := range w.data.Results(pv.EnrolmentID) {
			results[mapping.NormalizeUnitCode(u.UnitCode)] = u.ResultName
		}
		for _, unit := range pv.UnitCodes {
			total++
			if results[unit] == "" {
				open = append(open, eu{pv.CourseSISID, pv.UserSISID, pv.EnrolmentID, unit, pv.OccurrenceID})
			}
		}
	}
	target := min((total+5)/10, len(open))
	graded := 0
	writeEnrols := map[int64]bool{}
	for i := range target {
		g := open[i*len(open)/target]
		_, okC := w.cv.CourseBySISID(g.course)
		user, okU := w.cv.UserBySISID(g.user)
		aid := assignment[g.course+"|"+g.unit]
		o, okO := w.data.Occurrence(g.occurrence)
		if !okC || !okU || aid == 0 || !okO {
			continue
		}
		at := o.StartDate.AddDate(0, 0, 14)
		score := 80.0
		if w.cv.SeedSubmission(canvastest.Submission{AssignmentID: aid, UserID: user.ID, Score: &score,
			WorkflowState: "graded", SubmittedAt: &at, GradedAt: &at}) != 0 {
			graded++
			writeEnrols[g.enrolment] = true
		}
	}
	snap := snapshotOf(w.data, w.cfg.Scope)
	comments := 0
	if w.cfg.Results.Commencement != mapping.CommencementOff {
		comments = graded
	}
	pb := canvasPassbackBound(w.cv, want)
	p := &prepared{desired: want, graded: graded,
		vettrak: vettrakPassbackBound(snap, len(writeEnrols), graded, comments), canvas: pb, canvasREST: pb,
		change: fmt.Sprintf("%d of %d enrolled units newly graded as passed in Canvas", graded, total)}
	return p, nil
}

// settle keeps the REST bound built so far and makes the cheapest path's
// the scenario's bound.
func (p *prepared) settle() {
	p.canvasREST = p.canvas
	p.canvasREST.Path = pathREST
	p.canvas = cheapest(p.canvas)
}
