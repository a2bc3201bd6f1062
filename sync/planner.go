package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// planState is the unexported part of a Plan that Apply needs.
type planState struct {
	stats      map[string]callstats.Snapshot
	placements map[string]placement
	// freshUnits names enrolments whose units this plan read from VETtrak;
	// writes for the others are checked against a fresh read first. After
	// a JSON round trip it is empty, so every write is checked.
	freshUnits map[int64]bool
	// phases is how long observing and planning took, for the report.
	phases map[Phase]time.Duration
}

// Plan observes both sides and returns what a run would change, without
// changing anything in the LMS or VETtrak (it may refresh the Syncer's own
// client cache in the store). The plan lists every operation with its
// reason; Apply executes exactly it.
func (s *Syncer) Plan(ctx context.Context) (*Plan, error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.plan(ctx, !s.cfg.SkipResults, true)
}

// plan observes and plans. Without structure (ReportResults) the LMS
// state is not read nor diffed: only evidence and results are planned.
func (s *Syncer) plan(ctx context.Context, withResults, structure bool) (*Plan, error) {
	begin := s.now()
	p := &Plan{CreatedAt: begin, Workflow: s.cfg.Mapping.Workflow, Unchanged: map[ObjectKind]int{}, Observed: map[string]int{}}
	p.stats = map[string]callstats.Snapshot{}
	p.phases = map[Phase]time.Duration{}
	if st, ok := statsOf(s.src); ok {
		p.stats["vettrak"] = st
	}
	if st, ok := statsOf(s.dst); ok {
		p.stats["lms"] = st
	}
	// The LMS reads known in advance run beside VETtrak's (prefetch.go).
	var pf *prefetch
	if structure {
		pf = s.startPrefetch(ctx)
		defer pf.stop()
	}
	s.progress(ctx, Progress{Phase: PhaseObserve, Item: "VETtrak"})
	obs, err := s.observeVETtrak(ctx)
	if err != nil {
		return nil, fmt.Errorf("observe VETtrak: %w", err)
	}
	p.ReadFailures = obs.readFailures
	p.Cursors = obs.cursors
	p.freshUnits = obs.freshUnits
	p.Observed["occurrences"] = len(obs.snap.Occurrences)
	p.Observed["enrolments"] = len(obs.snap.Enrolments)
	p.Observed["enrolled_units"] = len(obs.snap.EnrolledUnits)
	p.Observed["clients"] = len(obs.snap.Clients)

	s.progress(ctx, Progress{Phase: PhaseObserve, Item: "LMS"})
	courses, err := s.listCourses(ctx, pf)
	if err != nil {
		return nil, fmt.Errorf("list LMS courses: %w", err)
	}
	desired, err := mapping.Structure(s.cfg.Mapping, obs.snap, courses)
	if errors.Is(err, mapping.ErrInvalidConfig) {
		return nil, configError(err)
	}
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	p.desired = desired
	p.snap = obs.snap
	p.Diagnostics = desired.Diagnostics

	// want is the desired state plus what deleted enrolments placed before.
	want := desired.State
	// Clipped, not cloned: withTombstones only appends, and an append to a
	// clipped slice copies instead of writing into the desired state's
	// (a clone held a second copy of every enrolment: 6.5 MiB at the
	// benchmark's large size).
	want.Enrolments = slices.Clip(want.Enrolments)
	want.Memberships = slices.Clip(want.Memberships)
	extra, err := s.withTombstones(ctx, desired, &want)
	if err != nil {
		return nil, err
	}
	p.placements = placementsOf(desired)

	observed := s.now()
	if structure {
		if err := s.planStructure(ctx, p, pf, desired, &want, extra, courses); err != nil {
			return nil, err
		}
		observed = s.now()
	}
	p.phases[PhaseObserve] = observed.Sub(begin)

	var inResults time.Duration
	if withResults {
		r0 := s.now()
		if err := s.planResults(ctx, p, obs.snap, desired); err != nil {
			return nil, err
		}
		inResults = s.now().Sub(r0)
		p.phases[PhaseResults] = inResults
	}
	if s.cfg.MarkTransferred {
		p.Ops = append(p.Ops, markOps(obs.snap, desired)...)
	}
	if err := s.deferBackedOff(ctx, p); err != nil {
		return nil, err
	}
	if err := s.heldBack(ctx, p); err != nil {
		return nil, err
	}
	sortOps(p.Ops)
	// A plan is saved and shown: read failures carry the sources' own
	// error text, which may quote a secret.
	for i, f := range p.ReadFailures {
		p.ReadFailures[i] = s.redactFailure(f)
	}
	p.phases[PhasePlan] = s.now().Sub(observed) - inResults
	s.progress(ctx, Progress{Phase: PhasePlan, Done: len(p.Ops), Total: len(p.Ops), Item: "planned"})
	return p, nil
}

