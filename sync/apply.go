package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	gosync "sync"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// ApplyOption changes how one Apply runs.
type ApplyOption func(*applyOpts)

type applyOpts struct{ allowHolds bool }

// AllowHolds applies a plan even though it exceeds a safety limit.
func AllowHolds() ApplyOption { return func(o *applyOpts) { o.allowHolds = true } }

// Apply executes exactly the plan's operations, phase by phase (containers,
// then people, then enrolments, then removals, then VETtrak writes), each
// phase on bounded workers. An operation whose course, section, group or
// user failed is skipped, not attempted; every other item goes on. Failed
// items get a retry time with backoff in the store; succeeded ones lose
// theirs. A plan with holds is refused with a *HoldError unless allowed,
// before anything is written.
//
// When the LMS implements lms.BulkWriter and the plan's LMS writes it can
// take reach Config.Bulk's threshold, those go in one bulk write (a Canvas
// SIS import) between the containers and people that go one call each and
// the enrolments and removals that go one call each (bulk.go). Each item
// is settled by the outcome the LMS confirmed for it, exactly as a call of
// its own would be.
//
// A plan may be old by the time it is applied: Apply first re-reads what
// the plan's LMS operations change and skips those already done
// (Report.AlreadyDone) or fails those whose object moved since the plan
// (ErrStale), and re-checks every VETtrak result and comment write against
// a fresh read (ErrChangedInVETtrak). See stale.go.
func (s *Syncer) Apply(ctx context.Context, p *Plan, opts ...ApplyOption) (*Report, error) {
	return s.apply(ctx, s.now(), p, true, opts...)
}

// apply is Apply for a run that started at start (Run's report covers its
// observe and plan phases too). Without recheck (a plan made just now by
// Run) nothing is read again.
func (s *Syncer) apply(ctx context.Context, start time.Time, p *Plan, recheck bool, opts ...ApplyOption) (_ *Report, err error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	var ao applyOpts
	for _, o := range opts {
		o(&ao)
	}
	rep := s.newReport(start, p)
	applyStart := s.now()
	defer func() { rep.PhaseSeconds[PhaseApply] = s.now().Sub(applyStart).Seconds() }()
	ctx, release, err := s.holdLease(ctx)
	if err != nil {
		return s.finish(rep, err)
	}
	defer release()
	defer func() { err = leaseLost(ctx, err) }()
	if len(p.Holds) > 0 && !ao.allowHolds && !s.cfg.Safety.Allow {
		err := &HoldError{Holds: p.Holds}
		s.log.WarnContext(ctx, "plan held", "holds", err.Error())
		return s.finish(rep, err)
	}

	a := &applier{s: s, rep: rep, failed: map[string]bool{}, fresh: p.freshUnits}
	if recheck {
		a.fresh = nil
		rc, err := s.recheckState(ctx, p)
		if err != nil {
			return s.finish(s.refreshCalls(rep, p), fmt.Errorf("re-read the LMS before applying the plan: %w", err))
		}
		a.recheck = rc
	}
	// Safety holds were checked above: nothing, bulk or not, is sent
	// before.
	// An op with no row or no payload (a hand-edited plan) fails on its
	// own, before anything is sent. The rest are named by their index in
	// p.Ops, never copied: a large plan's ops are tens of MiB, and Apply
	// used to hold three copies of them (valid, by kind, by phase).
	valid := make([]int, 0, len(p.Ops))
	for i := range p.Ops {
		if _, err := checkOp(&p.Ops[i]); err != nil {
			a.settle(ctx, p.Ops[i], err)
			continue
		}
		valid = append(valid, i)
	}
	bw, bulk := s.bulkSplit(p.Ops, valid)
	rest := byPhase(p.Ops, without(valid, bulk))
	done, total := len(p.Ops)-len(valid), len(p.Ops)
	for pi, phase := range phases {
		if pi == bulkPhase && len(bulk) > 0 && ctx.Err() == nil {
			a.runBulk(ctx, bw, p.Ops, bulk, done, total)
			done += len(bulk)
			s.progress(ctx, Progress{Phase: PhaseApply, Done: done, Total: total, Item: "bulk"})
		}
		n := 0
		for n < len(rest) && p.Ops[rest[n]].Kind.phaseIndex() == pi {
			n++
		}
		ops := rest[:n:n]
		rest = rest[n:]
		if len(ops) == 0 {
			continue
		}
		// Progress names the phase as it starts and moves with every
		// operation, so a display never stands still on the phase before.
		s.progress(ctx, Progress{Phase: PhaseApply, Done: done, Total: total, Item: string(p.Ops[ops[0]].Kind)})
		workers := s.workers
		if phase[0].IsVETtrakWrite() {
			workers = s.vettrakWorkers()
		}
		tick := s.counter(ctx, PhaseApply, done, total)
		_, errs := fanOut(ctx, workers, ops, func(ctx context.Context, i int) (struct{}, error) {
			err := a.run(ctx, p.Ops[i])
			tick(string(p.Ops[i].Kind))
			return struct{}{}, err
		})
		for j, err := range errs {
			a.settle(ctx, p.Ops[ops[j]], err)
		}
		done += len(ops)
		if ctx.Err() != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		rep.Cancelled = true
		// Refresh call counts before returning.
		return s.finish(s.refreshCalls(rep, p), err)
	}
	if err := s.savePlacements(ctx, p.placements); err != nil {
		return s.finish(s.refreshCalls(rep, p), fmt.Errorf("save placements: %w", err))
	}
	for name, t := range p.Cursors {
		if err := s.setCursor(ctx, name, t); err != nil {
			return s.finish(s.refreshCalls(rep, p), fmt.Errorf("save cursor %s: %w", name, err))
		}
	}
	return s.finish(s.refreshCalls(rep, p), nil)
}

