// Package consoletest runs the web console over the fake VETtrak (the
// walkthrough) and an in-memory LMS, for the console's own tests and the
// browser test, with helpers that set up what the console shows: a result
// conflict, a held plan.
package consoletest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// World is the console on a test server.
type World struct {
	VT     *vettraktest.Server
	LMS    *memlms.LMS
	Runner *console.Runner
	URL    string // the console's root, no trailing slash
}

// New starts the console with login token over the walkthrough (the
// Occurrence-groups workflow, IST101 made by hand in the LMS) with safety
// limits that hold a single withdrawal. Times show in loc.
func New(t testing.TB, token string, loc *time.Location) *World {
	t.Helper()
	vt := vettraktest.NewTestServer(t)
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	m := memlms.New()
	_, err = m.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	cfg.Safety.MinBase = vtsync.Ptr(1)
	cfg.Safety.MaxRemoveShare = vtsync.Ptr(0.1)
	st := store.NewMemory()
	newSyncer := func(time.Time) (*vtsync.Syncer, error) {
		return vtsync.New(api, m, cfg, vtsync.WithStore(st), vtsync.WithSecrets(vt.Credentials().Password, token))
	}
	w := &World{VT: vt, LMS: m, Runner: console.NewRunner(newSyncer, st, nil)}
	srv, err := console.New(w.Runner, console.Options{Token: token, Provider: "Demo RTO", Location: loc})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	w.URL = hs.URL
	return w
}

// Run is one scheduled run.
func (w *World) Run() console.Run {
	run, _ := w.Runner.RunOnce(context.Background(), "scheduled run")
	return run
}

// CompleteOverHandEnteredResult has Julie finish the course in the LMS
// after someone entered "Withdrawn" for her by hand in VETtrak: the next
// run's write is refused (a failure with its cause), and the run after
// puts it up for review. Call it after a first run.
func (w *World) CompleteOverHandEnteredResult(t testing.TB) {
	t.Helper()
	st := w.LMS.Dump()
	var julie string
	for _, u := range st.Users {
		if u.GivenName == "Julie" {
			julie = u.SISID
		}
	}
	require.NotEmpty(t, julie, "run once first")
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	require.NoError(t, w.LMS.SetProgress(st.Courses[0].SISID, lms.CourseProgress{UserSISID: julie, RequirementsTotal: 2, RequirementsCompleted: 2, CompletedAt: &done}))
	require.NoError(t, w.VT.Data().SetResult(3002, vettraktest.WalkthroughUnit, "Withdrawn", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
}

// ConflictKey is the review list key of that conflict.
func ConflictKey() string { return mapping.ResultKey(3002, vettraktest.WalkthroughUnit) }

// Hold withdraws John and runs: removing him is over the 10% limit, so
// the plan is held for approval.
func (w *World) Hold(t testing.TB) {
	t.Helper()
	require.NoError(t, w.VT.Data().Withdraw(3001, "Withdrawn"))
	require.Equal(t, console.StatusHeld, w.Run().Status)
}
