package sync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// A saved plan applied after the LMS moved: what someone already did is
// skipped and not reported as a change; what moved otherwise fails clearly
// with ErrStale, and nothing is written over it.
func TestStalePlan(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.run(t)

	// VETtrak: John renamed, Julie withdrawn.
	require.NoError(t, r.vt.Data().RenameClient("10001", "Jonathan", "Smith"))
	require.NoError(t, r.vt.Data().Withdraw(3002, "Withdrawn"))
	s := r.syncer(t)
	plan, err := s.Plan(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, plan.Counts()[vtsync.OpUpdateUser])
	require.Positive(t, plan.Counts()[vtsync.OpUnenrol])
	for _, op := range plan.Ops {
		if !op.Kind.IsVETtrakWrite() {
			assert.NotEmpty(t, op.Observed, "%s records what it saw", op.Key)
		}
	}

	// Meanwhile, in the LMS: someone changes John's email, and unenrols
	// Julie by hand.
	st := r.lms.Dump()
	var john lms.User
	for _, u := range st.Users {
		if u.GivenName == "John" {
			john = u
		}
	}
	john.Email = "john.private@example.com"
	require.NoError(t, r.lms.UpdateUser(ctx, john))
	for _, op := range plan.Ops {
		if op.Kind == vtsync.OpUnenrol {
			require.NoError(t, r.lms.Unenrol(ctx, *op.Enrolment))
		}
	}
	r.lms.ResetCalls()

	rep, err := s.Apply(ctx, plan)
	require.NoError(t, err)
	assert.Zero(t, r.lms.Calls().ByMethod["UpdateUser"], "John's new email is not overwritten from a stale plan")
	assert.Zero(t, r.lms.Calls().ByMethod["Unenrol"])
	assert.Zero(t, rep.Removed["enrolment"], "an unenrolment someone else made is not reported as ours")
	assert.Equal(t, plan.Counts()[vtsync.OpUnenrol], rep.AlreadyDone)
	require.Len(t, rep.Failures, 1)
	assert.True(t, errors.Is(rep.Failures[0].Err(), vtsync.ErrStale), "%v", rep.Failures[0].Err())
	assert.Contains(t, rep.Failures[0].Error, "plan again")
	assert.Nil(t, rep.Failures[0].NextRetry, "a fresh plan decides, with no backoff")

	// The next plan sees the LMS as it is and decides again.
	again, err := s.Plan(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, again.Counts()[vtsync.OpUpdateUser])
	assert.Contains(t, again.Ops[0].Reason, "john.private@example.com")
}
