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
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// providerOnCanvas is a 40-learner provider and a fake Canvas account that
// also holds unrelated users, with the LMS on it (no course cache, so
// every run reads what a run hours apart would).
func providerOnCanvas(t *testing.T, unrelated int) (*rig, *vettraktest.Dataset, *canvastest.Server, *canvaslms.LMS) {
	t.Helper()
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	r.cfg.Mapping.CreateMissingCourses = true
	srv := canvastest.NewServer()
	t.Cleanup(srv.Close)
	for i := range unrelated {
		srv.SeedUser(canvastest.User{Name: fmt.Sprintf("Other %d", i), LoginID: fmt.Sprintf("other%d@example.com", i), SISUserID: fmt.Sprintf("other/%d", i)})
	}
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}))
	require.NoError(t, err)
	target, err := canvaslms.New(c, canvaslms.WithCourseCacheTTL(0))
	require.NoError(t, err)
	return r, data, srv, target
}

// callsByEndpoint counts the fake Canvas's logged calls by endpoint.
func callsByEndpoint(srv *canvastest.Server) map[string]int {
	calls := map[string]int{}
	for _, call := range srv.CallLog() {
		calls[call.Endpoint]++
	}
	return calls
}

// noopCanvasCalls syncs the provider into Canvas, then returns the Canvas
// calls of a no-op re-sync, by endpoint, from the fake's call log.
func noopCanvasCalls(t *testing.T, unrelated int) map[string]int {
	t.Helper()
	r, _, srv, target := providerOnCanvas(t, unrelated)
	first := runOn(t, r, target)
	require.Positive(t, first.Created["user"])
	r.now = r.now.Add(time.Hour)
	srv.ResetCalls()
	second := runOn(t, r, target)
	require.Zero(t, second.Changes())
	return callsByEndpoint(srv)
}

// A no-op re-sync reads no more of Canvas when the account holds 10× more
// unrelated users than the provider: it looks up no user whose VETtrak
// record is unchanged, so it lists no account users at all.
func TestNoopReadsDoNotGrowWithTheAccount(t *testing.T) {
	alone := noopCanvasCalls(t, 0)
	shared := noopCanvasCalls(t, 400)
	t.Logf("no-op re-sync Canvas calls: %v (alone), %v (400 unrelated users)", alone, shared)
	assert.Equal(t, alone, shared)
	for op := range shared {
		assert.NotContains(t, op, "accounts/{id}/users", "no listing of the account's users")
		assert.NotContains(t, op, "GET users/", "no per-user lookup")
	}
}
