package mapping

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Policy guards VETtrak results against the write-back. Its defaults are
// the strictest: nothing entered by hand and nothing negative is replaced.
type Policy struct {
	// Outcomes classifies outcome codes; AVETMISS23 by default.
	Outcomes OutcomeTable `json:"outcomes"`
	// OverwriteNegative lets a rule replace a final negative or withdrawn
	// outcome (30, 40, 41, 52, 61, 82). Final positive outcomes (20, 51,
	// 60, 81) are never replaced by a different outcome.
	OverwriteNegative bool `json:"overwrite_negative"`
	// OverwriteManual lets a rule replace a result entered by hand: one the
	// ledger has no record of writing, or one that differs from what the
	// ledger says was written (including a result cleared since).
	OverwriteManual bool `json:"overwrite_manual"`
	// ManualReplaceable lists outcomes of hand-entered results that rules
	// may replace anyway, like JR Plus's "update outcome if current outcome
	// is blank or …" (e.g. "70" where staff mark units Continuing by hand).
	ManualReplaceable []string `json:"manual_replaceable,omitempty"`
}

// DefaultPolicy replaces nothing entered by hand and nothing negative.
func DefaultPolicy() Policy { return Policy{Outcomes: AVETMISS23()} }

// LedgerEntry is what the SDK wrote to one enrolled unit, as the Syncer's
// store remembers it. The policy compares it with the current VETtrak result
// to tell the SDK's results from results entered by hand.
type LedgerEntry struct {
	ResultName string    `json:"result_name"`
	Outcome    string    `json:"outcome"`
	Start      time.Time `json:"start"`
	Finish     time.Time `json:"finish"`
	Rule       string    `json:"rule"`
	// Scope is the ScopedRules ID that decided the write ("" for the
	// provider-wide rules).
	Scope     string    `json:"scope,omitempty"`
	WrittenAt time.Time `json:"written_at"`
	// Comment is the full comment text last written ("" = never).
	Comment string `json:"comment,omitempty"`
}

// current is an enrolled unit's result as VETtrak holds it now.
type current struct {
	name, outcome string
	start, finish *time.Time
	pct           *int
}

func sameDay(a, b *time.Time, loc *time.Location) bool {
	if a == nil || a.IsZero() || b == nil || b.IsZero() {
		return (a == nil || a.IsZero()) && (b == nil || b.IsZero())
	}
	return dayIn(*a, loc).Equal(dayIn(*b, loc))
}

// handEntered reports whether the current result is not (or no longer) the
// one the ledger says the SDK wrote.
func (c current) handEntered(l *LedgerEntry, loc *time.Location) bool {
	if l == nil || l.ResultName == "" {
		return c.name != ""
	}
	return c.name != l.ResultName || !sameDay(c.start, &l.Start, loc) || !sameDay(c.finish, &l.Finish, loc)
}

// decision is what the policy makes of a proposed write.
type decision int

const (
	decideWrite decision = iota
	decideSkip           // nothing to do: already there, or a final result already recorded
	decideConflict
)

// decide applies the outcome policy. It returns the conflict kind and
// reason when the write must go to review.
func (p Policy) decide(cur current, l *LedgerEntry, w ResultWrite, loc *time.Location) (decision, ConflictKind, string) {
	if cur.name == "" {
		if l != nil && l.ResultName != "" && !p.OverwriteManual {
			return decideConflict, ConflictManual, fmt.Sprintf("the result %q written by %s was cleared in VETtrak since; not rewritten without OverwriteManual", l.ResultName, l.Rule)
		}
		return decideWrite, "", ""
	}
	same := cur.name == w.ResultName && sameDay(cur.start, &w.Start, loc) && sameDay(cur.finish, &w.Finish, loc) &&
		(w.Percentage == nil || cur.pct != nil && *cur.pct == *w.Percentage)
	if same {
		return decideSkip, "", ""
	}
	info, known := p.Outcomes.Lookup(cur.outcome)
	if !known {
		return decideConflict, ConflictUnknownOutcome, fmt.Sprintf("the current result %q has outcome %q, which table %s does not know; it is left for review", cur.name, cur.outcome, p.Outcomes.Version)
	}
	switch info.Class {
	case OutcomeFinalPositive:
		if cur.outcome == w.Outcome {
			return decideSkip, "", ""
		}
		return decideConflict, ConflictDowngrade, fmt.Sprintf("never downgrade final outcome %s (%q) to %s (%q)", cur.outcome, cur.name, w.Outcome, w.ResultName)
	case OutcomeFinalNegative:
		if !p.OverwriteNegative {
			return decideConflict, ConflictNegative, fmt.Sprintf("current outcome %s (%q) is negative or withdrawn; not replaced by %s (%q) without OverwriteNegative", cur.outcome, cur.name, w.Outcome, w.ResultName)
		}
	}
	if cur.handEntered(l, loc) && !p.OverwriteManual && !slices.Contains(p.ManualReplaceable, strings.TrimSpace(cur.outcome)) {
		why := "the SDK never wrote it"
		if l != nil && l.ResultName != "" {
			why = fmt.Sprintf("it differs from what %s wrote (%q)", l.Rule, l.ResultName)
		}
		return decideConflict, ConflictManual, fmt.Sprintf("current result %q (outcome %s) was entered by hand: %s", cur.name, cur.outcome, why)
	}
	if info.Class == OutcomeNonFinal && cur.outcome == w.Outcome {
		return decideSkip, "", "" // an interim result is not rewritten for new dates
	}
	return decideWrite, "", ""
}
