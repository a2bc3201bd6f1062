package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// rig is a Syncer on the fake VETtrak and the in-memory LMS.
type rig struct {
	vt  *vettraktest.Server
	api *vettrak.Client
	// src, when set, is the Source instead of api.
	src vtsync.Source
	lms *memlms.LMS
	st  store.Store
	cfg vtsync.Config
	now time.Time
	// clk, when set, is the fake VETtrak's clock, kept equal to now by tick.
	clk *vettraktest.Clock
}

func newRig(t *testing.T, w mapping.Workflow, data *vettraktest.Dataset) *rig {
	t.Helper()
	vt := vettraktest.NewTestServer(t, vettraktest.WithDataset(data))
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	cfg := vtsync.DefaultConfig(w)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	return &rig{vt: vt, api: api, lms: memlms.New(), st: store.NewMemory(), cfg: cfg,
		now: time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)}
}

func (r *rig) syncer(t *testing.T, opts ...vtsync.Option) *vtsync.Syncer {
	t.Helper()
	opts = append([]vtsync.Option{vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now })}, opts...)
	var src vtsync.Source = r.api
	if r.src != nil {
		src = r.src
	}
	s, err := vtsync.New(src, r.lms, r.cfg, opts...)
	require.NoError(t, err)
	return s
}

// syncerOn is syncer with another LMS in place of the rig's memlms.
func (r *rig) syncerOn(t *testing.T, target lms.LMS, opts ...vtsync.Option) *vtsync.Syncer {
	t.Helper()
	opts = append([]vtsync.Option{vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now })}, opts...)
	s, err := vtsync.New(r.api, target, r.cfg, opts...)
	require.NoError(t, err)
	return s
}

func (r *rig) run(t *testing.T) *vtsync.Report {
	t.Helper()
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures, "failures: %+v", rep.Failures)
	return rep
}

func groupMembers(st lms.State) map[string][]string {
	names := map[string]string{}
	for _, g := range st.Groups {
		names[g.SISID] = g.Name
	}
	given := map[string]string{}
	for _, u := range st.Users {
		given[u.SISID] = u.GivenName
	}
	out := map[string][]string{}
	for _, m := range st.Memberships {
		if m.Status == lms.StatusActive {
			out[names[m.GroupSISID]] = append(out[names[m.GroupSISID]], given[m.UserSISID])
		}
	}
	return out
}

func TestWalkthroughOccurrenceGroups(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)

	first := r.run(t)
	st := r.lms.Dump()
	require.Len(t, st.Courses, 1, "the LMS's own course is used, not a new one")
	assert.Equal(t, "IST101", st.Courses[0].Code)
	assert.ElementsMatch(t, []string{"Term 1", "Term 2"}, names(st.Groups))
	members := groupMembers(st)
	assert.ElementsMatch(t, []string{"John", "Julie"}, members["Term 1"])
	assert.ElementsMatch(t, []string{"Bob", "Barbara"}, members["Term 2"])
	assert.Equal(t, 2, first.Created["group"])
	assert.Positive(t, first.Created["user"])

	// A second run plans nothing and writes nothing on either side.
	r.lms.ResetCalls()
	before := r.vt.Calls()
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops, "second plan: %+v", plan.Ops)
	second := r.run(t)
	assert.Zero(t, second.Changes())
	assert.Zero(t, r.lms.Calls().Writes, "LMS writes on a no-op run: %s", r.lms.Calls())
	for _, c := range r.vt.Calls()[len(before):] {
		assert.NotContains(t, []string{"UpdateResult", "UpdateResultComment", "UpdateLMSEnrolmentStatus", "UpdateLMSOccurrenceStatus"}, c.Op)
	}
}

func names(gs []lms.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}
