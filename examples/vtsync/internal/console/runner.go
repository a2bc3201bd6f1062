package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
)

// Run statuses, as the CLI's reports name them.
const (
	StatusOK          = "ok"
	StatusFailures    = "failures"
	StatusHeld        = "held"
	StatusError       = "error"
	StatusInterrupted = "interrupted"
)

// maxRuns is how many runs the console remembers.
const maxRuns = 30

// Run is one sync the console knows about: a scheduled run, or a held
// plan approved in the console.
type Run struct {
	N        int            `json:"n"`
	What     string         `json:"what"` // "scheduled run", "approved plan", ...
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Status   string         `json:"status"`
	Error    string         `json:"error,omitempty"`
	Report   *vtsync.Report `json:"report,omitempty"`
	// Courses is what changed, per course, by name.
	Courses []CourseChanges `json:"courses"`
}

// Seconds is how long the run took, observing and planning included.
func (r Run) Seconds() float64 { return r.Finished.Sub(r.Started).Seconds() }

// Calls is the number of API calls the run made, both sides.
func (r Run) Calls() int64 {
	if r.Report == nil {
		return 0
	}
	var n int64
	for _, c := range r.Report.Calls {
		n += c.Calls()
	}
	return n
}

// CourseChanges counts one course's changes in words.
type CourseChanges struct {
	Course  string         `json:"course"`
	Changes map[string]int `json:"changes"` // "learners enrolled": 3
	Failed  int            `json:"failed"`
}

// Held is a plan a safety limit stopped, waiting for a person to approve
// it in the console.
type Held struct {
	ID    string       `json:"id"`
	At    time.Time    `json:"at"`
	Plan  *vtsync.Plan `json:"plan"`
	Names vtsync.Names `json:"-"`
}

// Runner runs syncs for the console and remembers them: the CLI's schedule
// calls RunOnce; the console's actions approve held plans, resolve
// conflicts and release failures through it. It is safe for concurrent
// use; syncs never overlap.
type Runner struct {
	newSyncer func(now time.Time) (*vtsync.Syncer, error)
	decisions store.Typed[Decision]
	onRun     func(Run)
	now       func() time.Time

	work sync.Mutex // held while a sync runs

	mu        sync.Mutex
	n         int
	runs      []Run // newest first
	held      *Held
	conflicts []mapping.Conflict
	names     vtsync.Names
	preview   *vtsync.Plan
}

// Decision is a person's answer to a result conflict, kept in the state
// store so the review list does not ask again.
type Decision struct {
	Key      string    `json:"key"`
	Choice   string    `json:"choice"` // "ours" or "vettrak"
	Proposed string    `json:"proposed"`
	Current  string    `json:"current"`
	At       time.Time `json:"at"`
}

// Conflict choices.
const (
	ChoiceOurs    = "ours"
	ChoiceVETtrak = "vettrak"
)

// decisionsBucket holds the console's decisions in the state store.
const decisionsBucket = "console_decisions"

// NewRunner returns a Runner that builds a Syncer per sync with
// newSyncer, keeps decisions in st, and calls onRun (may be nil) after
// every sync, for the CLI's own output and files.
func NewRunner(newSyncer func(time.Time) (*vtsync.Syncer, error), st store.Store, onRun func(Run)) *Runner {
	return &Runner{newSyncer: newSyncer, decisions: store.NewTyped[Decision](st, decisionsBucket), onRun: onRun, now: time.Now}
}

// RunOnce is one sync: plan, and apply unless a safety limit holds the
// plan, in which case the plan waits for approval in the console.
func (r *Runner) RunOnce(ctx context.Context, what string) (Run, error) {
	r.work.Lock()
	defer r.work.Unlock()
	run := Run{What: what, Started: r.now()}
	s, err := r.newSyncer(run.Started)
	if err != nil {
		return r.record(run, nil, nil, err), err
	}
	p, err := s.Plan(ctx)
	if err != nil {
		return r.record(run, nil, nil, err), err
	}
	r.setNames(p)
	if len(p.Holds) > 0 && !s.Config().Safety.Allow {
		id := newID()
		r.mu.Lock()
		r.held = &Held{ID: id, At: p.CreatedAt, Plan: p, Names: p.Names()}
		r.mu.Unlock()
		err := &vtsync.HoldError{Holds: p.Holds}
		return r.record(run, p, nil, err), err
	}
	rep, err := s.Apply(ctx, p)
	return r.record(run, p, rep, err), err
}

// ApproveHeld applies the held plan with the given ID, its safety limits
// overridden by the person who approved it.
func (r *Runner) ApproveHeld(ctx context.Context, id string) (Run, error) {
	r.work.Lock()
	defer r.work.Unlock()
	r.mu.Lock()
	h := r.held
	r.mu.Unlock()
	if h == nil || h.ID != id {
		return Run{}, ErrNotFound
	}
	run := Run{What: "held plan approved in the console", Started: r.now()}
	s, err := r.newSyncer(run.Started)
	if err != nil {
		return r.record(run, nil, nil, err), err
	}
	rep, err := s.Apply(ctx, h.Plan, vtsync.AllowHolds())
	r.mu.Lock()
	if r.held == h {
		r.held = nil
	}
	r.mu.Unlock()
	return r.record(run, h.Plan, rep, err), err
}

