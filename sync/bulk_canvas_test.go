package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/lms/lmstest"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// bulkCanvasRig is the walkthrough on the fake Canvas with the bulk path
// on at a threshold the walkthrough passes, and SIS imports that take
// polls to finish.
func bulkCanvasRig(t *testing.T, mode canvaslms.GroupMode) (*rig, *canvastest.Server, *canvaslms.LMS) {
	t.Helper()
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.Bulk = vtsync.Bulk{Threshold: 5}
	srv := canvastest.NewServer(canvastest.WithSISImportPolls(3))
	t.Cleanup(srv.Close)
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 10, MinWait: 5 * time.Millisecond, MaxWait: 50 * time.Millisecond}))
	require.NoError(t, err)
	target, err := canvaslms.New(c, canvaslms.WithGroupsAs(mode), canvaslms.WithBulkPollInterval(time.Millisecond))
	require.NoError(t, err)
	srv.SeedCourse(canvastest.Course{Name: "Introduction to Statistics", CourseCode: "IST101"})
	return r, srv, target
}

// canvasState is everything the LMS reads back, without Canvas's IDs, in
// a stable order.
func canvasState(t *testing.T, l *canvaslms.LMS) lms.State {
	t.Helper()
	cs, err := l.ListCourses(t.Context())
	require.NoError(t, err)
	var ids []string
	for _, c := range cs {
		if c.SISID != "" {
			ids = append(ids, c.SISID)
		}
	}
	st, err := l.ReadState(t.Context(), ids)
	require.NoError(t, err)
	return lmstest.Comparable(*st)
}

// The first sync goes to Canvas as one SIS import, and lands what the
// REST path lands.
func TestBulkRunOnCanvas(t *testing.T) {
	for _, mode := range []canvaslms.GroupMode{canvaslms.GroupsAsGroups, canvaslms.GroupsAsSections} {
		t.Run(mode.String(), func(t *testing.T) {
			rest, _, restLMS := bulkCanvasRig(t, mode)
			rest.cfg.Bulk.Off = true
			runOn(t, rest, restLMS)

			r, srv, target := bulkCanvasRig(t, mode)
			var progress []string
			s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }),
				vtsync.WithProgress(func(p vtsync.Progress) { progress = append(progress, p.Item) }))
			require.NoError(t, err)
			rep, err := s.Run(t.Context())
			require.NoError(t, err)
			require.Empty(t, rep.Failures)
			calls := srv.Calls()
			assert.Equal(t, 1, calls["POST accounts/{id}/sis_imports"], "%v", calls)
			for op, n := range calls {
				if strings.HasPrefix(op, "POST") || strings.HasPrefix(op, "PUT") {
					// The adoption of the LMS's own course is by Canvas ID,
					// which courses.csv cannot name.
					assert.Contains(t, []string{"POST accounts/{id}/sis_imports", "PUT courses/{id}"}, op, "a write outside the import (%d)", n)
				}
			}
			assert.Contains(t, progress, "bulk importing 25%", "the import is polled with progress")
			assert.Equal(t, canvasState(t, restLMS), canvasState(t, target))

			second := runOn(t, r, target)
			assert.Zero(t, second.Changes())
		})
	}
}

// A run cancelled while its SIS import runs records nothing the import did
// not confirm; the next run converges on the state a clean run makes,
// whether the import finished meanwhile or not, with no duplicates.
func TestBulkCrashMidImportConverges(t *testing.T) {
	clean, _, cleanLMS := bulkCanvasRig(t, canvaslms.GroupsAsGroups)
	runOn(t, clean, cleanLMS)
	want := canvasState(t, cleanLMS)

	for _, finished := range []bool{true, false} {
		t.Run(map[bool]string{true: "import finished after the crash", false: "import still running"}[finished], func(t *testing.T) {
			r, srv, target := bulkCanvasRig(t, canvaslms.GroupsAsGroups)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }),
				vtsync.WithProgress(func(p vtsync.Progress) {
					if strings.HasPrefix(p.Item, "bulk importing") {
						cancel()
					}
				}))
			require.NoError(t, err)
			rep, err := s.Run(ctx)
			require.ErrorIs(t, err, context.Canceled)
			assert.Zero(t, rep.Created["enrolment"]+rep.Created["membership"]+rep.Created["user"], "nothing confirmed")
			assert.Zero(t, rep.Marked, "no VETtrak flag for an unconfirmed import")
			if finished {
				srv.ProcessSISImports()
			}

			runOn(t, r, target)
			assert.Equal(t, want, canvasState(t, target))
			bySIS := map[string]int{}
			for _, u := range srv.Users() {
				bySIS[u.SISUserID]++
			}
			for sis, n := range bySIS {
				assert.Equal(t, 1, n, "user %s", sis)
			}
			third := runOn(t, r, target)
			assert.Zero(t, third.Changes())
		})
	}
}
