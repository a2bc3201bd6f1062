package sync_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	vtsync "github.com/vtsync/vtsync/sync"
)

// A withdrawal costs one Canvas call per enrollment it ends, the DELETE:
// the unenrol op carries the enrollment ID the run's ReadState observed
// (diff.go), so canvaslms finds nothing to list. The run's reads are
// those of a no-op re-sync.
func TestWithdrawalCostsOneCanvasCallPerEnrollment(t *testing.T) {
	r, data, srv, target := providerOnCanvas(t, 0)
	runOn(t, r, target)
	r.now = r.now.Add(time.Hour)
	srv.ResetCalls()
	require.Zero(t, runOn(t, r, target).Changes())
	noop := callsByEndpoint(srv)

	ens := data.EnrolmentsOf(data.Occurrences()[0])
	require.NotEmpty(t, ens)
	require.NoError(t, data.Withdraw(ens[0].ID, "Withdrawn"))
	r.now = r.now.Add(time.Hour)
	srv.ResetCalls()
	rep := runOn(t, r, target)
	ended := rep.Removed[vtsync.ObjectEnrolment]
	require.Positive(t, ended, "%+v", rep)
	got := callsByEndpoint(srv)
	assert.Equal(t, ended, got["DELETE courses/{id}/enrollments/{id}"], "one DELETE per enrollment ended")
	delete(got, "DELETE courses/{id}/enrollments/{id}")
	for op, n := range got {
		assert.LessOrEqual(t, n, noop[op], fmt.Sprintf("%s: no read beyond a no-op re-sync's (%v)", op, noop))
	}
}
