package sync

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidConfig is matched by configuration errors: from New (a Config
// or Option it cannot use), and from Check when the result rules do not
// match VETtrak. An error caused by an invalid mapping.Config matches
// mapping.ErrInvalidConfig too, and a *mapping.ConfigError names the field.
var ErrInvalidConfig = errors.New("vtsync: invalid config")

// configError marks err as a configuration problem. It keeps err's own
// chain, so a mapping config error matches both packages' sentinels.
func configError(err error) error { return fmt.Errorf("%w: %w", ErrInvalidConfig, err) }

// ErrHold is matched by every *HoldError.
var ErrHold = errors.New("vtsync: plan held")

// HoldError stops a plan that would change more than the configured share
// of what is in scope: the classic sign of bad source data rather than real
// change. Set Safety.Allow (or apply the plan with AllowHolds) to go ahead.
type HoldError struct {
	Holds []Hold
}

// Hold is one limit a plan exceeded.
type Hold struct {
	Kind  HoldKind `json:"kind"`
	Count int      `json:"count"`
	Base  int      `json:"base"`
	Share float64  `json:"share"`
	Limit float64  `json:"limit"`
}

func (h Hold) String() string {
	return fmt.Sprintf("%s %d of %d (%.0f%%, limit %.0f%%)", h.Kind, h.Count, h.Base, h.Share*100, h.Limit*100)
}

func (e *HoldError) Error() string {
	parts := make([]string, len(e.Holds))
	for i, h := range e.Holds {
		parts[i] = h.String()
	}
	return "vtsync: plan held: " + strings.Join(parts, "; ") + " (set Safety.Allow to apply)"
}

// Is makes a HoldError match ErrHold.
func (e *HoldError) Is(target error) bool { return target == ErrHold }

// OpError is the failure of one operation of a plan.
type OpError struct {
	Op  Op
	Err error
}

func (e *OpError) Error() string { return fmt.Sprintf("%s %s: %v", e.Op.Kind, e.Op.Key, e.Err) }
func (e *OpError) Unwrap() error { return e.Err }

// ErrStale is the cause of an operation of a saved plan that was not
// applied because the object it changes moved since the plan observed it
// (someone else changed it in the LMS). Plan again: the next plan decides
// from what is there now.
var ErrStale = errors.New("vtsync: changed since the plan was made")

// ErrSkipped is the cause recorded for an operation that was not attempted
// because one it depends on failed (a learner's enrolment when the learner
// could not be created), or because its item is waiting out a retry backoff.
var ErrSkipped = errors.New("vtsync: skipped")

// ErrInvalidOp is the cause of an operation of a plan that Apply cannot
// run: a kind it does not know, or without the payload its kind sends (a
// plan edited by hand, or written by a newer version). Only that
// operation fails.
var ErrInvalidOp = errors.New("vtsync: invalid operation")

// PanicError is a panic inside a Source or LMS implementation, recovered
// and reported as that item's failure.
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("vtsync: panic: %v", e.Value) }
