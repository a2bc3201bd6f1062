package sync_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/internal/state"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// noLedgerStore refuses writes to the result ledger, as a process killed
// between VETtrak's answer and the ledger entry leaves the store.
type noLedgerStore struct{ store.Store }

func (s noLedgerStore) Put(ctx context.Context, bucket, key string, v []byte) error {
	if bucket == state.LedgerBucket {
		return errors.New("killed before the ledger entry")
	}
	return s.Store.Put(ctx, bucket, key, v)
}

// Issue 18 item 1: a result write that landed in VETtrak but never reached
// the ledger (answer lost, or the process died) is recognised as the
// SDK's own on the next run, from a fresh read and not from the week-long
// enrolled-units cache: nothing is written twice, nothing is reported as
// hand-entered, and the learner's later "Competent" is still written.
func TestLandedWriteIsSettledOnAFreshRead(t *testing.T) {
	cases := []struct {
		name  string
		first func(t *testing.T, r *rig) *vtsync.Syncer
	}{
		{"504 after the write landed", func(t *testing.T, r *rig) *vtsync.Syncer {
			// One attempt, whose answer is lost after the fake took the write.
			lost := false
			api := r.proxiedAPI(t, func(op string, resp *http.Response, body []byte) []byte {
				if op == "UpdateResult" && !lost {
					lost = true
					resp.StatusCode, resp.Status = http.StatusGatewayTimeout, "504 Gateway Timeout"
					return []byte("upstream timed out")
				}
				return body
			})
			s, err := vtsync.New(api, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
			require.NoError(t, err)
			return s
		}},
		{"killed before the ledger entry", func(t *testing.T, r *rig) *vtsync.Syncer {
			s, err := vtsync.New(r.api, r.lms, r.cfg, vtsync.WithStore(noLedgerStore{r.st}), vtsync.WithClock(func() time.Time { return r.now }))
			require.NoError(t, err)
			return s
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := groupsRig(t) // the units are now in the cache, showing no result
			// No commencement comment: its write would drop the cached copy
			// and hide the stale read.
			r.cfg.Results.Commencement = mapping.CommencementOff
			st := r.lms.Dump()
			course, john := st.Courses[0].SISID, userByGiven(t, st, "John")
			first := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
			require.NoError(t, r.lms.SetActivity(course, lms.Activity{UserSISID: john, FirstActivity: &first, LastActivity: &first}))

			rep, err := tt.first(t, r).ReportResults(context.Background())
			require.NoError(t, err)
			require.NotEmpty(t, rep.Failures, "the write's answer was lost")
			require.Equal(t, "Continuing", r.vt.Data().Results(3001)[0].ResultName, "but the write landed")

			r.tick(time.Hour)
			rep, err = r.syncer(t).ReportResults(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Failures)
			assert.Empty(t, rep.Conflicts, "our own landed write is not hand-entered")
			assert.Zero(t, rep.ResultsWritten, "nothing is written twice")

			done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
			require.NoError(t, r.lms.SetProgress(course, lms.CourseProgress{UserSISID: john, RequirementsTotal: 2, RequirementsCompleted: 2, CompletedAt: &done}))
			r.tick(time.Hour)
			rep, err = r.syncer(t).ReportResults(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Conflicts)
			assert.Equal(t, 1, rep.ResultsWritten)
			assert.Equal(t, "Competent", r.vt.Data().Results(3001)[0].ResultName)
			assert.Len(t, r.vt.Data().ResultHistory(3001, vettraktest.WalkthroughUnit), 1, "Continuing once, then Competent once")
		})
	}
}
