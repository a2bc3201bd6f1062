package sync_test

import (
	"context"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// fakeClock is a clock the test moves, safe for the Syncer's goroutines.
type fakeClock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// slowLMS takes (fake) time to list courses, read evidence and create
// courses.
type slowLMS struct {
	*memlms.LMS
	clock *fakeClock
}

func (l *slowLMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	l.clock.Advance(300 * time.Millisecond)
	return l.LMS.ListCourses(ctx)
}

func (l *slowLMS) ReadEvidence(ctx context.Context, courseSISID string) (*lms.Evidence, error) {
	l.clock.Advance(100 * time.Millisecond)
	return l.LMS.ReadEvidence(ctx, courseSISID)
}

func (l *slowLMS) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	l.clock.Advance(200 * time.Millisecond)
	return l.LMS.CreateCourse(ctx, c)
}

// Run's report covers the whole run, with each phase's time: a run whose
// observe takes 0.3 s reports at least that, not the apply alone.
func TestRunReportCoversTheWholeRun(t *testing.T) {
	r := newRig(t, mapping.WorkflowCourse, vettraktest.SeedWalkthrough())
	clock := &fakeClock{t: r.now}
	s, err := vtsync.New(r.api, &slowLMS{LMS: r.lms, clock: clock}, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(clock.Now))
	require.NoError(t, err)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	created := rep.Created["course"]
	require.Positive(t, created)

	want := 0.3 + 0.3*float64(created) // list, then per course: evidence and create
	assert.GreaterOrEqual(t, rep.Seconds, want, "the run took at least the listing and the creates")
	assert.InDelta(t, 0.3, rep.PhaseSeconds[vtsync.PhaseObserve], 1e-9)
	assert.InDelta(t, 0.2*float64(created), rep.PhaseSeconds[vtsync.PhaseApply], 1e-9)
	assert.Contains(t, rep.PhaseSeconds, vtsync.PhasePlan)
	assert.InDelta(t, 0.1*float64(created), rep.PhaseSeconds[vtsync.PhaseResults], 1e-9, "one evidence read per course")
	var sum float64
	for _, v := range rep.PhaseSeconds {
		sum += v
	}
	assert.InDelta(t, rep.Seconds, sum, 1e-9, "the phases make up the run")
	assert.Equal(t, r.now, rep.StartedAt, "the report starts when the run does")
}
