package sync_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

// ReportResults reads evidence, not structure: it writes only results, so
// the course's sections, groups, memberships and users, which a structure
// run reads to diff them, are not read at all.
func TestReportResultsReadsNoStructure(t *testing.T) {
	r, srv, target := canvasRig(t, mapping.WorkflowOccurrenceGroups)
	runOn(t, r, target)
	srv.ResetCalls()
	s, err := vtsync.New(r.api, target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.ReportResults(t.Context())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	calls := srv.Calls()
	t.Logf("ReportResults Canvas calls: %v", calls)
	for _, op := range []string{"GET courses/{id}/sections", "GET courses/{id}/groups", "GET groups/{id}/memberships", "GET users/{id}", "GET accounts/{id}/users"} {
		assert.Zero(t, calls[op], op)
	}
	assert.Equal(t, 1, calls["GET courses/{id}/assignments"], "evidence is still read")
	assert.Equal(t, 1, calls["GET courses/{id}/enrollments"], "one enrollments listing: the evidence's, not also the structure's")
}
