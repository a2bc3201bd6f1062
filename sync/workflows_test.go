package sync_test

import (
	"cmp"
	"context"
	"encoding/json"
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

// Every workflow syncs the walkthrough with no failure, and a second run
// plans and writes nothing.
func TestEveryWorkflowConverges(t *testing.T) {
	for _, w := range []mapping.Workflow{mapping.WorkflowUnit, mapping.WorkflowModule, mapping.WorkflowSubject,
		mapping.WorkflowCourse, mapping.WorkflowOccurrenceGroups} {
		t.Run(string(w), func(t *testing.T) {
			r := newRig(t, w, vettraktest.SeedWalkthrough())
			if w == mapping.WorkflowOccurrenceGroups {
				_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
				require.NoError(t, err)
			}
			first := r.run(t)
			assert.Positive(t, first.Changes())
			st := r.lms.Dump()
			require.NotEmpty(t, st.Courses)
			students := map[string]bool{}
			for _, e := range st.Enrolments {
				if e.Role == lms.RoleStudent && e.Status == lms.StatusActive {
					students[e.UserSISID] = true
				}
			}
			assert.Len(t, students, 4, "John, Julie, Bob and Barbara are students")

			r.lms.ResetCalls()
			plan, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			assert.Empty(t, plan.Ops)
			r.run(t)
			assert.Zero(t, r.lms.Calls().Writes)
		})
	}
}

func opKeys(p *vtsync.Plan) map[vtsync.OpKind]int { return p.Counts() }

// A change in VETtrak yields exactly the matching operations.
func TestDeltas(t *testing.T) {
	tests := []struct {
		name     string
		workflow mapping.Workflow // default occurrence groups
		change   func(t *testing.T, r *rig)
		want     map[vtsync.OpKind]int
	}{
		{"new enrolment", "", func(t *testing.T, r *rig) {
			_, err := r.vt.Data().AddEnrolment(vettraktest.WalkthroughTerm1, "10003") // Bob joins Term 1 too
			require.NoError(t, err)
		}, map[vtsync.OpKind]int{vtsync.OpAddMember: 1}},
		{"withdrawal", "", func(t *testing.T, r *rig) {
			require.NoError(t, r.vt.Data().Withdraw(3002, "Withdrawn"))
		}, map[vtsync.OpKind]int{vtsync.OpRemoveMember: 1, vtsync.OpUnenrol: 1}},
		{"name change", "", func(t *testing.T, r *rig) {
			require.NoError(t, r.vt.Data().RenameClient("10001", "Jonathan", "Smith"))
		}, map[vtsync.OpKind]int{vtsync.OpUpdateUser: 1}},
		{"new occurrence", "", func(t *testing.T, r *rig) {
			o, err := r.vt.Data().AddOccurrence(vettraktestOccurrence("Term 3"), vettraktest.WalkthroughUnit)
			require.NoError(t, err)
			_, err = r.vt.Data().AddEnrolment(o.ID, "10004")
			require.NoError(t, err)
		}, map[vtsync.OpKind]int{vtsync.OpCreateGroup: 1, vtsync.OpAddMember: 1}},
		{"occurrence rescheduled", mapping.WorkflowCourse, func(t *testing.T, r *rig) {
			// A week later: the course's dates move with it.
			r.src = &rescheduled{Client: r.api, id: vettraktest.WalkthroughTerm1, by: 7 * 24 * time.Hour}
		}, map[vtsync.OpKind]int{vtsync.OpUpdateCourse: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := cmp.Or(tt.workflow, mapping.WorkflowOccurrenceGroups)
			r := newRig(t, w, vettraktest.SeedWalkthrough())
			r.cfg.MarkTransferred = false
			_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
			require.NoError(t, err)
			r.run(t)

			tt.change(t, r)
			plan, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			got := opKeys(plan)
			// The withdrawn learner's enrolment may go inactive and leave the group;
			// nothing else may change.
			assert.Equal(t, tt.want, got, "ops: %+v", plan.Ops)
			for _, op := range plan.Ops {
				assert.NotEmpty(t, op.Reason)
			}
			rep, err := r.syncer(t).Apply(context.Background(), plan)
			require.NoError(t, err)
			assert.Empty(t, rep.Failures)
			again, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			assert.Empty(t, again.Ops, "converged after the change")
		})
	}
}

// Grades in the LMS flow back as VETtrak results once, and not again.
func TestResultsFlowBackOnce(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)

	st := r.lms.Dump()
	course := st.Courses[0].SISID
	john := userByGiven(t, st, "John")
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	first := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	require.NoError(t, r.lms.SetProgress(course, lms.CourseProgress{UserSISID: john, RequirementsTotal: 4, RequirementsCompleted: 4, CompletedAt: &done}))
	require.NoError(t, r.lms.SetActivity(course, lms.Activity{UserSISID: john, FirstActivity: &first, LastActivity: &done}))

	r.vt.ResetCalls()
	rep, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	assert.Equal(t, 1, rep.ResultsWritten)
	assert.Equal(t, 1, rep.CommentsWritten)
	assert.Equal(t, 1, r.vt.CallCount("GetUnitsForEnrolment"),
		"the units cached by the first run are checked once before the result and comment go")
	results := r.vt.Data().Results(3001)
	require.Len(t, results, 1)
	assert.Equal(t, "Competent", results[0].ResultName)

	again, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, again.ResultsWritten, "a result is written once")
	assert.Zero(t, again.CommentsWritten)
	assert.Empty(t, r.vt.Data().ResultHistory(3001, vettraktest.WalkthroughUnit), "never overwritten")
	assert.Equal(t, 1, r.vt.CallCount("UpdateResult")+r.vt.CallCount("UpdateResultIncludingLinked"))
	assert.Contains(t, r.vt.Data().Results(3001)[0].Comment, "2026-02-03", "commencement recorded in the comment")
}

