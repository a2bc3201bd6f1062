package sync

import (
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
func (s *Syncer) apply(ctx context.Context, start time.Time, p *Plan, recheck bool, opts ...ApplyOption) (*Report, error) {
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
	bw, inBulk := s.bulkSplit(p.Ops)
	byKind := map[OpKind][]Op{}
	var bulk []Op
	for i, op := range p.Ops {
		if inBulk[i] {
			bulk = append(bulk, op)
			continue
		}
		byKind[op.Kind] = append(byKind[op.Kind], op)
	}
	done, total := 0, len(p.Ops)
	for pi, phase := range phases {
		if pi == bulkPhase && len(bulk) > 0 && ctx.Err() == nil {
			a.runBulk(ctx, bw, bulk, done, total)
			done += len(bulk)
			s.progress(ctx, Progress{Phase: PhaseApply, Done: done, Total: total, Item: "bulk"})
		}
		var ops []Op
		for _, k := range phase {
			ops = append(ops, byKind[k]...)
		}
		if len(ops) == 0 {
			continue
		}
		// Progress names the phase as it starts and moves with every
		// operation, so a display never stands still on the phase before.
		s.progress(ctx, Progress{Phase: PhaseApply, Done: done, Total: total, Item: string(ops[0].Kind)})
		workers := s.workers
		if phase[0].IsVETtrakWrite() {
			workers = s.vettrakWorkers()
		}
		// WithProgress promises one call at a time, in order.
		var progMu gosync.Mutex
		finished := done
		_, errs := fanOut(ctx, workers, ops, func(ctx context.Context, op Op) (struct{}, error) {
			err := a.run(ctx, op)
			progMu.Lock()
			finished++
			s.progress(ctx, Progress{Phase: PhaseApply, Done: finished, Total: total, Item: string(op.Kind)})
			progMu.Unlock()
			return struct{}{}, err
		})
		for i, err := range errs {
			a.settle(ctx, ops[i], err)
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

// deps lists what an op needs to have succeeded.
func deps(op Op) []string {
	switch op.Kind {
	case OpCreateSection, OpUpdateSection, OpCreateGroup, OpUpdateGroup:
		return []string{op.Scope}
	case OpEnrol, OpUnenrol:
		e := op.Enrolment
		return []string{e.CourseSISID, "section:" + e.SectionSISID, "user:" + e.UserSISID}
	case OpAddMember, OpRemoveMember:
		return []string{op.Scope, "group:" + op.Membership.GroupSISID, "user:" + op.Membership.UserSISID}
	case OpMarkEnrolment, OpMarkOccurrence:
		out := make([]string, len(op.Users))
		for i, u := range op.Users {
			out[i] = "user:" + u
		}
		return out
	}
	return nil
}

// marks lists the scopes an op's failure poisons.
func marks(op Op) []string {
	switch op.Kind {
	case OpCreateCourse, OpUpdateCourse:
		return []string{op.Course.SISID}
	case OpCreateSection, OpUpdateSection:
		return []string{"section:" + op.Section.SISID}
	case OpCreateGroup, OpUpdateGroup:
		return []string{"group:" + op.Group.SISID}
	case OpCreateUser, OpUpdateUser:
		return []string{"user:" + op.User.SISID}
	case OpEnrol, OpUnenrol:
		return []string{"user:" + op.Enrolment.UserSISID}
	case OpAddMember, OpRemoveMember:
		return []string{"user:" + op.Membership.UserSISID}
	}
	return nil
}

func (a *applier) run(ctx context.Context, op Op) error {
	if k := a.isFailed(deps(op)...); k != "" {
		return fmt.Errorf("%w: %s failed", ErrSkipped, k)
	}
	if err := a.recheck.check(op); err != nil {
		return err
	}
	s := a.s
	dst := s.dst
	switch op.Kind {
	case OpCreateCourse:
		_, err := dst.CreateCourse(ctx, *op.Course)
		return a.existed(ctx, op, err)
	case OpUpdateCourse:
		return dst.UpdateCourse(ctx, *op.Course)
	case OpCreateSection:
		_, err := dst.CreateSection(ctx, *op.Section)
		return a.existed(ctx, op, err)
	case OpUpdateSection:
		return dst.UpdateSection(ctx, *op.Section)
	case OpCreateGroup:
		_, err := dst.CreateGroup(ctx, *op.Group)
		return a.existed(ctx, op, err)
	case OpUpdateGroup:
		return dst.UpdateGroup(ctx, *op.Group)
	case OpCreateUser:
		_, err := dst.CreateUser(ctx, *op.User)
		return a.existed(ctx, op, err)
	case OpUpdateUser:
		return dst.UpdateUser(ctx, *op.User)
	case OpEnrol:
		_, err := dst.Enrol(ctx, *op.Enrolment)
		return err
	case OpUnenrol:
		return dst.Unenrol(ctx, *op.Enrolment)
	case OpAddMember:
		return dst.AddMember(ctx, *op.Membership)
	case OpRemoveMember:
		return dst.RemoveMember(ctx, *op.Membership)
	case OpWriteResult:
		return s.writeResult(ctx, op.Result, &a.reads)
	case OpWriteComment:
		c := op.Comment
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
	case OpMarkEnrolment:
		return s.src.SetEnrolmentUploaded(ctx, op.EnrolmentID, true)
	case OpMarkOccurrence:
		return s.src.SetOccurrenceUploaded(ctx, op.OccurrenceID, true)
	}
	return fmt.Errorf("unknown operation kind %q", op.Kind)
}

// errExisted marks a create whose object turned out to exist already.
var errExisted = errors.New("already exists")

// existed turns a create's conflict into errExisted when the object with
// that SIS ID is really there (a plan applied twice, or a run after a crash
// between the write and its answer), so its dependents go ahead. A conflict
// with something else (a login another user holds, a SIS ID kept by a
// deleted user) stays a failure.
func (a *applier) existed(ctx context.Context, op Op, err error) error {
	if !errors.Is(err, lms.ErrConflict) {
		return err
	}
	dst := a.s.dst
	switch op.Kind {
	case OpCreateUser:
		users, rerr := dst.ReadUsers(ctx, []string{op.User.SISID})
		if rerr == nil && len(users) == 1 {
			return errExisted
		}
	case OpCreateCourse, OpCreateSection, OpCreateGroup:
		st, rerr := a.s.readState(ctx, []string{op.Scope}, op.Group == nil)
		if rerr != nil {
			return err
		}
		switch {
		case op.Course != nil && len(st.Courses) == 1:
			return errExisted
		case op.Section != nil && slices.ContainsFunc(st.Sections, func(x lms.Section) bool { return x.SISID == op.Section.SISID }):
			return errExisted
		case op.Group != nil && slices.ContainsFunc(st.Groups, func(x lms.Group) bool { return x.SISID == op.Group.SISID }):
			return errExisted
		}
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
	if err == nil {
		a.count(op)
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
	a.mu.Lock()
	for _, m := range marks(op) {
		a.failed[m] = true
	}
	a.mu.Unlock()
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

func (a *applier) count(op Op) {
	r := a.rep
	switch op.Kind {
	case OpCreateCourse:
		r.Created["course"]++
	case OpUpdateCourse:
		r.Updated["course"]++
	case OpCreateSection:
		r.Created["section"]++
	case OpUpdateSection:
		r.Updated["section"]++
	case OpCreateGroup:
		r.Created["group"]++
	case OpUpdateGroup:
		r.Updated["group"]++
	case OpCreateUser:
		r.Created["user"]++
	case OpUpdateUser:
		r.Updated["user"]++
	case OpEnrol:
		r.Created["enrolment"]++
	case OpUnenrol:
		r.Removed["enrolment"]++
	case OpAddMember:
		r.Created["membership"]++
	case OpRemoveMember:
		r.Removed["membership"]++
	case OpWriteResult:
		r.ResultsWritten++
	case OpWriteComment:
		r.CommentsWritten++
	case OpMarkEnrolment, OpMarkOccurrence:
		r.Marked++
	}
}
