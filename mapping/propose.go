package mapping

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak/record"
)

// propose builds the write a matched rule asks for, then applies the
// policy and the AVETMISS checks. nil means nothing to write (or a
// conflict was recorded).
func (r *resulter) propose(p Provenance, eu record.EnrolledUnit, ev UnitEvidence, m Match, set *preparedSet, ledger *LedgerEntry) *ResultWrite {
	loc := r.rc.Location
	info, _ := r.rc.Policy.Outcomes.Lookup(m.Rule.Outcome)
	w := ResultWrite{EnrolmentID: p.EnrolmentID, UnitCode: eu.UnitCode, CourseSISID: p.CourseSISID, UserSISID: p.UserSISID,
		ResultName: m.Rule.ResultName, Outcome: strings.TrimSpace(m.Rule.Outcome), Rule: scopedRef(set.ruleScope, m.Rule), Scope: set.scope, Previous: strings.TrimSpace(eu.ResultName)}
	e := r.ix.enrolByID[p.EnrolmentID]
	var occ record.Occurrence
	if oi := r.ix.occByID[e.OccurrenceID]; oi != nil {
		occ = oi.occ
	}

	// Start: the first LMS activity, moved earlier only (an existing earlier
	// start stays); else the unit's, enrolment's or occurrence's start.
	var start *time.Time
	for _, t := range []*time.Time{ev.FirstActivity, eu.StartDate} {
		if t != nil && !t.IsZero() && (start == nil || t.Before(*start)) {
			start = t
		}
	}
	for _, t := range []time.Time{e.StartDate, occ.StartDate} {
		if start == nil && !t.IsZero() {
			start = ptr(t)
		}
	}
	if start != nil {
		w.Start = dayIn(*start, loc)
	}
	if info.Class == OutcomeNonFinal {
		// An interim result runs to the planned end date.
		for _, t := range []*time.Time{eu.FinishDate, ptr(e.EndDate), ptr(occ.EndDate)} {
			if t != nil && !t.IsZero() {
				w.Finish = dayIn(*t, loc)
				break
			}
		}
		w.Reason = fmt.Sprintf("%s in course %q", m.Rule.When, p.CourseSISID)
		if ev.FirstActivity != nil {
			w.Reason = fmt.Sprintf("first LMS activity %s in course %q", dayIn(*ev.FirstActivity, loc).Format(time.DateOnly), p.CourseSISID)
		}
	} else {
		finish := m.Finish
		if finish == nil {
			finish = ev.LastActivity
		}
		if finish == nil {
			finish = &r.in.Now
		}
		w.Finish = dayIn(*finish, loc)
		w.Reason = fmt.Sprintf("%s in course %q (%s)", m.Rule.When, p.CourseSISID, summarize(ev))
	}
	if m.Percent != nil {
		pct := int(math.Round(min(max(*m.Percent, 0), 100)))
		w.Percentage = &pct
	}

	cur := r.currentOf(eu)
	switch d, kind, why := r.rc.Policy.decide(cur, ledger, w, loc); d {
	case decideSkip:
		return nil
	case decideConflict:
		r.conflict(Conflict{EnrolmentID: w.EnrolmentID, UnitCode: w.UnitCode, Kind: kind, Reason: why, Current: cur.name, CurrentOutcome: cur.outcome, Proposed: &w})
		return nil
	}
	if problems := r.avetmiss(w, info, ev, e.ClientCode); len(problems) > 0 {
		r.conflict(Conflict{EnrolmentID: w.EnrolmentID, UnitCode: w.UnitCode, Kind: ConflictAVETMISS, Reason: strings.Join(problems, "; "),
			Current: cur.name, CurrentOutcome: cur.outcome, Proposed: &w})
		return nil
	}
	return &w
}

func summarize(ev UnitEvidence) string {
	passed := 0
	for _, a := range ev.Assessments {
		if a.Passed {
			passed++
		}
	}
	s := fmt.Sprintf("%d/%d assessments passed", passed, len(ev.Assessments))
	if ev.Progress != nil {
		s += fmt.Sprintf(", %d/%d requirements", ev.Progress.RequirementsCompleted, ev.Progress.RequirementsTotal)
	}
	return s
}

// avetmiss checks a write against the AVETMISS date rules the snapshot can
// check (integration_anchors.md §4b).
func (r *resulter) avetmiss(w ResultWrite, info OutcomeInfo, ev UnitEvidence, client string) []string {
	var out []string
	loc := r.rc.Location
	switch {
	case w.Start.IsZero():
		out = append(out, "no start date is known")
	case w.Start.Location() != loc:
		out = append(out, "start date is not in the provider's time zone")
	case w.Start.After(r.today):
		out = append(out, fmt.Sprintf("start %s is after today: training has not started", w.Start.Format(time.DateOnly)))
	}
	switch {
	case w.Finish.IsZero():
		out = append(out, "no finish date is known")
	case w.Finish.Location() != loc:
		out = append(out, "finish date is not in the provider's time zone")
	case info.Class != OutcomeNonFinal && w.Finish.After(r.today):
		out = append(out, fmt.Sprintf("finish %s is in the future", w.Finish.Format(time.DateOnly)))
	}
	if !w.Start.IsZero() && !w.Finish.IsZero() && w.Start.After(w.Finish) {
		out = append(out, fmt.Sprintf("start %s is after finish %s", w.Start.Format(time.DateOnly), w.Finish.Format(time.DateOnly)))
	}
	if w.Outcome == "70" && ev.FirstActivity == nil {
		out = append(out, "outcome 70 (continuing) needs evidence that training started")
	}
	if w.Outcome == "85" {
		out = append(out, "outcome 85 is not written: VETtrak leaves a not-started unit's result empty")
	}
	// No overlapping activity periods for the same learner and unit on
	// another enrolment (AVETMISS rejects them; the anchors' LMS pushes
	// caused exactly this).
	if !w.Start.IsZero() && !w.Finish.IsZero() {
		for _, o := range r.byClientUnit[client+"|"+NormalizeUnitCode(w.UnitCode)] {
			if o.EnrolmentID == w.EnrolmentID || strings.TrimSpace(o.ResultName) == "" || o.StartDate == nil || o.FinishDate == nil {
				continue
			}
			os, of := dayIn(*o.StartDate, loc), dayIn(*o.FinishDate, loc)
			if !w.Start.After(of) && !os.After(w.Finish) {
				out = append(out, fmt.Sprintf("activity %s..%s overlaps enrolment %d's %s..%s for the same unit", w.Start.Format(time.DateOnly), w.Finish.Format(time.DateOnly), o.EnrolmentID, os.Format(time.DateOnly), of.Format(time.DateOnly)))
			}
		}
	}
	return out
}
