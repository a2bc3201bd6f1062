package sync

import (
	"encoding/json"
	"time"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// Report says what a run did. It marshals to JSON and holds no secrets.
type Report struct {
	// StartedAt and FinishedAt bound the whole run: for Run and
	// ReportResults, observing and planning too; for Apply, the apply.
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Seconds    float64   `json:"seconds"`
	// PhaseSeconds is the time each phase took: observe (reading both
	// sides), plan (mapping and diff), results (reading LMS evidence and
	// deciding results) and apply (the writes). A phase that did not run
	// is absent. Observe runs from the first read to the last: a re-sync
	// reads the LMS while it reads VETtrak (see the package doc), so
	// observe is less than the two sides' read times added up.
	PhaseSeconds map[Phase]float64 `json:"phase_seconds,omitempty"`
	Workflow     mapping.Workflow  `json:"workflow"`
	Planned      int               `json:"planned"`
	// Created, Updated, Removed and Unchanged count LMS objects per
	// ObjectKind (course, section, group, user, enrolment, membership);
	// each operation kind moves one counter (see OpKind).
	Created   map[ObjectKind]int `json:"created"`
	Updated   map[ObjectKind]int `json:"updated"`
	Removed   map[ObjectKind]int `json:"removed"`
	Unchanged map[ObjectKind]int `json:"unchanged"`
	// ResultsWritten and CommentsWritten count VETtrak writes; Marked the
	// occurrences and enrolments flagged as transferred.
	ResultsWritten  int `json:"results_written"`
	CommentsWritten int `json:"comments_written"`
	Marked          int `json:"marked"`
	// AlreadyExisted counts creates that found their object already there
	// (a plan applied twice, or a crash between a write and its answer).
	AlreadyExisted int `json:"already_existed,omitempty"`
	// AlreadyDone counts operations of a saved plan whose change was
	// already in the LMS when it was applied (the plan applied twice, or
	// a person made the change): skipped, not counted as changes.
	AlreadyDone int       `json:"already_done,omitempty"`
	Holds       []Hold    `json:"holds,omitempty"`
	Failures    []Failure `json:"failures,omitempty"`
	Skipped     []Failure `json:"skipped,omitempty"`
	Deferred    []string  `json:"deferred,omitempty"`
	// NeedsPerson lists operations not tried because an earlier attempt
	// failed in a way retrying cannot fix and their inputs are unchanged.
	NeedsPerson []Failure            `json:"needs_person,omitempty"`
	Conflicts   []mapping.Conflict   `json:"conflicts,omitempty"`
	Diagnostics []mapping.Diagnostic `json:"diagnostics,omitempty"`
	// Calls counts API calls made during the run, per side, where the
	// client reports them (the vettrak and canvas clients do).
	Calls map[string]callstats.Snapshot `json:"calls,omitempty"`
	// Cancelled is set when the context ended before the run finished.
	Cancelled bool `json:"cancelled,omitempty"`
	// DryRun is set when the Syncer only planned (WithDryRun); Plan then
	// holds what a real run would do.
	DryRun bool  `json:"dry_run,omitempty"`
	Plan   *Plan `json:"plan,omitempty"`

	// applyStart is when the apply phase began (zero when none ran).
	applyStart time.Time
}

// dryReport is the report of a run that stopped at its plan.
func (s *Syncer) dryReport(start time.Time, p *Plan) (*Report, error) {
	r := s.newReport(start, p)
	r.DryRun = true
	r.Plan = p
	var err error
	if len(p.Holds) > 0 && !s.cfg.Safety.Allow {
		err = &HoldError{Holds: p.Holds}
	}
	return s.finish(r, err)
}

// OK reports whether the run finished with no failures, no holds and
// nothing waiting for a person.
func (r *Report) OK() bool {
	return len(r.Failures) == 0 && len(r.Holds) == 0 && len(r.NeedsPerson) == 0 && !r.Cancelled
}

// JSON renders the report indented.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// Changes is the number of LMS objects created, updated or removed.
func (r *Report) Changes() int {
	n := 0
	for _, m := range []map[ObjectKind]int{r.Created, r.Updated, r.Removed} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

// statsOf reads the call counters of a client or LMS that keeps them
// (lms.StatsReporter: the vettrak, canvas and moodle clients and their LMS
// adapters do).
func statsOf(v any) (callstats.Snapshot, bool) {
	if s, ok := v.(lms.StatsReporter); ok {
		return s.Stats(), true
	}
	return callstats.Snapshot{}, false
}

func (s *Syncer) newReport(start time.Time, p *Plan) *Report {
	r := &Report{
		StartedAt: start, Workflow: s.cfg.Mapping.Workflow,
		Created: map[ObjectKind]int{}, Updated: map[ObjectKind]int{}, Removed: map[ObjectKind]int{}, Unchanged: map[ObjectKind]int{},
		PhaseSeconds: map[Phase]float64{},
	}
	if p != nil {
		for ph, d := range p.phases {
			r.PhaseSeconds[ph] = d.Seconds()
		}
		r.Planned = len(p.Ops)
		r.Holds = p.Holds
		r.Deferred = p.Deferred
		for _, f := range p.NeedsPerson {
			r.NeedsPerson = append(r.NeedsPerson, s.redactFailure(f))
		}
		r.Conflicts = p.Conflicts
		r.Diagnostics = p.Diagnostics
		for k, v := range p.Unchanged {
			r.Unchanged[k] = v
		}
		for _, f := range p.ReadFailures {
			r.Failures = append(r.Failures, s.redactFailure(f))
		}
		r.Calls = map[string]callstats.Snapshot{}
		if after, ok := statsOf(s.src); ok {
			r.Calls["vettrak"] = after.Since(p.stats["vettrak"])
		}
		if after, ok := statsOf(s.dst); ok {
			r.Calls["lms"] = after.Since(p.stats["lms"])
		}
	}
	return r
}

func (s *Syncer) redactFailure(f Failure) Failure {
	f.Error = s.secrets.String(f.Error)
	return f
}

func (s *Syncer) finish(r *Report, err error) (*Report, error) {
	r.FinishedAt = s.now()
	r.Seconds = r.FinishedAt.Sub(r.StartedAt).Seconds()
	if !r.applyStart.IsZero() {
		r.PhaseSeconds[PhaseApply] = r.FinishedAt.Sub(r.applyStart).Seconds()
	}
	return r, err
}