// without returns the indexes in all that are not in some; both ascend.
func without(all, some []int) []int {
	if len(some) == 0 {
		return all
	}
	out := make([]int, 0, len(all)-len(some))
	j := 0
	for _, i := range all {
		if j < len(some) && some[j] == i {
			j++
			continue
		}
		out = append(out, i)
	}
	return out
}

// byPhase orders idx, indexes into ops, in Apply's order: by kind, the
// plan's order within a kind. A plan's own ops are in that order already
// (sortOps); a hand-edited one may not be.
func byPhase(ops []Op, idx []int) []int {
	byRank := func(i, j int) int { return cmp.Compare(ops[i].Kind.rank(), ops[j].Kind.rank()) }
	if !slices.IsSortedFunc(idx, byRank) {
		slices.SortStableFunc(idx, byRank)
	}
	return idx
}

func (s *Syncer) refreshCalls(rep *Report, p *Plan) *Report {
	fresh := s.newReport(rep.StartedAt, p)
	rep.Calls = fresh.Calls
	return rep
}

// applier carries one Apply's shared state.
type applier struct {
	s   *Syncer
	mu  gosync.Mutex
	rep *Report
	// failed holds the scopes (course SIS IDs, "user:…" and section/group
	// SIS IDs) whose operation failed, so dependents are skipped.
	failed map[string]bool
	// fresh names enrolments whose units the plan read this run; reads
	// memoises the checks of the others.
	fresh map[int64]bool
	reads freshReads
	// recheck, for a saved plan, is the LMS as it is now.
	recheck *recheck
}

func (a *applier) isFailed(keys ...string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		if k != "" && a.failed[k] {
			return k
		}
	}
	return ""
}

// run applies one op: skipped when something it needs failed, refused
// when a saved plan's object moved (stale.go), otherwise sent by its
// kind's row.
func (a *applier) run(ctx context.Context, op Op) error {
	k, err := checkOp(&op)
	if err != nil {
		return err
	}
	if dep := a.isFailed(k.deps(op)...); dep != "" {
		return fmt.Errorf("%w: %s failed", ErrSkipped, dep)
	}
	if err := a.recheck.check(k, op); err != nil {
		return err
	}
	err = k.apply(ctx, a, op)
	if k.existing {
		return a.existed(ctx, k, op, err)
	}
	return err
}

// The calls that apply each kind (the apply column of opKinds).

// lmsWrite applies an op by the LMS write call, sent the op's payload.
func lmsWrite[T any](call func(lms.LMS, context.Context, T) error, payload func(*Op) *T) func(context.Context, *applier, Op) error {
	return func(ctx context.Context, a *applier, op Op) error { return call(a.s.dst, ctx, *payload(&op)) }
}

// created is an LMS create call without the object it returns: the plan
// finds objects by SIS ID, never by the LMS's own ID.
func created[T any](create func(lms.LMS, context.Context, T) (T, error)) func(lms.LMS, context.Context, T) error {
	return func(l lms.LMS, ctx context.Context, v T) error {
		_, err := create(l, ctx, v)
		return err
	}
}

func writeResult(ctx context.Context, a *applier, op Op) error {
	return a.s.writeResult(ctx, op.Result, &a.reads)
}

func writeComment(ctx context.Context, a *applier, op Op) error {
	s, c := a.s, op.Comment
	if !a.fresh[c.EnrolmentID] {
		// UpdateResultComment replaces the comment: never from a stale copy.
		if err := s.verifyCurrent(ctx, &a.reads, c.EnrolmentID, c.UnitCode, func(u vettrak.EnrolledUnit) bool {
			return sameText(u.Comment, c.Previous)
		}); err != nil {
			return err
		}
	}
	if err := s.src.UpdateResultComment(ctx, c.EnrolmentID, c.UnitCode, c.Comment); err != nil {
		return err
	}
	return s.forgetUnits(ctx, c.EnrolmentID)
}

