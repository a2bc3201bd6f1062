package sync_test

import (
	"fmt"
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

// A withdrawal costs one Canvas call per enrollment it ends, the DELETE:
// the unenrol op carries the enrollment ID the run's ReadState observed
// (diff.go), so canvaslms finds nothing to list. The run's reads are
// those of a no-op re-sync.
func TestWithdrawalCostsOneCanvasCallPerEnrollment(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	r.cfg.Mapping.CreateMissingCourses = true
	srv := canvastest.NewServer()
	t.Cleanup(srv.Close)
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}))
	require.NoError(t, err)
	target, err := canvaslms.New(c, canvaslms.WithCourseCacheTTL(0))
	require.NoError(t, err)
	calls := func() map[string]int {
		out := map[string]int{}
		for _, call := range srv.CallLog() {
			out[call.Endpoint]++
		}
		return out
	}
	runOn(t, r, target)
	r.now = r.now.Add(time.Hour)
	srv.ResetCalls()
	require.Zero(t, runOn(t, r, target).Changes())
	noop := calls()

	ens := data.EnrolmentsOf(data.Occurrences()[0])
	require.NotEmpty(t, ens)
	require.NoError(t, data.Withdraw(ens[0].ID, "Withdrawn"))
	r.now = r.now.Add(time.Hour)
	srv.ResetCalls()
	rep := runOn(t, r, target)
	ended := rep.Removed[vtsync.ObjectEnrolment]
	require.Positive(t, ended, "%+v", rep)
	got := calls()
	assert.Equal(t, ended, got["DELETE courses/{id}/enrollments/{id}"], "one DELETE per enrollment ended")
	delete(got, "DELETE courses/{id}/enrollments/{id}")
	for op, n := range got {
		assert.LessOrEqual(t, n, noop[op], fmt.Sprintf("%s: no read beyond a no-op re-sync's (%v)", op, noop))
	}
}