// planStructure reads the LMS state of the courses desired (and extra,
// the courses tombstones name), taking what pf prefetched, and adds the
// structure ops that bring it to want, with the holds they exceed.
func (s *Syncer) planStructure(ctx context.Context, p *Plan, pf *prefetch, desired *mapping.Desired, want *lms.State, extra []string, courses []lms.Course) error {
	read := desired.CourseSISIDs
	for _, c := range extra {
		if !slices.Contains(read, c) {
			read = append(read, c)
		}
	}
	toRead, confirmed, err := s.usersToRead(ctx, desired.State.Users)
	if err != nil {
		return err
	}
	noGroups := len(want.Groups) == 0 && len(want.Memberships) == 0
	have, err := s.readLMS(ctx, p, pf, read, noGroups, toRead)
	if err != nil {
		return fmt.Errorf("read LMS state: %w", err)
	}
	s.rememberLMSRead(ctx, pf, desired.CourseSISIDs, noGroups)
	assumeUnchanged(desired.State.Users, have, confirmed)
	known := map[string]bool{}
	for _, u := range have.Users {
		known[u.SISID] = true
	}
	var unknown []string
	for _, u := range desired.State.Users {
		if !known[u.SISID] {
			unknown = append(unknown, u.SISID)
		}
	}
	var others []lms.User
	if len(unknown) > 0 {
		// Users may exist in the LMS without being in these courses yet.
		if others, err = s.dst.ReadUsers(ctx, unknown); err != nil {
			return fmt.Errorf("read LMS users: %w", err)
		}
	}
	p.Observed["lms_courses"] = len(have.Courses)
	p.Observed["lms_enrolments"] = len(have.Enrolments)

	s.progress(ctx, Progress{Phase: PhasePlan, Item: "structure"})
	d := diff(want, have, others, courses, s.loc)
	p.Ops = d.ops
	s.confirmUsers(ctx, unchangedUsers(desired.State.Users, d.ops), confirmed)
	for k, v := range d.unchanged {
		p.Unchanged[k] += v
	}
	p.Holds = s.holds(d.ops, have, desired)
	return nil
}

// holds checks the plan against the safety limits.
func (s *Syncer) holds(ops []Op, have *lms.State, desired *mapping.Desired) []Hold {
	active := 0
	for _, e := range have.Enrolments {
		if e.Status == lms.StatusActive {
			active++
		}
	}
	n := holdCounts(ops)
	removes, updates := n[HoldRemove], n[HoldUpdate]
	var out []Hold
	lim := s.limits
	if active >= lim.minBase && removes > 0 {
		if share := shareOf(removes, active); share > lim.maxRemove {
			out = append(out, Hold{Kind: HoldRemove, Count: removes, Base: active, Share: share, Limit: lim.maxRemove})
		}
	}
	if users := len(have.Users); users >= lim.minBase && updates > 0 {
		if share := shareOf(updates, users); share > lim.maxUpdate {
			out = append(out, Hold{Kind: HoldUpdate, Count: updates, Base: users, Share: share, Limit: lim.maxUpdate})
		}
	}
	return out
}

// shareOf is n of base as a share; with nothing in the base (possible only
// when MinBase is 0) any change is all of it, not an infinity JSON cannot
// carry.
func shareOf(n, base int) float64 {
	if base == 0 {
		return 1
	}
	return float64(n) / float64(base)
}

