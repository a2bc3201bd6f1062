package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak"
)

// ReportResults plans and applies result passback alone: it reads the LMS
// evidence of every course in scope, lets mapping's rules and policy decide,
// and writes the results and comments to VETtrak, recording each in the
// ledger so it is never written twice. Conflicts (a hand-entered result, a
// downgrade of a final outcome) come back in the report for review.
func (s *Syncer) ReportResults(ctx context.Context) (_ *Report, err error) {
	start := s.now()
	ctx, release, err := s.holdLease(ctx)
	if err != nil {
		return s.finish(s.newReport(start, nil), err)
	}
	defer release()
	defer func() { err = leaseLost(ctx, err) }()
	s.runMu.Lock()
	p, err := s.plan(ctx, true, false)
	s.runMu.Unlock()
	if err != nil {
		return s.finish(s.newReport(start, nil), err)
	}
	// Keep only the VETtrak result writes: structure is Run's business.
	kept := p.Ops[:0]
	for _, op := range p.Ops {
		if op.Kind.isPassback() {
			kept = append(kept, op)
		}
	}
	p.Ops = kept
	p.Holds = nil
	// The tombstones this plan read become removals, which were just
	// dropped: the cursor stays, so the next Run reads them again.
	delete(p.Cursors, cursorDeleted)
	if s.dryRun {
		return s.dryReport(start, p)
	}
	return s.apply(ctx, start, p, false)
}

// planResults adds result and comment writes to the plan.
func (s *Syncer) planResults(ctx context.Context, p *Plan, snap mapping.Snapshot, desired *mapping.Desired) error {
	s.progress(ctx, Progress{Phase: PhaseResults, Item: "evidence"})
	courses := desired.CourseSISIDs
	evs, fails := fanOut(ctx, s.workers, courses, func(ctx context.Context, c string) (*lms.Evidence, error) {
		ev, err := s.dst.ReadEvidence(ctx, c)
		// A course this plan is about to create or adopt has no evidence yet.
		return ev, lms.IgnoreNotFound(err)
	})
	var evidence []lms.Evidence
	for i, c := range courses {
		if fails[i] != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.ReadFailures = append(p.ReadFailures, readFailure("course:"+c, "read evidence", fails[i]))
			continue
		}
		if evs[i] != nil {
			evidence = append(evidence, *evs[i])
		}
	}
	types, err := s.src.ResultTypes(ctx)
	if err != nil {
		return fmt.Errorf("read result types: %w", err)
	}
	snap, err = s.settleFresh(ctx, p, snap)
	if err != nil {
		return err
	}
	ledger, err := s.ledger(ctx, snap)
	if err != nil {
		return err
	}
	rp := mapping.Results(s.cfg.Mapping, s.cfg.Results, mapping.ResultInput{
		Snapshot: snap, Desired: desired, Evidence: evidence, ResultTypes: types,
		Ledger: ledger, Bindings: s.cfg.Bindings, Now: s.now(),
	})
	for _, w := range rp.Writes {
		w := w
		p.Ops = append(p.Ops, Op{Kind: OpWriteResult, Key: key(OpWriteResult, w.Key()),
			Scope: "result:" + w.Key(), Reason: w.Reason, Result: &w})
	}
	for _, c := range rp.Comments {
		c := c
		p.Ops = append(p.Ops, Op{Kind: OpWriteComment, Key: key(OpWriteComment, c.Key()),
			Scope: "result:" + c.Key(), Reason: c.Reason, Comment: &c})
	}
	p.Conflicts = append(p.Conflicts, rp.Conflicts...)
	p.Diagnostics = append(p.Diagnostics, rp.Diagnostics...)
	p.Lint = append(p.Lint, rp.Lint...)
	p.Observed["evidence_courses"] = len(evidence)
	return nil
}

// settleFresh makes sure every pending intent in scope is settled against
// VETtrak's current value, never against the enrolled-units cache: a
// cached copy predates the write the intent records, so it would show the
// old result, the intent would be dropped although the write landed, and
// our own result would later look hand-entered (issue 18 item 1). The
// enrolments with an intent whose units came from the cache are read
// again, their units in the returned snapshot replaced, and their cached
// copy dropped. An enrolment whose re-read fails keeps its intent and has
// no results planned this run (its units leave the snapshot), since
// nothing can be decided for it without knowing whether the write landed.
func (s *Syncer) settleFresh(ctx context.Context, p *Plan, snap mapping.Snapshot) (mapping.Snapshot, error) {
	inScope := map[int64]bool{}
	for _, u := range snap.EnrolledUnits {
		inScope[u.EnrolmentID] = true
	}
	need := map[int64]bool{}
	for e, err := range s.pendingDB.List(ctx, "") {
		if err != nil {
			return snap, fmt.Errorf("read pending results: %w", err)
		}
		id, ok := resultKeyEnrolment(e.Key)
		if ok && inScope[id] && !p.freshUnits[id] {
			need[id] = true
		}
	}
	if len(need) == 0 {
		return snap, nil
	}
	ids := sortedKeys(need)
	lists, fails := fanOut(ctx, s.vettrakWorkers(), ids, func(ctx context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
		return s.src.UnitsForEnrolment(ctx, id)
	})
	replaced := map[int64][]vettrak.EnrolledUnit{}
	for i, id := range ids {
		if err := s.forgetUnits(ctx, id); err != nil {
			return snap, err
		}
		if fails[i] != nil {
			if ctx.Err() != nil {
				return snap, ctx.Err()
			}
			p.ReadFailures = append(p.ReadFailures, readFailure(fmt.Sprintf("enrolment:%d", id), "re-read enrolled units to settle a pending result", fails[i]))
			replaced[id] = nil
			continue
		}
		replaced[id] = stampEnrolment(lists[i], id)
		if p.freshUnits == nil {
			p.freshUnits = map[int64]bool{}
		}
		p.freshUnits[id] = true
	}
	out := snap
	out.EnrolledUnits = make([]vettrak.EnrolledUnit, 0, len(snap.EnrolledUnits))
	for _, u := range snap.EnrolledUnits {
		if _, ok := replaced[u.EnrolmentID]; !ok {
			out.EnrolledUnits = append(out.EnrolledUnits, u)
		}
	}
	for _, id := range ids {
		out.EnrolledUnits = append(out.EnrolledUnits, replaced[id]...)
	}
	return out, nil
}

