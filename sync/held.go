package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/sync/store"
)

// bucketHeld keeps operations held back for a reason other than backoff:
// a terminal failure (until the op's inputs change) or throttling (until
// the server's retry-after).
const bucketHeld = "held"

// heldOp is why an operation is held.
type heldOp struct {
	Kind OpKind `json:"kind"`
	// Inputs is the fingerprint of what the failed operation would send:
	// a plan whose op has other inputs (VETtrak was corrected) tries again.
	Inputs string `json:"inputs,omitempty"`
	// Until is the throttled op's retry-after.
	Until time.Time `json:"until,omitzero"`
	Error string    `json:"error"`
	Since time.Time `json:"since"`
}

func (s *Syncer) heldDB() store.Typed[heldOp] { return store.NewTyped[heldOp](s.store, bucketHeld) }

// inputsOf fingerprints what an operation would send: its payload without
// reasons (which say what the LMS held) or what the plan observed.
func inputsOf(op Op) string {
	op.Reason, op.Observed = "", ""
	if op.Result != nil {
		r := *op.Result
		r.Reason = ""
		op.Result = &r
	}
	if op.Comment != nil {
		c := *op.Comment
		c.Reason = ""
		op.Comment = &c
	}
	return fingerprint(op)
}

// fingerprint is a short hash of v's JSON.
func fingerprint(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value fingerprinted here is plain data; an error would
		// mean a bug, and an unmatchable print only costs a re-check.
		return "unprintable:" + err.Error()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// hold records a terminal or throttled failure of op.
func (s *Syncer) hold(ctx context.Context, op Op, h heldOp) error {
	h.Kind, h.Since = op.Kind, s.now()
	return s.heldDB().Put(ctx, op.Key, h)
}

// release forgets op's held state after it succeeded.
func (s *Syncer) release(ctx context.Context, key string) error {
	if err := s.heldDB().Delete(ctx, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// Release lets the next run try operations held as needing a person
// (ErrNeedsPerson): after someone fixed the cause outside VETtrak (a
// permission granted, a conflicting login renamed in the LMS). With no
// keys it releases every held operation.
func (s *Syncer) Release(ctx context.Context, keys ...string) error {
	db := s.heldDB()
	if len(keys) == 0 {
		for e, err := range db.List(ctx, "") {
			if err != nil {
				return fmt.Errorf("read held operations: %w", err)
			}
			keys = append(keys, e.Key)
		}
	}
	for _, k := range keys {
		if err := s.release(ctx, k); err != nil {
			return fmt.Errorf("release %s: %w", k, err)
		}
	}
	return nil
}

// heldBack moves ops that are held out of the plan: a throttled op until
// its retry-after (into Deferred), a terminal one while its inputs are the
// same (into NeedsPerson, with the cause). A terminal op whose inputs
// changed is let go and tried.
func (s *Syncer) heldBack(ctx context.Context, p *Plan) error {
	held := map[string]heldOp{}
	for e, err := range s.heldDB().List(ctx, "") {
		if err != nil {
			return fmt.Errorf("read held operations: %w", err)
		}
		held[e.Key] = e.Value
	}
	if len(held) == 0 {
		return nil
	}
	now := s.now()
	kept := p.Ops[:0]
	for _, op := range p.Ops {
		h, ok := held[op.Key]
		switch {
		case !ok:
		case h.Inputs != "" && h.Inputs == inputsOf(op):
			p.NeedsPerson = append(p.NeedsPerson, Failure{Key: op.Key, Kind: string(op.Kind), Error: h.Error, NeedsPerson: true,
				err: &OpError{Op: op, Err: fmt.Errorf("%w: held since %s: %s", ErrNeedsPerson, h.Since.Format(time.RFC3339), h.Error)}})
			continue
		case h.Inputs == "" && now.Before(h.Until):
			p.Deferred = append(p.Deferred, op.Key)
			continue
		}
		kept = append(kept, op)
	}
	p.Ops = kept
	return nil
}
