package sync

import (
	"context"
	"fmt"
	"slices"

	"github.com/vtsync/vtsync/lms"
)

// bulkPhase is the index of the phase before which Apply sends its bulk
// write: after the containers and people that go one call each (the bulk
// write's enrolments may name them), before the enrolments and removals
// that go one call each (they may name what the bulk write creates).
var bulkPhase = slices.IndexFunc(phases, func(ph []OpKind) bool { return slices.Contains(ph, OpEnrol) })

// bulkSplit decides whether this plan's LMS writes go in bulk: the LMS
// must implement lms.BulkWriter, bulk must be on, and the writes the LMS
// can take in bulk must reach the threshold. Of idx, indexes into ops, it
// returns the writer and those of the ops that go in bulk, or nil.
func (s *Syncer) bulkSplit(ops []Op, idx []int) (lms.BulkWriter, []int) {
	bw, ok := s.dst.(lms.BulkWriter)
	if !ok || s.cfg.Bulk.Off {
		return nil, nil
	}
	var in []int
	for _, i := range idx {
		if w, ok := bulkWriteOf(ops[i]); ok && bw.CanBulk(w) {
			in = append(in, i)
		}
	}
	if len(in) < s.cfg.Bulk.threshold() {
		return nil, nil
	}
	return bw, in
}

// bulkWriteOf is op as an lms.BulkWrite (whose kinds are named as the
// Syncer's); false for VETtrak writes.
func bulkWriteOf(op Op) (lms.BulkWrite, bool) {
	if op.Kind.IsVETtrakWrite() {
		return lms.BulkWrite{}, false
	}
	return lms.BulkWrite{Kind: lms.BulkKind(op.Kind), Course: op.Course, Section: op.Section, Group: op.Group,
		User: op.User, Enrolment: op.Enrolment, Membership: op.Membership}, true
}

// runBulk sends the ops idx names (indexes into ops) as one bulk write
// and settles each by the outcome the LMS confirmed for it. What would be skipped or found stale one call at a
// time is settled so before anything is sent. When the call as a whole
// fails (cancelled mid-import, upload refused), no op counts as done:
// each settles with that error and the next run, reading the LMS afresh,
// sees whatever the LMS did apply.
func (a *applier) runBulk(ctx context.Context, bw lms.BulkWriter, ops []Op, idx []int, done, total int) {
	s := a.s
	send := make([]int, 0, len(idx))
	writes := make([]lms.BulkWrite, 0, len(idx))
	for _, i := range idx {
		op := ops[i]
		k, _ := checkOp(&op) // Apply settled the ops without a row
		if dep := a.isFailed(k.deps(op)...); dep != "" {
			a.settle(ctx, op, fmt.Errorf("%w: %s failed", ErrSkipped, dep))
			continue
		}
		if err := a.recheck.check(k, op); err != nil {
			a.settle(ctx, op, err)
			continue
		}
		w, _ := bulkWriteOf(op)
		send = append(send, i)
		writes = append(writes, w)
	}
	if len(writes) == 0 {
		return
	}
	s.log.InfoContext(ctx, "bulk write", "writes", len(writes))
	outcomes, err := safeCall(ctx, writes, func(ctx context.Context, w []lms.BulkWrite) ([]error, error) {
		return bw.BulkWrite(ctx, w, func(p lms.BulkProgress) {
			s.progress(ctx, Progress{Phase: PhaseApply, Done: done, Total: total, Item: fmt.Sprintf("bulk %s %d%%", p.State, p.Percent)})
		})
	})
	for j, i := range send {
		e := err
		if e == nil {
			if j < len(outcomes) {
				e = outcomes[j]
			} else {
				e = fmt.Errorf("%w: the LMS reported no outcome", lms.ErrBulkRefused)
			}
		}
		a.settle(ctx, ops[i], e)
	}
}