// markOps flags VETtrak enrolments and occurrences as transferred. Each
// waits for the LMS changes of the users it concerns; Apply skips it if any
// of them failed, so a flag is only ever set after the LMS change succeeded.
func markOps(snap mapping.Snapshot, desired *mapping.Desired) []Op {
	var ops []Op
	byEnrol := usersByEnrolment(desired)
	placed := map[int64]bool{}
	for _, c := range desired.Courses {
		for _, id := range c.OccurrenceIDs {
			placed[id] = true
		}
	}
	occUsers := map[int64][]string{}
	// partial names occurrences with an enrolment that produced no LMS user
	// (no usable login, a diagnostic in the plan): not wholly in the LMS.
	partial := map[int64]bool{}
	for _, e := range snap.Enrolments {
		users := byEnrol[e.ID]
		occUsers[e.OccurrenceID] = append(occUsers[e.OccurrenceID], users...)
		if len(users) == 0 {
			partial[e.OccurrenceID] = true
		}
		if e.Uploaded || len(users) == 0 {
			continue
		}
		ops = append(ops, Op{Kind: OpMarkEnrolment, Key: key(OpMarkEnrolment, idKey(e.ID)), Scope: "enrolment:" + idKey(e.ID),
			Reason:      reasonf("enrolment %d of %s is in the LMS: set VETtrak's LMS flag", e.ID, e.ClientCode),
			EnrolmentID: e.ID, Users: users})
	}
	for _, o := range snap.Occurrences {
		// An occurrence none of whose units has an LMS course is not in
		// the LMS, whatever VETtrak's flag would then claim.
		if o.Uploaded || !placed[o.ID] || partial[o.ID] {
			continue
		}
		users := occUsers[o.ID]
		slices.Sort(users)
		ops = append(ops, Op{Kind: OpMarkOccurrence, Key: key(OpMarkOccurrence, idKey(o.ID)), Scope: "occurrence:" + idKey(o.ID),
			Reason:       reasonf("occurrence %d (%s) is in the LMS: set VETtrak's LMS flag", o.ID, o.Code),
			OccurrenceID: o.ID, Users: slices.Compact(users)})
	}
	return ops
}

// deferBackedOff moves ops whose item is still backing off from an earlier
// failure out of the plan.
func (s *Syncer) deferBackedOff(ctx context.Context, p *Plan) error {
	now := s.now()
	waiting := map[string]bool{}
	for f, err := range s.failures.List(ctx, "") {
		if err != nil {
			return fmt.Errorf("read retry state: %w", err)
		}
		if now.Before(f.NextRetry) {
			waiting[f.Key] = true
		}
	}
	if len(waiting) == 0 {
		return nil
	}
	kept := p.Ops[:0]
	for _, op := range p.Ops {
		if waiting[op.Key] {
			p.Deferred = append(p.Deferred, op.Key)
			continue
		}
		kept = append(kept, op)
	}
	p.Ops = kept
	return nil
}

// usersByEnrolment indexes the desired state's provenance: which LMS users
// each VETtrak enrolment produced.
func usersByEnrolment(d *mapping.Desired) map[int64][]string {
	out := map[int64][]string{}
	for _, pv := range d.Provenance {
		if !slices.Contains(out[pv.EnrolmentID], pv.UserSISID) {
			out[pv.EnrolmentID] = append(out[pv.EnrolmentID], pv.UserSISID)
		}
	}
	return out
}

// readState reads the LMS state of the courses, leaving groups out when the
// desired state has none and the LMS can skip them (lms.OptionsReader).
func (s *Syncer) readState(ctx context.Context, courses []string, noGroups bool) (*lms.State, error) {
	return s.readStateWith(ctx, courses, lms.ReadOptions{SkipGroups: noGroups})
}

// readStateWith reads with options where the LMS takes them
// (lms.OptionsReader); others read everything, which is a superset.
func (s *Syncer) readStateWith(ctx context.Context, courses []string, o lms.ReadOptions) (*lms.State, error) {
	if or, ok := s.dst.(lms.OptionsReader); ok && (o.SkipGroups || o.LimitUsers) {
		return or.ReadStateWith(ctx, courses, o)
	}
	return s.dst.ReadState(ctx, courses)
}

// unchangedUsers are the desired users no op creates or updates: the LMS
// holds them as wanted.
func unchangedUsers(want []lms.User, ops []Op) []lms.User {
	touched := map[string]bool{}
	for _, op := range ops {
		if op.User != nil {
			touched[op.User.SISID] = true
		}
	}
	out := make([]lms.User, 0, len(want))
	for _, u := range want {
		if !touched[u.SISID] {
			out = append(out, u)
		}
	}
	return out
}
