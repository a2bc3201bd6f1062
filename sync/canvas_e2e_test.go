package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// canvasRig drives the fake Canvas through canvaslms.
// Client-side pacing is off, so throttling tests meet the fake's 403/429
// answers instead of waiting politely before them.
func canvasRig(t *testing.T, w mapping.Workflow, opts ...canvastest.Option) (*rig, *canvastest.Server, *canvaslms.LMS) {
	t.Helper()
	r := newRig(t, w, vettraktest.SeedWalkthrough())
	srv := canvastest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 10, MinWait: 5 * time.Millisecond, MaxWait: 50 * time.Millisecond}))
	require.NoError(t, err)
	target, err := canvaslms.New(c)
	require.NoError(t, err)
	if w == mapping.WorkflowOccurrenceGroups {
		srv.SeedCourse(canvastest.Course{Name: "Introduction to Statistics", CourseCode: "IST101"})
	}
	return r, srv, target
}

func runOn(t *testing.T, r *rig, target *canvaslms.LMS) *vtsync.Report {
	t.Helper()
	s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures, "failures: %+v", rep.Failures)
	return rep
}

// Every workflow on the fake Canvas: the walkthrough lands, and a second
// run makes no Canvas write at all.
func TestEveryWorkflowOnCanvas(t *testing.T) {
	for _, w := range []mapping.Workflow{mapping.WorkflowUnit, mapping.WorkflowModule, mapping.WorkflowSubject,
		mapping.WorkflowCourse, mapping.WorkflowOccurrenceGroups} {
		t.Run(string(w), func(t *testing.T) {
			r, srv, target := canvasRig(t, w)
			first := runOn(t, r, target)
			assert.Positive(t, first.Changes())
			assert.Positive(t, first.Calls["lms"].Writes, "Canvas calls are counted")
			for _, sis := range []string{"vt-u-10001", "vt-u-10002", "vt-u-10003", "vt-u-10004"} {
				_, ok := srv.UserBySISID(sis)
				assert.True(t, ok, "learner %s in Canvas", sis)
			}

			second := runOn(t, r, target)
			assert.Zero(t, second.Changes())
			assert.Zero(t, second.Calls["lms"].Writes, "no Canvas write on a no-op run: %v", second.Calls["lms"].ByOp)
			if w != mapping.WorkflowOccurrenceGroups {
				assert.Zero(t, second.Calls["lms"].ByOp["GET courses/{id}/groups"], "a workflow without groups lists none")
			}
		})
	}
}

// Canvas throttling in either style is recovered and the run converges.
func TestCanvasThrottledRunConverges(t *testing.T) {
	for _, style := range []canvastest.ThrottleStyle{canvastest.Throttle403, canvastest.Throttle429} {
		// A small bucket that drains fast: two requests in flight overflow
		// it, and it recovers within a few retries.
		th := canvastest.Throttle{HighWater: 60, Outflow: 400, UpFront: 35, Cost: 5, Style: style}
		r, _, target := canvasRig(t, mapping.WorkflowUnit, canvastest.WithThrottle(th))
		first := runOn(t, r, target)
		assert.Positive(t, first.Calls["lms"].Failures, "the fake did throttle (%v)", style)
		second := runOn(t, r, target)
		assert.Zero(t, second.Changes())
	}
}

// Grades in Canvas come back to VETtrak once.
func TestCanvasResultsOnce(t *testing.T) {
	r, srv, target := canvasRig(t, mapping.WorkflowOccurrenceGroups)
	runOn(t, r, target)
	course, ok := srv.CourseBySISID("vt-unit-IST101")
	require.True(t, ok)
	john, ok := srv.UserBySISID("vt-u-10001")
	require.True(t, ok)
	require.True(t, srv.SetModuleRequirements(course.ID, 3))
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	require.True(t, srv.SetProgress(course.ID, john.ID, 3, &done))

	s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.ReportResults(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	assert.Equal(t, 1, rep.ResultsWritten)
	assert.Equal(t, "Competent", r.vt.Data().Results(3001)[0].ResultName)

	rep, err = s.ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, rep.ResultsWritten)
}
