package sync_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// crashLMS cancels the run's context right after its k-th write lands, as
// a process killed at that point would leave things.
type crashLMS struct {
	*memlms.LMS
	after  int64
	writes atomic.Int64
	cancel context.CancelFunc
}

func (c *crashLMS) wrote() {
	if c.writes.Add(1) == c.after {
		c.cancel()
	}
}

func (c *crashLMS) CreateCourse(ctx context.Context, v lms.Course) (lms.Course, error) {
	defer c.wrote()
	return c.LMS.CreateCourse(ctx, v)
}
func (c *crashLMS) CreateSection(ctx context.Context, v lms.Section) (lms.Section, error) {
	defer c.wrote()
	return c.LMS.CreateSection(ctx, v)
}
func (c *crashLMS) CreateGroup(ctx context.Context, v lms.Group) (lms.Group, error) {
	defer c.wrote()
	return c.LMS.CreateGroup(ctx, v)
}
func (c *crashLMS) CreateUser(ctx context.Context, v lms.User) (lms.User, error) {
	defer c.wrote()
	return c.LMS.CreateUser(ctx, v)
}
func (c *crashLMS) Enrol(ctx context.Context, v lms.Enrolment) (lms.Enrolment, error) {
	defer c.wrote()
	return c.LMS.Enrol(ctx, v)
}
func (c *crashLMS) AddMember(ctx context.Context, v lms.Membership) error {
	defer c.wrote()
	return c.LMS.AddMember(ctx, v)
}

func crashData(t *testing.T) *vettraktest.Dataset {
	d, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 11, Occurrences: 3, Units: 2, Learners: 8, EnrolledUnits: 16, Staff: 2})
	require.NoError(t, err)
	return d
}

// Cancel Apply after each k-th write, re-run, and the end state equals an
// uninterrupted run's, with no duplicate users or enrolments.
func TestCrashAfterEveryWriteConverges(t *testing.T) {
	ref := newRig(t, mapping.WorkflowUnit, crashData(t))
	ref.run(t)
	want := memlms.StripIDs(ref.lms.Dump())
	total := int64(ref.lms.Calls().Writes)
	require.Positive(t, total)

	step := int64(1)
	if testing.Short() {
		step = max(1, total/10)
	}
	for k := int64(1); k < total; k += step {
		r := newRig(t, mapping.WorkflowUnit, crashData(t))
		ctx, cancel := context.WithCancel(context.Background())
		crash := &crashLMS{LMS: r.lms, after: k, cancel: cancel}
		s, err := vtsync.New(r.api, crash, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
		require.NoError(t, err)
		rep, err := s.Run(ctx)
		cancel()
		require.ErrorIs(t, err, context.Canceled, "k=%d", k)
		assert.True(t, rep.Cancelled)

		r.run(t)
		got := memlms.StripIDs(r.lms.Dump())
		require.Equal(t, want, got, "end state after a crash at write %d of %d", k, total)
	}
}

// crashSource cancels after a result write lands at VETtrak but before the
// Syncer can record it: the worst moment for a ledger.
type crashSource struct {
	*vettrak.Client
	cancel context.CancelFunc
}

func (c *crashSource) UpdateResult(ctx context.Context, r vettrak.ResultUpdate) error {
	err := c.Client.UpdateResult(ctx, r)
	c.cancel()
	if err != nil {
		return err
	}
	return context.Canceled
}

func TestCrashAfterResultWriteNeverWritesTwice(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)
	st := r.lms.Dump()
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	for _, given := range []string{"John", "Julie"} {
		require.NoError(t, r.lms.SetProgress(st.Courses[0].SISID, lms.CourseProgress{UserSISID: userByGiven(t, st, given), RequirementsTotal: 1, RequirementsCompleted: 1, CompletedAt: &done}))
	}

	ctx, cancel := context.WithCancel(context.Background())
	s, err := vtsync.New(&crashSource{Client: r.api, cancel: cancel}, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }), vtsync.WithConcurrency(1))
	require.NoError(t, err)
	_, err = s.ReportResults(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, r.vt.CallCount("UpdateResult"), "one result landed before the crash")

	rep, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Empty(t, rep.Conflicts, "our own landed write is not mistaken for a hand-entered result")
	assert.Equal(t, 1, rep.ResultsWritten, "only the result that had not landed is written")
	assert.Equal(t, 2, r.vt.CallCount("UpdateResult"))

	again, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, again.ResultsWritten)
}