// A result entered by hand in VETtrak goes to review, not overwritten.
func TestManualResultIsAConflict(t *testing.T) {
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)
	st := r.lms.Dump()
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	require.NoError(t, r.lms.SetProgress(st.Courses[0].SISID, lms.CourseProgress{UserSISID: userByGiven(t, st, "Julie"), RequirementsTotal: 2, RequirementsCompleted: 2, CompletedAt: &done}))
	require.NoError(t, r.vt.Data().SetResult(3002, vettraktest.WalkthroughUnit, "Withdrawn", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))

	// The plan is made from the enrolled units cached on the first run, which
	// still show no result: the write is checked against a fresh read,
	// refused, and the cached copy dropped.
	rep, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, rep.ResultsWritten)
	require.Len(t, rep.Failures, 1)
	assert.ErrorIs(t, rep.Failures[0].Err(), vtsync.ErrChangedInVETtrak)
	assert.Nil(t, rep.Failures[0].NextRetry, "retried on the next run, no backoff")
	// The next run reads afresh and sends the result to review.
	rep, err = r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, rep.ResultsWritten)
	require.NotEmpty(t, rep.Conflicts)
	assert.Equal(t, int64(3002), rep.Conflicts[0].EnrolmentID)
	assert.Equal(t, "Withdrawn", r.vt.Data().Results(3002)[0].ResultName)
}

func userByGiven(t *testing.T, st lms.State, given string) string {
	t.Helper()
	for _, u := range st.Users {
		if u.GivenName == given {
			return u.SISID
		}
	}
	t.Fatalf("no user %s", given)
	return ""
}

// Withdrawing most learners at once is held, then applied when allowed.
func TestMassRemovalIsHeld(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	r.run(t)

	n := 0
	for _, occ := range data.Occurrences() {
		for _, e := range data.EnrolmentsOf(occ) {
			if n%2 == 0 {
				require.NoError(t, data.Withdraw(e.ID, "Withdrawn"))
			}
			n++
		}
	}
	_, err = r.syncer(t).Run(context.Background())
	var hold *vtsync.HoldError
	require.ErrorAs(t, err, &hold)
	assert.ErrorIs(t, err, vtsync.ErrHold)
	assert.Equal(t, vtsync.HoldRemove, hold.Holds[0].Kind)
	assert.Zero(t, r.lms.Calls().ByMethod["Unenrol"], "nothing removed while held")

	r.cfg.Safety.Allow = true
	rep := r.run(t)
	assert.Positive(t, rep.Removed["enrolment"])
}

// One unit failing in the LMS does not stop the others, and is retried.
func TestFailureStaysLocal(t *testing.T) {
	data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 3, Occurrences: 3, Units: 3, Learners: 12, EnrolledUnits: 30, Staff: 3})
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowUnit, data)
	boom := errors.New("course shell quota exceeded")
	r.lms.FailNext("CreateCourse", 1, boom)

	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)
	assert.Contains(t, rep.Failures[0].Error, "quota")
	assert.ErrorIs(t, rep.Failures[0].Err(), boom)
	assert.NotEmpty(t, rep.Skipped, "the failed course's enrolments were skipped, not attempted")
	assert.Positive(t, rep.Created["course"], "the other units synced")

	// The failed item waits out its backoff, then the next run converges.
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Contains(t, plan.Deferred, rep.Failures[0].Key)
	r.now = r.now.Add(24 * time.Hour)
	r.run(t)
	plan, err = r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
}

