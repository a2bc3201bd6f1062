package canvaslms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// syncRig runs the Syncer from the fake VETtrak into the fake Canvas
// through canvaslms, so the group model is judged where it matters: does
// a second run find nothing to do?
type syncRig struct {
	vt     *vettraktest.Server
	api    *vettrak.Client
	srv    *canvastest.Server
	target *canvaslms.LMS
	cfg    vtsync.Config
	st     store.Store
	now    time.Time
}

func newSyncRig(t *testing.T, w mapping.Workflow, data *vettraktest.Dataset, lmsOpts ...canvaslms.Option) *syncRig {
	t.Helper()
	vt := vettraktest.NewTestServer(t, vettraktest.WithDataset(data))
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 4, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	target, err := canvaslms.New(c, lmsOpts...)
	require.NoError(t, err)
	if w == mapping.WorkflowOccurrenceGroups {
		srv.SeedCourse(canvastest.Course{Name: "Introduction to Statistics", CourseCode: vettraktest.WalkthroughUnit})
	}
	cfg := vtsync.DefaultConfig(w)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	return &syncRig{vt: vt, api: api, srv: srv, target: target, cfg: cfg, st: store.NewMemory(),
		now: time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)}
}

func (r *syncRig) run(t *testing.T) *vtsync.Report {
	t.Helper()
	s, err := vtsync.New(r.api, r.target, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures, "failures: %+v", rep.Failures)
	return rep
}

// activeGroups returns the names of the groups the user is an accepted
// member of, as the fake holds them.
func activeGroups(srv *canvastest.Server, courseSIS, userSIS string) []string {
	course, _ := srv.CourseBySISID(courseSIS)
	user, _ := srv.UserBySISID(userSIS)
	var out []string
	for _, g := range srv.Groups(course.ID) {
		for _, m := range srv.Memberships(g.ID) {
			if m.UserID == user.ID && m.WorkflowState == "accepted" {
				out = append(out, g.Name)
			}
		}
	}
	return out
}

// A learner enrolled in two occurrences of one course belongs to both
// occurrence groups. Canvas keeps a user in one group per category, so
// the groups must not share one: the run converges, and the second run
// writes nothing.
func TestLearnerInTwoOccurrencesConverges(t *testing.T) {
	data := vettraktest.SeedWalkthrough()
	_, err := data.AddEnrolment(vettraktest.WalkthroughTerm2, "10001") // John, already in Term 1
	require.NoError(t, err)
	r := newSyncRig(t, mapping.WorkflowOccurrenceGroups, data)

	first := r.run(t)
	assert.Positive(t, first.Changes())
	course := r.srv.Courses()[0]
	assert.ElementsMatch(t, []string{"Term 1", "Term 2"}, activeGroups(r.srv, course.SISCourseID, "vt-u-10001"))

	second := r.run(t)
	assert.Zero(t, second.Changes(), "second run plans nothing")
	assert.Zero(t, second.Calls["lms"].Writes, "second run writes nothing: %v", second.Calls["lms"].ByOp)
	assert.ElementsMatch(t, []string{"Term 1", "Term 2"}, activeGroups(r.srv, course.SISCourseID, "vt-u-10001"))
}

// A learner with only a family name (the AVETMISS single-name convention)
// settles: Canvas stores the name as sortable "Family," as its own
// last_name_first does, and it reads back as a family name, so the second
// run updates no user (issue 18 item 4).
func TestSingleNameLearnerSettles(t *testing.T) {
	data := vettraktest.SeedWalkthrough()
	require.NoError(t, data.AddClient(vettrak.Person{Code: "10009", Surname: "Madonna", Email: "madonna@example.edu.au"}))
	_, err := data.AddEnrolment(vettraktest.WalkthroughTerm1, "10009")
	require.NoError(t, err)
	r := newSyncRig(t, mapping.WorkflowUnit, data)

	r.run(t)
	u, ok := r.srv.UserBySISID("vt-u-10009")
	require.True(t, ok)
	assert.Equal(t, "Madonna", u.Name)

	second := r.run(t)
	assert.Zero(t, second.Changes(), "nothing to change")
	assert.Zero(t, second.Calls["lms"].ByOp["PUT users/{id}"])
	assert.Zero(t, second.Calls["lms"].Writes, "%v", second.Calls["lms"].ByOp)
}

// A course from the shared-category model converges: both occurrence
// groups in one category and the learner of both left in one of them, as
// Canvas's exclusivity would have left it. The next run moves the groups
// out (writes), the one after writes nothing, and the learner is in both.
func TestSharedCategoryCourseMigrates(t *testing.T) {
	data := vettraktest.SeedWalkthrough()
	_, err := data.AddEnrolment(vettraktest.WalkthroughTerm2, "10001")
	require.NoError(t, err)
	r := newSyncRig(t, mapping.WorkflowOccurrenceGroups, data)
	r.run(t)

	course := r.srv.Courses()[0]
	groups := r.srv.Groups(course.ID)
	require.Len(t, groups, 2)
	shared := r.srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: course.ID, Name: canvaslms.DefaultGroupCategory})
	for _, g := range groups {
		require.True(t, r.srv.MoveGroup(g.ID, shared))
	}
	john, _ := r.srv.UserBySISID("vt-u-10001")
	for _, m := range r.srv.Memberships(groups[0].ID) {
		if m.UserID == john.ID {
			// What Canvas did when John joined the other group.
			require.True(t, r.srv.SetMembershipState(m.ID, "deleted"))
		}
	}
	require.Len(t, activeGroups(r.srv, course.SISCourseID, "vt-u-10001"), 1)

	// A fresh LMS, as a new process would have: it learns the layout from
	// ReadState.
	c, err := canvas.New(r.srv.URL(), r.srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}))
	require.NoError(t, err)
	r.target, err = canvaslms.New(c)
	require.NoError(t, err)
	migrate := r.run(t)
	assert.Positive(t, migrate.Calls["lms"].Writes)
	assert.ElementsMatch(t, []string{"Term 1", "Term 2"}, activeGroups(r.srv, course.SISCourseID, "vt-u-10001"))

	retired := 0
	for _, g := range r.srv.Groups(course.ID) {
		if strings.HasPrefix(g.SISGroupID, canvaslms.RetiredGroupSISPrefix) {
			retired++
		}
	}
	assert.Equal(t, 1, retired, "the group John rejoined was moved; the old one kept under a retired SIS ID")

	after := r.run(t)
	assert.Zero(t, after.Changes())
	assert.Zero(t, after.Calls["lms"].Writes, "%v", after.Calls["lms"].ByOp)
	assert.ElementsMatch(t, []string{"Term 1", "Term 2"}, activeGroups(r.srv, course.SISCourseID, "vt-u-10001"))
}
