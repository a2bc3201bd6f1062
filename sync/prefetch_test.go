package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Plan.Observed keys of the prefetch (prefetch.go).
const (
	obsPrefetched = "lms_courses_prefetched"
	obsUnused     = "lms_courses_prefetched_unused"
	obsFailed     = "lms_courses_prefetch_failed"
)

// prefetchRig is a generated provider of several courses, synced once into
// the LMS kind named ("memlms" or "canvas"); for canvas it also returns the
// fake server.
func prefetchRig(t *testing.T, kind string, w mapping.Workflow) (*rig, lms.LMS, *canvastest.Server) {
	t.Helper()
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 3, Units: 3, Learners: 24, EnrolledUnits: 48, Staff: 3})
	require.NoError(t, err)
	r := newRig(t, w, data)
	r.cfg.Mapping.CreateMissingCourses = true
	var target lms.LMS = r.lms
	var srv *canvastest.Server
	if kind == "canvas" {
		srv = canvastest.NewServer()
		t.Cleanup(srv.Close)
		c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}))
		require.NoError(t, err)
		target, err = canvaslms.New(c)
		require.NoError(t, err)
	}
	return r, target, srv
}

// runWith runs one sync on target and requires it clean.
func runWith(t *testing.T, r *rig, target lms.LMS, src vtsync.Source) *vtsync.Report {
	t.Helper()
	s, err := vtsync.New(src, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.Empty(t, rep.Failures, "failures: %+v", rep.Failures)
	return rep
}

// forgetLMSRead deletes the prefetch's record: the next run reads as
// before prefetching existed.
func forgetLMSRead(t *testing.T, r *rig) {
	t.Helper()
	err := r.st.Delete(t.Context(), vtsync.BucketLMSRead, vtsync.LMSReadKey)
	require.NoError(t, err)
}

// lmsRead returns the prefetch's record as stored.
func lmsRead(t *testing.T, r *rig) (courses []string, skipGroups bool) {
	t.Helper()
	raw, err := r.st.Get(t.Context(), vtsync.BucketLMSRead, vtsync.LMSReadKey)
	require.NoError(t, err)
	var rec struct {
		Courses    []string `json:"courses"`
		SkipGroups bool     `json:"skip_groups"`
	}
	require.NoError(t, json.Unmarshal(raw, &rec))
	return rec.Courses, rec.SkipGroups
}

func setLMSRead(t *testing.T, r *rig, courses []string, skipGroups bool) {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"courses": courses, "skip_groups": skipGroups})
	require.NoError(t, err)
	require.NoError(t, r.st.Put(t.Context(), vtsync.BucketLMSRead, vtsync.LMSReadKey, raw))
}

// delta changes VETtrak a little: one withdrawal, one rename.
func delta(t *testing.T, r *rig) {
	t.Helper()
	d := r.vt.Data()
	enrols := d.EnrolmentsOf(d.Occurrences()[0])
	require.GreaterOrEqual(t, len(enrols), 2)
	require.NoError(t, d.Withdraw(enrols[0].ID, "Withdrawn"))
	require.NoError(t, d.RenameClient(enrols[1].ClientCode, "Renata", "Renamed"))
	r.now = time.Now().Add(time.Hour) // the fake stamps changes with its real clock
}

// lmsCalls are the LMS calls since the last reset, by endpoint (canvas)
// or method (memlms), and resets them.
func lmsCalls(r *rig, srv *canvastest.Server) map[string]int {
	out := map[string]int{}
	if srv != nil {
		for _, c := range srv.CallLog() {
			out[c.Endpoint]++
		}
		srv.ResetCalls()
		return out
	}
	for m, n := range r.lms.Calls().ByMethod {
		out[string(m)] = n
	}
	r.lms.ResetCalls()
	return out
}