// ledger loads what the SDK wrote before. A write is recorded as an intent
// (bucket pending) before it is sent and moved to the ledger after VETtrak
// accepts it. An intent left over from a crash (or a lost answer) is
// promoted if VETtrak now holds exactly that result (the write landed) and
// dropped otherwise (it did not), so a crash never makes our own result
// look hand-entered, and never makes a hand-entered one look like ours.
// snap must hold a fresh read of every enrolment with an intent
// (settleFresh): an intent of an enrolment it lacks is kept for a later run.
func (s *Syncer) ledger(ctx context.Context, snap mapping.Snapshot) (map[string]mapping.LedgerEntry, error) {
	out := map[string]mapping.LedgerEntry{}
	for e, err := range s.ledgerDB.List(ctx, "") {
		if err != nil {
			return nil, fmt.Errorf("read result ledger: %w", err)
		}
		out[e.Key] = e.Value
	}
	current := map[string]vettrak.EnrolledUnit{}
	for _, u := range snap.EnrolledUnits {
		current[mapping.ResultKey(u.EnrolmentID, u.UnitCode)] = u
	}
	for e, err := range s.pendingDB.List(ctx, "") {
		if err != nil {
			return nil, fmt.Errorf("read pending results: %w", err)
		}
		cur, seen := current[e.Key]
		if !seen {
			continue // not in this run's scope: decide when it is
		}
		if sameText(cur.ResultName, e.Value.ResultName) {
			if err := s.ledgerDB.Put(ctx, e.Key, e.Value); err != nil {
				return nil, err
			}
			out[e.Key] = e.Value
		}
		if err := s.pendingDB.Delete(ctx, e.Key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// writeResult sends one result with the intent/ledger protocol above,
// after a fresh check of the enrolled unit, immediately before the write
// (one read per enrolment per Apply, reads being the Apply's memo): a
// value already in place is not written again (another instance of the
// SDK, or a stale plan applied twice, got there first; the op counts as
// already existing), and a value changed since the plan was made is left
// alone (ErrChangedInVETtrak). A value in place is not entered in this
// store's ledger: it may have been typed by hand, and the ledger only
// vouches for what this store saw written; the instance that wrote it has
// it in its own.
func (s *Syncer) writeResult(ctx context.Context, w *mapping.ResultWrite, reads *freshReads) error {
	inPlace := false
	err := s.verifyCurrent(ctx, reads, w.EnrolmentID, w.UnitCode, func(u vettrak.EnrolledUnit) bool {
		inPlace = s.resultInPlace(u, w)
		return inPlace || sameText(u.ResultName, w.Previous)
	})
	if err != nil {
		return err
	}
	k := w.Key()
	entry := w.Ledger(s.now())
	if inPlace {
		if err := s.forgetUnits(ctx, w.EnrolmentID); err != nil {
			return err
		}
		return fmt.Errorf("result %q of enrolment %d unit %s is already in place: %w", w.ResultName, w.EnrolmentID, w.UnitCode, errExisted)
	}
	if err := s.pendingDB.Put(ctx, k, entry); err != nil {
		return fmt.Errorf("record result intent: %w", err)
	}
	err = s.src.UpdateResult(ctx, vettrak.ResultUpdate{
		EnrolmentID: w.EnrolmentID, UnitCode: w.UnitCode, ResultName: w.ResultName,
		Start: w.Start, Finish: w.Finish, Percentage: w.Percentage, Comment: w.Comment,
	})
	if err != nil {
		// Leave the intent: if the write landed despite the error, the
		// next run sees it and promotes it; if not, drops it.
		return err
	}
	if err := s.ledgerDB.Put(ctx, k, entry); err != nil {
		return fmt.Errorf("record result in ledger: %w", err)
	}
	if err := s.forgetUnits(ctx, w.EnrolmentID); err != nil {
		return err
	}
	return s.pendingDB.Delete(ctx, k)
}

// resultKeyEnrolment is the enrolment ID a mapping.ResultKey starts with.
func resultKeyEnrolment(k string) (int64, bool) {
	head, _, ok := strings.Cut(k, "|")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(head, 10, 64)
	return id, err == nil
}

// resultInPlace reports whether VETtrak already holds the result w would
// write: same name, same start and finish days in the provider's zone.
func (s *Syncer) resultInPlace(u vettrak.EnrolledUnit, w *mapping.ResultWrite) bool {
	loc := s.cfg.Results.Location
	day := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.DateOnly)
	}
	return sameText(u.ResultName, w.ResultName) && day(u.StartDate) == day(&w.Start) && day(u.FinishDate) == day(&w.Finish)
}
