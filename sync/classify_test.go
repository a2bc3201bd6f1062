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

// A failure retrying cannot fix (invalid input, a missing permission, a
// request VETtrak rejects) is reported as needing a person, with its
// cause, and not tried again until its inputs change; a transient one
// keeps its backoff.
func TestTerminalFailuresNeedAPerson(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		terminal bool
	}{
		{"invalid input", fmt.Errorf("canvas: 400 login_id is invalid: %w", lms.ErrInvalid), true},
		{"forbidden", fmt.Errorf("canvas: 401 user not authorized: %w", lms.ErrForbidden), true},
		{"login held by another user", fmt.Errorf("canvas: ID already in use: %w", lms.ErrConflict), true},
		{"rejected by VETtrak", &vettrak.StatusError{Op: "CreateClient", Status: vettrak.StatusFailed, Message: "not allowed"}, true},
		{"transient", errors.New("connection reset by peer"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			r.lms.FailNext("CreateUser", 1, tt.err)
			rep, err := r.syncer(t).Run(context.Background())
			require.NoError(t, err)
			require.Len(t, rep.Failures, 1)
			f := rep.Failures[0]
			assert.ErrorIs(t, f.Err(), tt.err, "the cause is kept")
			assert.Equal(t, tt.terminal, f.NeedsPerson)
			assert.Equal(t, tt.terminal, errors.Is(f.Err(), vtsync.ErrNeedsPerson))
			if !tt.terminal {
				require.NotNil(t, f.NextRetry, "transient failures back off")
				return
			}
			assert.Nil(t, f.NextRetry, "no retry time: retrying cannot fix it")
			assert.Contains(t, f.Error, "needs a person")

			// Days later, with the inputs unchanged: not tried, reported.
			r.now = r.now.Add(72 * time.Hour)
			r.lms.ResetCalls()
			rep, err = r.syncer(t).Run(context.Background())
			require.NoError(t, err)
			assert.Zero(t, r.lms.Calls().ByMethod["CreateUser"], "not retried while its inputs are the same")
			require.Len(t, rep.NeedsPerson, 1)
			assert.Equal(t, f.Key, rep.NeedsPerson[0].Key)
			assert.Contains(t, rep.NeedsPerson[0].Error, "needs a person", "with its cause")
			assert.False(t, rep.OK())

			// The learner's record is corrected in VETtrak: tried again.
			client := userClient(t, r, f.Key)
			c, ok := r.vt.Data().Client(client)
			require.True(t, ok)
			require.NoError(t, r.vt.Data().RenameClient(client, c.GivenName+"-Fixed", c.Surname))
			rep = r.run(t)
			assert.Empty(t, rep.NeedsPerson)
			assert.Equal(t, 1, r.lms.Calls().ByMethod["CreateUser"])
		})
	}
}

// Release lets a held operation run again after a person fixed the cause
// outside VETtrak.
func TestReleaseRetriesHeldOperations(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.lms.FailNext("CreateUser", 1, fmt.Errorf("login taken: %w", lms.ErrConflict))
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	require.Len(t, plan.NeedsPerson, 1)

	require.NoError(t, r.syncer(t).Release(context.Background(), rep.Failures[0].Key))
	rep = r.run(t)
	assert.Equal(t, 1, rep.Created["user"])
	assert.Empty(t, rep.NeedsPerson)
}

// userClient finds the VETtrak client code of a create_user op's key.
func userClient(t *testing.T, r *rig, opKey string) string {
	t.Helper()
	sis := opKey[len("create_user:"):]
	for _, code := range []string{"10001", "10002", "10003", "10004", vettraktest.WalkthroughTrainer, vettraktest.WalkthroughAssessor} {
		if mapping.DefaultSISScheme().User(code) == sis {
			return code
		}
	}
	t.Fatalf("no client for %s", opKey)
	return ""
}
