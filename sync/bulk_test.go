package sync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/lmstest"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// walkthroughRig is the Occurrence-groups walkthrough with the LMS's own
// course, and bulk set as given.
func walkthroughRig(t *testing.T, bulk vtsync.Bulk) *rig {
	t.Helper()
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.Bulk = bulk
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	return r
}

func TestApplyChoosesBulkByThreshold(t *testing.T) {
	clean := walkthroughRig(t, vtsync.Bulk{Off: true})
	clean.run(t)
	want := clean.lms.Dump()
	require.Zero(t, clean.lms.Calls().ByMethod[memlms.BulkWrite], "bulk off")

	for _, tc := range []struct {
		name     string
		bulk     vtsync.Bulk
		wantBulk int
	}{
		{"above the threshold: one bulk write", vtsync.Bulk{Threshold: 5}, 1},
		{"below the threshold: one call each", vtsync.Bulk{Threshold: 10_000}, 0},
		{"off", vtsync.Bulk{Threshold: 5, Off: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := walkthroughRig(t, tc.bulk)
			rep := r.run(t)
			calls := r.lms.Calls()
			assert.Equal(t, tc.wantBulk, calls.ByMethod[memlms.BulkWrite], "%s", calls)
			if tc.wantBulk > 0 {
				for _, m := range []memlms.Method{memlms.CreateUser, memlms.Enrol, memlms.AddMember, memlms.CreateGroup} {
					assert.Zero(t, calls.ByMethod[m], "%s went one call at a time: %s", m, calls)
				}
			}
			assert.Positive(t, rep.Created["membership"])
			assert.Equal(t, lmstest.Comparable(want), lmstest.Comparable(r.lms.Dump()), "same end state as the REST path")
			// The re-run plans nothing: cursors, placements and flags were
			// recorded as on the REST path.
			plan, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			assert.Empty(t, plan.Ops)
		})
	}
}

func TestBulkRowFailureFailsOnlyItsItem(t *testing.T) {
	r := walkthroughRig(t, vtsync.Bulk{Threshold: 5})
	// One membership is refused inside the bulk write.
	r.lms.FailNext(memlms.AddMember, 1, errors.New("row refused"))
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1, "%+v", rep.Failures)
	assert.Equal(t, string(vtsync.OpAddMember), rep.Failures[0].Kind)
	assert.Equal(t, 1, r.lms.Calls().ByMethod[memlms.BulkWrite])
	// Occurrence flags wait for the failed learner: the mark ops that
	// depend on them are skipped, not done.
	assert.NotEmpty(t, rep.Skipped)

	// The next run (retry due) does the one membership left, and then
	// nothing remains.
	r.now = r.now.Add(48 * 3600e9)
	r.run(t)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
	clean := walkthroughRig(t, vtsync.Bulk{Off: true})
	clean.run(t)
	assert.Equal(t, lmstest.Comparable(clean.lms.Dump()), lmstest.Comparable(r.lms.Dump()))
}

func TestBulkWholeCallFailureConfirmsNothing(t *testing.T) {
	r := walkthroughRig(t, vtsync.Bulk{Threshold: 5})
	r.lms.FailNext(memlms.BulkWrite, 1, errors.New("upload refused"))
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	assert.Zero(t, rep.Created["membership"]+rep.Created["enrolment"]+rep.Created["user"])
	assert.NotEmpty(t, rep.Failures)
	assert.Zero(t, rep.Marked, "no VETtrak flag for what the LMS did not confirm")
	r.now = r.now.Add(48 * 3600e9)
	r.run(t)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
}

// A plan held by a safety limit sends nothing in bulk either.
func TestBulkHeldPlanSendsNothing(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	r.cfg.Bulk = vtsync.Bulk{Threshold: 1}
	r.run(t)
	require.Equal(t, 1, r.lms.Calls().ByMethod[memlms.BulkWrite])
	occ := r.vt.Data().Occurrences()[0]
	require.NoError(t, r.vt.Data().Withdraw(r.vt.Data().EnrolmentsOf(occ)[0].ID, "Withdrawn"))
	r.cfg.Safety = vtsync.Safety{MaxRemoveShare: vtsync.Ptr(0.0)}
	r.lms.ResetCalls()
	_, err = r.syncer(t).Run(context.Background())
	var hold *vtsync.HoldError
	require.ErrorAs(t, err, &hold)
	assert.Zero(t, r.lms.Calls().Writes, "%s", r.lms.Calls())
}
