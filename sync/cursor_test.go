package sync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// newClockRig is newRig with the fake VETtrak on the rig's clock, so a
// tombstone is dated in the same time line as the Syncer's cursors (with
// the fake on the wall clock every tombstone looks newer than any cursor,
// and a cursor that moves too far goes unnoticed).
func newClockRig(t *testing.T, w mapping.Workflow, data *vettraktest.Dataset) *rig {
	t.Helper()
	r := newRig(t, w, data)
	r.clk = vettraktest.NewClock(r.now)
	vt := vettraktest.NewTestServer(t, vettraktest.WithDataset(data), vettraktest.WithClock(r.clk.Now))
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	r.vt, r.api = vt, api
	return r
}

// tick moves the rig's clock, and the fake's with it. The fake reads its
// clock from its own goroutines (a handler may outlive a dropped call), so
// it reads a clock safe for concurrent use, not r.now.
func (r *rig) tick(d time.Duration) {
	r.now = r.now.Add(d)
	if r.clk != nil {
		r.clk.Set(r.now)
	}
}

// groupsRig is the walkthrough in the Occurrence-groups workflow with its
// course in the LMS, synced once.
func groupsRig(t *testing.T) *rig {
	t.Helper()
	r := newClockRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.MarkTransferred = false
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)
	return r
}

func activeEnrolment(st lms.State, user string) bool {
	for _, e := range st.Enrolments {
		if e.UserSISID == user && e.Status == lms.StatusActive {
			return true
		}
	}
	return false
}

func hasFailure(rep *vtsync.Report, key string) bool {
	for _, f := range rep.Failures {
		if f.Key == key {
			return true
		}
	}
	return false
}

// Issue 18 item 2: a failed tombstone read never moves the cursor past the
// deletions it missed. The failure is reported on every run until the read
// succeeds, and the deleted enrolment is then removed from the LMS.
func TestTombstoneCursorHoldsOnFailedRead(t *testing.T) {
	faults := []struct {
		name  string
		fault vettraktest.Fault
	}{
		{"soap fault", vettraktest.Fault{Kind: vettraktest.FaultSOAP}},
		{"http 500", vettraktest.Fault{Kind: vettraktest.FaultHTTP500}},
		{"malformed xml", vettraktest.Fault{Kind: vettraktest.FaultMalformed}},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			r := groupsRig(t)
			r.tick(time.Hour)
			require.NoError(t, r.vt.Data().DeleteEnrolment(3002)) // Julie
			r.tick(time.Hour)
			r.vt.InjectFault("GetDeletedRecordsSince", tt.fault)
			for run := range 3 {
				rep, err := r.syncer(t).Run(context.Background())
				require.NoError(t, err, "run %d", run)
				assert.True(t, hasFailure(rep, "tombstones"), "run %d reports the failed read: %+v", run, rep.Failures)
				assert.True(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"), "run %d: nothing removed without the tombstone", run)
				r.tick(12 * time.Hour)
			}
			r.vt.ClearFaults()
			rep := r.run(t)
			assert.Equal(t, 1, rep.Removed["enrolment"])
			assert.False(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"), "the deleted enrolment is removed on the first good run")
		})
	}
}

// A read that fails on the second table (CLIENT) after the first
// (ENROLMENT) succeeded keeps the cursor too: the client deletions in the
// window are read again next run.
func TestTombstoneCursorHoldsOnPartialRead(t *testing.T) {
	r := groupsRig(t)
	r.tick(time.Hour)
	r.vt.Data().AddTombstone(vettraktest.Tombstone{Table: "CLIENT", ID: "10002"})
	r.tick(time.Hour)
	// The first DeletedRecordsSince (ENROLMENT) succeeds; the second fails.
	fail := &failNth{Source: r.api, n: 2}
	s, err := vtsync.New(fail, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.True(t, hasFailure(rep, "tombstones"))
	assert.True(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"))

	r.tick(time.Hour)
	rep = r.run(t)
	assert.Equal(t, 1, rep.Removed["enrolment"], "the client deletion is read again and acted on")
}

// failNth fails the n-th DeletedRecordsSince call.
type failNth struct {
	vtsync.Source
	n, calls int
}

func (f *failNth) DeletedRecordsSince(ctx context.Context, table string, since time.Time) ([]vettrak.DeletedRecord, error) {
	f.calls++
	if f.calls == f.n {
		return nil, errors.New("connection reset")
	}
	return f.Source.DeletedRecordsSince(ctx, table, since)
}

// ReportResults drops the removals its plan holds, so it must not save the
// tombstone cursor either: the next Run still sees the deletion.
func TestReportResultsKeepsTombstonesForRun(t *testing.T) {
	r := groupsRig(t)
	r.tick(time.Hour)
	require.NoError(t, r.vt.Data().DeleteEnrolment(3002))
	r.tick(time.Hour)
	_, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.True(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"))

	r.tick(time.Hour)
	rep := r.run(t)
	assert.Equal(t, 1, rep.Removed["enrolment"])
	assert.False(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"))
}

// A tombstone read successfully whose removal then fails in the LMS is not
// lost when the cursor moves on: the Syncer keeps the tombstones it read
// for a while and acts on them again, so the retry finds the removal to do.
func TestTombstoneOutlivesAFailedRemoval(t *testing.T) {
	r := groupsRig(t)
	r.tick(time.Hour)
	require.NoError(t, r.vt.Data().DeleteEnrolment(3002))
	r.tick(time.Hour)
	r.lms.FailNext("Unenrol", 1, errors.New("503 from the LMS"))
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, rep.Failures)
	require.True(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"))

	r.tick(48 * time.Hour) // past the retry backoff; the cursor moved on
	rep = r.run(t)
	assert.Equal(t, 1, rep.Removed["enrolment"])
	assert.False(t, activeEnrolment(r.lms.Dump(), "vt-u-10002"), "the removal is retried")
	r.tick(time.Hour)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops, "and then settles")
	assert.True(t, tombstoneNoted(plan, 3002), "the tombstone is still kept")

	r.tick(8 * 24 * time.Hour) // past the retention
	plan, err = r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
	assert.False(t, tombstoneNoted(plan, 3002), "kept tombstones expire")
}

func tombstoneNoted(p *vtsync.Plan, enrolment int64) bool {
	for _, d := range p.Diagnostics {
		if d.Code == mapping.CodeTombstoneUnresolved && d.Record.ID == fmt.Sprint(enrolment) {
			return true
		}
	}
	return false
}
