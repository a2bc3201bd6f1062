package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The first run reads clients in bulk; later runs ask only for changes
// since the last one, and a rename still flows through.
func TestLaterRunsReadClientsIncrementally(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.run(t)
	assert.Equal(t, 1, r.vt.CallCount("GetAccessibleClients"))
	assert.Zero(t, r.vt.CallCount("GetClientDetails"), "one bulk read, not one call per learner")

	r.vt.ResetCalls()
	r.now = r.now.Add(12 * 3600e9)
	require.NoError(t, r.vt.Data().RenameClient("10002", "Julie", "Tran"))
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[vtsync.OpKind]int{vtsync.OpUpdateUser: 1}, plan.Counts())
	assert.Zero(t, r.vt.CallCount("GetClientDetails"))
}

// The LMS-new flags: occurrences VETtrak lists as new are synced even
// outside the date window, and flagged as transferred only after the LMS
// changes for their learners succeeded.
func TestLMSNewFlagsAfterSuccess(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.Scope = vtsync.Scope{IncludeLMSNew: true}
	r.cfg.MarkTransferred = true
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	// Julie's membership fails this run.
	r.lms.FailNext("AddMember", 1, assert.AnError)
	rep, err := r.syncer(t, vtsync.WithConcurrency(1)).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)

	d := r.vt.Data()
	term1, _ := d.Occurrence(vettraktest.WalkthroughTerm1)
	term2, _ := d.Occurrence(vettraktest.WalkthroughTerm2)
	failedOcc := term1
	if !term1.Uploaded && !term2.Uploaded {
		t.Fatalf("neither occurrence flagged")
	}
	if term1.Uploaded {
		failedOcc = term2
	}
	assert.False(t, failedOcc.Uploaded, "the occurrence with the failed learner is not flagged")

	r.now = r.now.Add(48 * 3600e9) // past the backoff
	r.run(t)
	term1, _ = d.Occurrence(vettraktest.WalkthroughTerm1)
	term2, _ = d.Occurrence(vettraktest.WalkthroughTerm2)
	assert.True(t, term1.Uploaded && term2.Uploaded)

	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
}

// An occurrence whose unit has no LMS course is not flagged as in the LMS.
func TestUnplacedOccurrenceIsNotFlagged(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.MarkTransferred = true
	// No IST101 course in the LMS, and course creation is off in this workflow.
	rep := r.run(t)
	assert.Zero(t, rep.Marked)
	for _, id := range []int64{vettraktest.WalkthroughTerm1, vettraktest.WalkthroughTerm2} {
		o, _ := r.vt.Data().Occurrence(id)
		assert.False(t, o.Uploaded, "occurrence %d", id)
	}
}

// An enrolment deleted in VETtrak vanishes from every read; its tombstone
// and the placement stored on an earlier run tell the Syncer what to undo.
func TestDeletedEnrolmentIsUndone(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.cfg.MarkTransferred = false
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)

	require.NoError(t, r.vt.Data().DeleteEnrolment(3002)) // Julie
	r.now = r.now.Add(time.Hour)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[vtsync.OpKind]int{vtsync.OpUnenrol: 1, vtsync.OpRemoveMember: 1}, plan.Counts(), "ops: %+v", plan.Ops)
	for _, op := range plan.Ops {
		if op.Enrolment != nil {
			assert.Equal(t, "vt-u-10002", op.Enrolment.UserSISID)
			assert.Equal(t, r.cfg.Mapping.DeletedStatus, op.Enrolment.Status)
		}
	}
	r.run(t)
	again, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, again.Ops)
}

// Enrolled units are read once and re-read only for enrolments that
// changed, when the cached copy is too old, or on every run if asked.
func TestEnrolledUnitsCache(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.run(t)
	assert.Equal(t, 4, r.vt.CallCount("GetUnitsForEnrolment"))

	r.vt.ResetCalls()
	r.run(t)
	assert.Zero(t, r.vt.CallCount("GetUnitsForEnrolment"), "a run that changes nothing reads no enrolled units")

	r.vt.ResetCalls()
	require.NoError(t, r.vt.Data().Withdraw(3004, "Withdrawn"))
	r.run(t)
	assert.Equal(t, 1, r.vt.CallCount("GetUnitsForEnrolment"), "only the changed enrolment is re-read")

	r.vt.ResetCalls()
	r.now = r.now.Add(vtsync.DefaultUnitsMaxAge / 2)
	r.run(t)
	early := r.vt.CallCount("GetUnitsForEnrolment")
	assert.Less(t, early, 4, "copies expire over days, not all at once")
	r.vt.ResetCalls()
	r.now = r.now.Add(vtsync.DefaultUnitsMaxAge / 2)
	r.run(t)
	assert.Equal(t, 4-early, r.vt.CallCount("GetUnitsForEnrolment"), "after the max age every copy has been read again once")

	r.vt.ResetCalls()
	r.cfg.UnitsMaxAge = -1
	r.run(t)
	assert.Equal(t, 4, r.vt.CallCount("GetUnitsForEnrolment"), "UnitsMaxAge < 0 reads every run")
}
