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

// Emails exist only on GetClientDetails (TClie has none): the first run
// reads which clients exist in bulk and every needed client's details;
// later runs read details only for clients changed since the last one, and
// a rename still flows through.
func TestLaterRunsReadClientsIncrementally(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.run(t)
	assert.Equal(t, 1, r.vt.CallCount("GetAccessibleClients"))
	assert.Equal(t, 6, r.vt.CallCount("GetClientDetails"), "4 learners and 2 staff, each once")
	emails := map[string]string{}
	for _, u := range r.lms.Dump().Users {
		emails[u.SISID] = u.Email
	}
	assert.Equal(t, map[string]string{
		"vt-u-10001": "john.smith@example.edu.au", "vt-u-10002": "julie.nguyen@example.edu.au",
		"vt-u-10003": "bob.brown@example.edu.au", "vt-u-10004": "barbara.jones@example.edu.au",
		"vt-u-T001": "tina.taylor@example.edu.au", "vt-u-A001": "alan.adams@example.edu.au",
	}, emails, "every user's email comes from the client's details")

	r.vt.ResetCalls()
	require.NoError(t, r.vt.Data().RenameClient("10002", "Julie", "Tran")) // stamped with the fake's (real) clock
	r.now = time.Now().Add(time.Hour)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[vtsync.OpKind]int{vtsync.OpUpdateUser: 1}, plan.Counts())
	assert.Equal(t, 1, r.vt.CallCount("GetClientDetails"), "only the changed client")

	r.vt.ResetCalls()
	plan, err = r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Zero(t, r.vt.CallCount("GetClientDetails"), "nothing changed since the last read")
	assert.Equal(t, map[vtsync.OpKind]int{vtsync.OpUpdateUser: 1}, plan.Counts(), "the rename is still to apply")
}

// A learner whose details cannot be read is a read failure for that
// learner and no user without an email; the next run reads them.
func TestUnreadableClientDetailsAreAFailureNotAUserWithoutEmail(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.cfg.MarkTransferred = true
	r.vt.InjectFault("GetClientDetails", vettraktest.Fault{Kind: vettraktest.FaultSOAP, Times: 1})
	rep, err := r.syncer(t, vtsync.WithConcurrency(1)).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)
	assert.Equal(t, "client:10001", rep.Failures[0].Key, "details are read in code order")
	for _, u := range r.lms.Dump().Users {
		assert.NotEqual(t, "vt-u-10001", u.SISID, "no user is made for a client whose email is unknown")
		assert.NotEmpty(t, u.Email, u.SISID)
	}
	term1, _ := r.vt.Data().Occurrence(vettraktest.WalkthroughTerm1)
	term2, _ := r.vt.Data().Occurrence(vettraktest.WalkthroughTerm2)
	assert.False(t, term1.Uploaded, "John (Term 1) is missing: Term 1 is not flagged as in the LMS")
	assert.True(t, term2.Uploaded)

	r.now = r.now.Add(48 * 3600e9)
	r.run(t)
	var got string
	for _, u := range r.lms.Dump().Users {
		if u.SISID == "vt-u-10001" {
			got = u.Email
		}
	}
	assert.Equal(t, "john.smith@example.edu.au", got)
}

// The client cursor only moves past a change when the cache holds it: a
// changed client whose details failed is dropped from the cache, so the
// next run reads it although nothing changed since.
func TestClientCursorNeverSkipsAFailedChange(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.run(t)
	r.now = r.now.Add(12 * 3600e9)
	require.NoError(t, r.vt.Data().RenameClient("10002", "Julie", "Tran"))
	r.vt.InjectFault("GetClientDetails", vettraktest.Fault{Kind: vettraktest.FaultSOAP, Times: 1})
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)
	assert.Equal(t, "client:10002", rep.Failures[0].Key)

	r.now = r.now.Add(48 * 3600e9)
	r.vt.ResetCalls()
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, r.vt.CallCount("GetClientDetails"))
	assert.Equal(t, map[vtsync.OpKind]int{vtsync.OpUpdateUser: 1}, plan.Counts(), "the rename arrives")
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