// Preview plans without applying: the dry run on demand.
func (r *Runner) Preview(ctx context.Context) (*vtsync.Plan, error) {
	r.work.Lock()
	defer r.work.Unlock()
	s, err := r.newSyncer(r.now())
	if err != nil {
		return nil, err
	}
	p, err := s.Plan(ctx)
	if err != nil {
		return nil, err
	}
	r.setNames(p)
	r.mu.Lock()
	r.preview = p
	r.conflicts = p.Conflicts
	r.mu.Unlock()
	return p, nil
}

// Check tests both connections.
func (r *Runner) Check(ctx context.Context) (*vtsync.CheckReport, error) {
	s, err := r.newSyncer(r.now())
	if err != nil {
		return nil, err
	}
	return s.Check(ctx)
}

// Release lets the next run retry operations held as needing a person.
func (r *Runner) Release(ctx context.Context, key string) error {
	r.work.Lock()
	defer r.work.Unlock()
	s, err := r.newSyncer(r.now())
	if err != nil {
		return err
	}
	return s.Release(ctx, key)
}

// ErrNotFound means an action named something the console no longer has
// (a held plan already applied, a conflict already resolved).
var ErrNotFound = errors.New("not found: it may have been dealt with already; reload the page")

// Resolve answers one result conflict. "ours" writes the result vtsync
// proposed, over the one in VETtrak (VETtrak's current value is checked
// first, as for every result write); "vettrak" keeps VETtrak's and stops
// asking, until what vtsync would propose changes.
func (r *Runner) Resolve(ctx context.Context, key, choice string) error {
	c, ok := r.conflict(key)
	if !ok {
		return ErrNotFound
	}
	d := Decision{Key: key, Choice: choice, Current: c.Current, At: r.now()}
	if c.Proposed != nil {
		d.Proposed = c.Proposed.ResultName
	}
	switch choice {
	case ChoiceVETtrak:
	case ChoiceOurs:
		if c.Proposed == nil {
			return fmt.Errorf("conflict %s has no result of ours to write; fix it in VETtrak", key)
		}
		r.work.Lock()
		s, err := r.newSyncer(r.now())
		if err == nil {
			w := *c.Proposed
			w.Reason = "accepted in the console over VETtrak's " + quoteOr(c.Current) + ": " + w.Reason
			op := vtsync.Op{Kind: vtsync.OpWriteResult, Key: string(vtsync.OpWriteResult) + ":" + w.Key(),
				Scope: "result:" + w.Key(), Reason: w.Reason, Result: &w}
			plan := &vtsync.Plan{CreatedAt: r.now(), Workflow: s.Config().Mapping.Workflow, Ops: []vtsync.Op{op}}
			var rep *vtsync.Report
			rep, err = s.Apply(ctx, plan)
			if err == nil && rep != nil && len(rep.Failures) > 0 {
				err = errors.New(rep.Failures[0].Error)
			}
		}
		r.work.Unlock()
		if err != nil {
			return fmt.Errorf("write the result: %w", err)
		}
	default:
		return fmt.Errorf("choice %q is not %s or %s", choice, ChoiceOurs, ChoiceVETtrak)
	}
	if err := r.decisions.Put(ctx, key, d); err != nil {
		return err
	}
	r.mu.Lock()
	r.conflicts = slices.DeleteFunc(slices.Clone(r.conflicts), func(c mapping.Conflict) bool { return c.Key() == key })
	r.mu.Unlock()
	return nil
}

func quoteOr(s string) string {
	if s == "" {
		return "(no result)"
	}
	return fmt.Sprintf("%q", s)
}

func (r *Runner) conflict(key string) (mapping.Conflict, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conflicts {
		if c.Key() == key {
			return c, true
		}
	}
	return mapping.Conflict{}, false
}

// Conflicts is the review list: the last run's conflicts a person has not
// answered (or whose proposal changed since they answered).
func (r *Runner) Conflicts(ctx context.Context) []mapping.Conflict {
	r.mu.Lock()
	cs := slices.Clone(r.conflicts)
	r.mu.Unlock()
	return slices.DeleteFunc(cs, func(c mapping.Conflict) bool {
		d, err := r.decisions.Get(ctx, c.Key())
		if err != nil {
			return false
		}
		proposed := ""
		if c.Proposed != nil {
			proposed = c.Proposed.ResultName
		}
		return d.Proposed == proposed && d.Current == c.Current
	})
}

// Runs returns the runs remembered, newest first.
func (r *Runner) Runs() []Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs)
}