// Prefetching changes no LMS call count: the initial sync (nothing to
// prefetch), a no-op and a delta re-sync make, call for call by endpoint,
// the calls of a Syncer that reads as before (its record deleted before
// every run), on the fake Canvas and on memlms.
func TestPrefetchKeepsCallCounts(t *testing.T) {
	for _, kind := range []string{"memlms", "canvas"} {
		for _, w := range []mapping.Workflow{mapping.WorkflowUnit, mapping.WorkflowOccurrenceGroups} {
			t.Run(kind+"/"+string(w), func(t *testing.T) {
				t.Parallel() // the canvas fake's bulk import polls: waiting, not work
				with, withLMS, withSrv := prefetchRig(t, kind, w)
				without, withoutLMS, withoutSrv := prefetchRig(t, kind, w)
				for _, step := range []string{"initial", "noop", "delta"} {
					if step == "delta" {
						delta(t, with)
						delta(t, without)
					} else {
						with.now = with.now.Add(time.Hour)
						without.now = without.now.Add(time.Hour)
					}
					forgetLMSRead(t, without)
					repWith := runWith(t, with, withLMS, with.api)
					repWithout := runWith(t, without, withoutLMS, without.api)
					assert.Equal(t, lmsCalls(without, withoutSrv), lmsCalls(with, withSrv), step)
					assert.Equal(t, repWithout.Changes(), repWith.Changes(), step)
					if step == "delta" {
						assert.Positive(t, repWith.Changes(), "the delta changes something")
					}
				}
			})
		}
	}
}

// signalLMS closes seen when the LMS is first asked method.
type signalLMS struct {
	lms.LMS
	method string
	seen   chan struct{}
	once   gosync.Once
}

func (l *signalLMS) saw(m string) {
	if m == l.method {
		l.once.Do(func() { close(l.seen) })
	}
}

func (l *signalLMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	l.saw("ListCourses")
	return l.LMS.ListCourses(ctx)
}

func (l *signalLMS) ReadState(ctx context.Context, ids []string) (*lms.State, error) {
	l.saw("ReadState")
	return l.LMS.ReadState(ctx, ids)
}

// waitingSource's enrolment reads wait until the LMS has been asked for
// something: they can only finish when the LMS read runs beside them.
type waitingSource struct {
	vtsync.Source
	lmsAsked <-chan struct{}
}