func markEnrolment(ctx context.Context, a *applier, op Op) error {
	return a.s.src.SetEnrolmentUploaded(ctx, op.EnrolmentID, true)
}

func markOccurrence(ctx context.Context, a *applier, op Op) error {
	return a.s.src.SetOccurrenceUploaded(ctx, op.OccurrenceID, true)
}

// errExisted marks a create whose object turned out to exist already.
var errExisted = errors.New("vtsync: already exists")

// existed turns a create's conflict into errExisted when the object with
// that SIS ID is really there (a plan applied twice, or a run after a crash
// between the write and its answer), so its dependents go ahead. A conflict
// with something else (a login another user holds, a SIS ID kept by a
// deleted user) stays a failure.
func (a *applier) existed(ctx context.Context, k *kindSpec, op Op, err error) error {
	if !errors.Is(err, lms.ErrConflict) {
		return err
	}
	rc, rerr := a.s.reread(ctx, rereadsOf(k, op))
	if rerr != nil {
		return err
	}
	if now, _ := k.state(rc, op); now != absent {
		return errExisted
	}
	return err
}

// settle records an op's outcome in the report and the store. A failure
// is classified (classify.go): a terminal one is reported as needing a
// person and held until its inputs change, a throttled one waits out the
// server's retry-after, one that found VETtrak changed waits for the next
// plan, and the rest back off.
func (a *applier) settle(ctx context.Context, op Op, err error) {
	s, rep := a.s, a.rep
	if errors.Is(err, errExisted) {
		rep.AlreadyExisted++
		_ = s.failures.Clear(ctx, op.Key)
		return
	}
	if errors.Is(err, errAlreadyDone) {
		rep.AlreadyDone++
		_ = s.failures.Clear(ctx, op.Key)
		return
	}
	k, kerr := checkOp(&op)
	if err == nil {
		if kerr == nil {
			a.rep.count(k)
		}
		if op.User != nil {
			s.confirmUsers(ctx, []lms.User{*op.User}, nil)
		}
		if derr := s.failures.Clear(ctx, op.Key); derr != nil && !errors.Is(derr, store.ErrNotFound) && ctx.Err() == nil {
			s.log.WarnContext(ctx, "clear retry state", "key", op.Key, "err", derr)
		}
		if derr := s.release(ctx, op.Key); derr != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "clear held state", "key", op.Key, "err", derr)
		}
		return
	}
	if kerr == nil {
		a.mu.Lock()
		for _, m := range k.marks(op) {
			a.failed[m] = true
		}
		a.mu.Unlock()
	}
	f := Failure{Key: op.Key, Kind: string(op.Kind), Error: s.secrets.String(err.Error()), err: &OpError{Op: op, Err: err}}
	if errors.Is(err, ErrSkipped) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		rep.Skipped = append(rep.Skipped, f)
		return
	}
	switch class, retryAfter := classify(err); class {
	case classTerminal:
		// Retrying cannot fix it: say so, and hold the op until its
		// inputs change rather than backing off for ever.
		err = fmt.Errorf("%w: %w", ErrNeedsPerson, err)
		f.Error, f.err, f.NeedsPerson = s.secrets.String(err.Error()), &OpError{Op: op, Err: err}, true
		if herr := s.hold(ctx, op, heldOp{Inputs: inputsOf(op), Error: f.Error}); herr != nil {
			s.log.WarnContext(ctx, "save held operation", "key", op.Key, "err", herr)
		}
		_ = s.failures.Clear(ctx, op.Key)
	case classThrottled:
		// The server said when to come back; without a retry-after, the
		// next run tries again.
		if retryAfter > 0 {
			next := s.now().Add(retryAfter)
			f.NextRetry = &next
			if herr := s.hold(ctx, op, heldOp{Until: next, Error: f.Error}); herr != nil {
				s.log.WarnContext(ctx, "save retry-after", "key", op.Key, "err", herr)
			}
		}
	case classReplan:
		// A value changed since it was read needs a fresh plan, not a
		// wait: the next run re-reads and decides again.
	default:
		rec, rerr := s.failures.Record(ctx, op.Key, f.Error)
		if rerr != nil {
			s.log.WarnContext(ctx, "save retry state", "key", op.Key, "err", rerr)
		} else {
			next := rec.NextRetry
			f.NextRetry = &next
			f.Attempts = rec.Attempts
		}
	}
	s.log.WarnContext(ctx, "operation failed", "op", op.Kind, "key", op.Key, "attempts", f.Attempts, "err", f.Error)
	rep.Failures = append(rep.Failures, f)
}