// RunByNumber returns run n.
func (r *Runner) RunByNumber(n int) (Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, run := range r.runs {
		if run.N == n {
			return run, true
		}
	}
	return Run{}, false
}

// Held returns the plan waiting for approval, or nil.
func (r *Runner) Held() *Held {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held
}

// Names returns the names from the latest plan.
func (r *Runner) Names() vtsync.Names {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.names
}

func (r *Runner) setNames(p *vtsync.Plan) {
	n := p.Names()
	r.mu.Lock()
	r.names = n
	r.mu.Unlock()
}

// record finishes a run: its status, its per-course changes, and the
// review list it left.
func (r *Runner) record(run Run, p *vtsync.Plan, rep *vtsync.Report, err error) Run {
	run.Finished = r.now()
	run.Report = rep
	run.Courses = []CourseChanges{}
	switch {
	case err == nil && rep != nil && len(rep.Failures) > 0:
		run.Status = StatusFailures
	case err == nil:
		run.Status = StatusOK
	case errors.Is(err, vtsync.ErrHold):
		run.Status = StatusHeld
		run.Error = "held by a safety limit; nothing was changed: review the plan and approve it in the console"
		if p != nil {
			var holds []string
			for _, h := range p.Holds {
				holds = append(holds, h.String())
			}
			run.Error = "held by a safety limit (" + strings.Join(holds, "; ") + "); nothing was changed: review the plan and approve it in the console"
		}
	case errors.Is(err, context.Canceled):
		run.Status = StatusInterrupted
		run.Error = err.Error()
	default:
		run.Status = StatusError
		run.Error = err.Error()
	}
	if p != nil && rep != nil {
		run.Courses = perCourse(p, rep)
	}
	r.mu.Lock()
	r.n++
	run.N = r.n
	r.runs = append([]Run{run}, r.runs...)
	if len(r.runs) > maxRuns {
		r.runs = r.runs[:maxRuns]
	}
	if rep != nil {
		r.conflicts = rep.Conflicts
	} else if p != nil {
		r.conflicts = p.Conflicts
	}
	r.mu.Unlock()
	if r.onRun != nil {
		r.onRun(run)
	}
	return run
}

// perCourse counts a run's changes per course, in words, from the plan
// it applied less what failed or was skipped.
func perCourse(p *vtsync.Plan, rep *vtsync.Report) []CourseChanges {
	names := p.Names()
	notDone := map[string]bool{}
	for _, f := range slices.Concat(rep.Failures, rep.Skipped) {
		notDone[f.Key] = true
	}
	by := map[string]*CourseChanges{}
	var order []string
	for _, op := range p.Ops {
		course := CourseOf(op, names)
		c, ok := by[course]
		if !ok {
			c = &CourseChanges{Course: course, Changes: map[string]int{}}
			by[course] = c
			order = append(order, course)
		}
		if notDone[op.Key] {
			c.Failed++
			continue
		}
		c.Changes[OpWords(op.Kind)]++
	}
	slices.Sort(order)
	out := make([]CourseChanges, 0, len(order))
	for _, k := range order {
		out = append(out, *by[k])
	}
	return out
}

// CourseOf names the course an operation belongs to, or where it goes
// when it belongs to none.
func CourseOf(op vtsync.Op, n vtsync.Names) string {
	if op.Result == nil {
		switch {
		case op.User != nil:
			return "People (LMS accounts)"
		case op.Kind.IsVETtrakWrite():
			return "VETtrak records"
		}
	}
	id := courseID(op, n)
	if id == "" {
		return "Other"
	}
	return nameOr(n.Courses, id)
}

// OpWords is an operation kind as a person says it.
func OpWords(k vtsync.OpKind) string {
	switch k {
	case vtsync.OpCreateCourse:
		return "courses created"
	case vtsync.OpUpdateCourse:
		return "courses updated"
	case vtsync.OpCreateSection:
		return "sections created"
	case vtsync.OpUpdateSection:
		return "sections updated"
	case vtsync.OpCreateGroup:
		return "groups created"
	case vtsync.OpUpdateGroup:
		return "groups updated"
	case vtsync.OpCreateUser:
		return "accounts created"
	case vtsync.OpUpdateUser:
		return "accounts updated"
	case vtsync.OpEnrol:
		return "people enrolled"
	case vtsync.OpUnenrol:
		return "people unenrolled"
	case vtsync.OpAddMember:
		return "placed in groups"
	case vtsync.OpRemoveMember:
		return "removed from groups"
	case vtsync.OpWriteResult:
		return "results written to VETtrak"
	case vtsync.OpWriteComment:
		return "comments written to VETtrak"
	case vtsync.OpMarkEnrolment:
		return "enrolments marked transferred"
	case vtsync.OpMarkOccurrence:
		return "occurrences marked transferred"
	}
	return string(k)
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// MarshalRuns is the runs as JSON, for the CLI's status file.
func MarshalRuns(runs []Run) ([]byte, error) { return json.MarshalIndent(runs, "", "  ") }