// Transient VETtrak faults are retried by the client; the run converges.
func TestTransientFaultsConverge(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	r.vt.InjectFault("GetEnrolmentsForOccurrence", vettraktest.Fault{Kind: vettraktest.FaultHTTP503, Times: 1})
	r.vt.InjectFault("GetUnitsForEnrolment", vettraktest.Fault{Kind: vettraktest.FaultDrop, Times: 2})
	r.lms.FailNext("Enrol", 2, &lms.RateLimitError{RetryAfter: time.Second})
	rep, err := r.syncer(t).Run(context.Background())
	require.NoError(t, err)
	assert.Len(t, rep.Failures, 2, "throttled enrolments fail this run")
	require.NotNil(t, rep.Failures[0].NextRetry)
	assert.Equal(t, r.now.Add(time.Second), *rep.Failures[0].NextRetry, "throttling waits out the server's retry-after, no backoff")
	assert.Zero(t, rep.Failures[0].Attempts)
	plan, err := r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Len(t, plan.Deferred, 2, "not before the retry-after")
	r.now = r.now.Add(time.Second)
	r.run(t)
	plan, err = r.syncer(t).Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, plan.Ops)
	assert.Empty(t, plan.Deferred)
}

// rescheduled is VETtrak after occurrence id moved by a duration (the
// fake has no call for it; a provider does it in VETtrak's UI).
type rescheduled struct {
	*vettrak.Client
	id int64
	by time.Duration
}

func (r *rescheduled) move(o *vettrak.Occurrence) {
	if o.ID == r.id {
		o.StartDate, o.EndDate = o.StartDate.Add(r.by), o.EndDate.Add(r.by)
	}
}

func (r *rescheduled) SearchOccurrences(ctx context.Context, q vettrak.OccurrenceQuery) ([]vettrak.Occurrence, error) {
	occs, err := r.Client.SearchOccurrences(ctx, q)
	for i := range occs {
		r.move(&occs[i])
	}
	return occs, err
}

func (r *rescheduled) OccurrenceDetails(ctx context.Context, id int64) (*vettrak.Occurrence, error) {
	o, err := r.Client.OccurrenceDetails(ctx, id)
	if o != nil {
		r.move(o)
	}
	return o, err
}

func vettraktestOccurrence(name string) vettrak.Occurrence {
	return vettrak.Occurrence{Code: "IST101-" + name[len(name)-1:], Description: name,
		StartDate: time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2026, 9, 25, 0, 0, 0, 0, time.UTC),
		Status: "Active", ProgrammeID: vettraktest.WalkthroughProgrammeID}
}

var _ = fmt.Sprint

// A plan saved as JSON and applied twice: the second application finds its
// objects already there and goes on, with no failures.
func TestPlanJSONAppliedTwice(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	s := r.syncer(t)
	plan, err := s.Plan(context.Background())
	require.NoError(t, err)
	b, err := plan.JSON()
	require.NoError(t, err)
	var saved vtsync.Plan
	require.NoError(t, json.Unmarshal(b, &saved))
	require.Len(t, saved.Ops, len(plan.Ops))

	first, err := s.Apply(context.Background(), &saved)
	require.NoError(t, err)
	require.Empty(t, first.Failures)
	second, err := s.Apply(context.Background(), &saved)
	require.NoError(t, err)
	assert.Empty(t, second.Failures, "failures: %+v", second.Failures)
	assert.Zero(t, second.Changes(), "no change reported that did not happen")
	assert.Equal(t, first.Changes(), second.AlreadyDone, "every LMS change of the plan was already there")
	again, err := s.Plan(context.Background())
	require.NoError(t, err)
	assert.Empty(t, again.Ops)
}

// A dry run plans, reports what it would do, and writes nothing.
func TestDryRunWritesNothing(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	rep, err := r.syncer(t, vtsync.WithDryRun()).Run(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.DryRun)
	require.NotNil(t, rep.Plan)
	assert.Positive(t, rep.Planned)
	assert.Equal(t, rep.Planned, len(rep.Plan.Ops))
	assert.Zero(t, r.lms.Calls().Writes)
	assert.Zero(t, rep.Changes())
}