func (s *waitingSource) EnrolmentsForOccurrence(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
	select {
	case <-s.lmsAsked:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Source.EnrolmentsForOccurrence(ctx, id)
}

// A re-sync reads the LMS while VETtrak is still being read: VETtrak's
// enrolment reads here wait for the LMS to be asked for the course list
// (or the state of the courses the last run read), which without overlap
// is only after every VETtrak read, so they would wait out the deadline.
func TestPrefetchOverlapsVETtrakReads(t *testing.T) {
	for _, method := range []string{"ListCourses", "ReadState"} {
		t.Run(method, func(t *testing.T) {
			r, _, _ := prefetchRig(t, "memlms", mapping.WorkflowUnit)
			runWith(t, r, r.lms, r.api) // the initial sync: nothing to prefetch
			r.now = r.now.Add(time.Hour)

			target := &signalLMS{LMS: r.lms, method: method, seen: make(chan struct{})}
			s, err := vtsync.New(&waitingSource{Source: r.api, lmsAsked: target.seen}, target, r.cfg,
				vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second) // a failure, not a hang
			defer cancel()
			p, err := s.Plan(ctx)
			require.NoError(t, err)
			require.Empty(t, p.ReadFailures, "enrolment reads waited out the deadline: no overlap")
			assert.Positive(t, p.Observed["enrolments"])
			assert.Positive(t, p.Observed[obsPrefetched])
			assert.Empty(t, p.Ops, "a no-op re-sync")
		})
	}
}

// stallLMS's method waits until its context is cancelled, counting the
// calls still inside it.
type stallLMS struct {
	lms.LMS
	method   string
	entered  chan struct{}
	once     gosync.Once
	inside   atomic.Int32
	canceled atomic.Bool
}

func (l *stallLMS) stall(ctx context.Context, m string) error {
	if m != l.method {
		return nil
	}
	l.inside.Add(1)
	defer l.inside.Add(-1)
	l.once.Do(func() { close(l.entered) })
	<-ctx.Done()
	l.canceled.Store(true)
	return ctx.Err()
}

func (l *stallLMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	if err := l.stall(ctx, "ListCourses"); err != nil {
		return nil, err
	}
	return l.LMS.ListCourses(ctx)
}

func (l *stallLMS) ReadState(ctx context.Context, ids []string) (*lms.State, error) {
	if err := l.stall(ctx, "ReadState"); err != nil {
		return nil, err
	}
	return l.LMS.ReadState(ctx, ids)
}

// failingSource fails the occurrence search once the LMS prefetch is
// inside the LMS.
type failingSource struct {
	vtsync.Source
	lmsInside <-chan struct{}
}

var errVETtrakDown = errors.New("vettrak down")

func (s *failingSource) SearchOccurrences(ctx context.Context, q vettrak.OccurrenceQuery) ([]vettrak.Occurrence, error) {
	select {
	case <-s.lmsInside:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, errVETtrakDown
}

// A VETtrak failure cancels the prefetch, and Plan returns only after its
// LMS call has ended: nothing is left running.
func TestPrefetchCancelledWhenVETtrakFails(t *testing.T) {
	for _, method := range []string{"ListCourses", "ReadState"} {
		t.Run(method, func(t *testing.T) {
			r, _, _ := prefetchRig(t, "memlms", mapping.WorkflowUnit)
			runWith(t, r, r.lms, r.api)
			r.now = r.now.Add(time.Hour)

			target := &stallLMS{LMS: r.lms, method: method, entered: make(chan struct{})}
			s, err := vtsync.New(&failingSource{Source: r.api, lmsInside: target.entered}, target, r.cfg,
				vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			_, err = s.Plan(ctx)
			require.ErrorIs(t, err, errVETtrakDown)
			require.NoError(t, ctx.Err(), "Plan returned on the failure, not on the deadline")
			assert.True(t, target.canceled.Load(), "the prefetch was cancelled")
			assert.Zero(t, target.inside.Load(), "no LMS call outlives Plan")
		})
	}
}

// Whatever was prefetched, the plan is the one a read without prefetch
// makes: a course prefetched that the plan does not need is ignored
// (counted), a course needed and not prefetched is read, a prefetch that
// failed is read again, one read without the groups the plan wants is not
// used.
func TestPrefetchGivesTheSamePlan(t *testing.T) {
	type tc struct {
		name string
		// shape sets what the next plan prefetches, from the courses the
		// last plan read.
		shape func(t *testing.T, r *rig, target lms.LMS, srv *canvastest.Server, read []string)
		// prefetched, unused, failed are the Observed counts, as functions
		// of the number of courses read.
		prefetched, unused, failed func(n int) int
	}
	same := func(n int) int { return n }
	zero := func(int) int { return 0 }
	one := func(int) int { return 1 }
	cases := []tc{
		{name: "as last time", shape: func(*testing.T, *rig, lms.LMS, *canvastest.Server, []string) {},
			prefetched: same, unused: zero, failed: zero},
		{name: "a course not needed",
			shape: func(t *testing.T, r *rig, target lms.LMS, _ *canvastest.Server, read []string) {
				// A course with an enrolment of one of the provider's
				// learners, which the plan does not map to.
				st, err := target.ReadState(t.Context(), read[:1])
				require.NoError(t, err)
				require.NotEmpty(t, st.Enrolments)
				_, err = target.CreateCourse(t.Context(), lms.Course{SISID: "vt-stray", Name: "Stray", Code: "STRAY1"})
				require.NoError(t, err)
				_, err = target.Enrol(t.Context(), lms.Enrolment{UserSISID: st.Enrolments[0].UserSISID, CourseSISID: "vt-stray",
					Role: lms.RoleStudent, Status: lms.StatusActive})
				require.NoError(t, err)
				setLMSRead(t, r, append(append([]string{}, read...), "vt-stray"), false)
			},
			prefetched: same, unused: one, failed: zero},
		{name: "a course needed, not prefetched",
			shape: func(t *testing.T, r *rig, _ lms.LMS, _ *canvastest.Server, read []string) {
				setLMSRead(t, r, read[1:], false)
			},
			prefetched: func(n int) int { return n - 1 }, unused: zero, failed: zero},
		{name: "prefetch fails",
			shape: func(t *testing.T, r *rig, _ lms.LMS, srv *canvastest.Server, _ []string) {
				if srv != nil {
					srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}/enrollments", Times: 1, Status: 400})
					return
				}
				r.lms.FailNext(memlms.ReadState, 1, errors.New("lms down"))
			},
			prefetched: zero, unused: zero, failed: same},
	}
	for _, kind := range []string{"memlms", "canvas"} {
		for _, w := range []mapping.Workflow{mapping.WorkflowUnit, mapping.WorkflowOccurrenceGroups} {
			for _, c := range cases {
				t.Run(fmt.Sprintf("%s/%s/%s", kind, w, c.name), func(t *testing.T) {
					t.Parallel()
					r, target, srv := prefetchRig(t, kind, w)
					runWith(t, r, target, r.api)
					delta(t, r)
					s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
					require.NoError(t, err)

					read, skipGroups := lmsRead(t, r)
					require.Greater(t, len(read), 1, "several courses")
					forgetLMSRead(t, r)
					before, err := s.Plan(t.Context())
					require.NoError(t, err)
					require.NotEmpty(t, before.Ops)
					assert.Zero(t, before.Observed[obsPrefetched]+before.Observed[obsUnused]+before.Observed[obsFailed])

					setLMSRead(t, r, read, skipGroups)
					c.shape(t, r, target, srv, read)
					after, err := s.Plan(t.Context())
					require.NoError(t, err)
					n := len(read)
					assert.Equal(t, c.prefetched(n), after.Observed[obsPrefetched], "prefetched")
					assert.Equal(t, c.unused(n), after.Observed[obsUnused], "unused")
					assert.Equal(t, c.failed(n), after.Observed[obsFailed], "failed")

					assert.Equal(t, before.Ops, after.Ops)
					assert.Equal(t, before.Holds, after.Holds)
					assert.Equal(t, before.Unchanged, after.Unchanged)
					assert.Equal(t, before.Diagnostics, after.Diagnostics)
					obs := maps.Clone(after.Observed)
					delete(obs, obsPrefetched)
					delete(obs, obsUnused)
					delete(obs, obsFailed)
					assert.Equal(t, before.Observed, obs)
				})
			}
		}
	}
}

// A plan that wants groups does not use a prefetch read without them (an
// LMS that can leave groups out, canvas here): the courses are read again,
// with groups, and the plan is the same.
func TestPrefetchWithoutGroupsNotUsedForGroups(t *testing.T) {
	r, target, _ := prefetchRig(t, "canvas", mapping.WorkflowOccurrenceGroups)
	runWith(t, r, target, r.api)
	delta(t, r)
	s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	read, skipGroups := lmsRead(t, r)
	require.False(t, skipGroups, "the workflow makes groups")
	forgetLMSRead(t, r)
	before, err := s.Plan(t.Context())
	require.NoError(t, err)

	setLMSRead(t, r, read, true)
	after, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, len(read), after.Observed[obsUnused])
	assert.Zero(t, after.Observed[obsPrefetched])
	assert.Equal(t, before.Ops, after.Ops)
	assert.Equal(t, before.Unchanged, after.Unchanged)
}

// inFlightLMS counts the LMS reads in flight at once.
type inFlightLMS struct {
	lms.LMS
	inFlight
}

func (l *inFlightLMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	defer l.enter()()
	return l.LMS.ListCourses(ctx)
}

func (l *inFlightLMS) ReadState(ctx context.Context, ids []string) (*lms.State, error) {
	defer l.enter()()
	return l.LMS.ReadState(ctx, ids)
}

func (l *inFlightLMS) ReadUsers(ctx context.Context, ids []string) ([]lms.User, error) {
	defer l.enter()()
	return l.LMS.ReadUsers(ctx, ids)
}

func (l *inFlightLMS) ReadEvidence(ctx context.Context, course string) (*lms.Evidence, error) {
	defer l.enter()()
	return l.LMS.ReadEvidence(ctx, course)
}

// The prefetch adds no LMS worker: with one (WithConcurrency(1)), a
// re-sync that prefetches still has one LMS read in flight at a time,
// however many VETtrak reads run beside it.
func TestPrefetchKeepsTheLMSWorkers(t *testing.T) {
	r, _, _ := prefetchRig(t, "memlms", mapping.WorkflowUnit)
	runWith(t, r, r.lms, r.api)
	delta(t, r)
	target := &inFlightLMS{LMS: r.lms}
	s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }),
		vtsync.WithConcurrency(1), vtsync.WithVETtrakConcurrency(4))
	require.NoError(t, err)
	p, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Positive(t, p.Observed[obsPrefetched])
	assert.Equal(t, 1, target.most, "LMS reads in flight at once")
}
