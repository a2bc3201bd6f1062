package canvaslms_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/lms/lmstest"
)

// fastClient is a canvas client for the fake: no client-side rate limit,
// no pacing and quick retries, so tests spend no time waiting.
func fastClient(t testing.TB, srv *canvastest.Server, token string) *canvas.Client {
	t.Helper()
	c, err := canvas.New(srv.URL(), token,
		canvas.WithRateLimit(rate.Inf, 0),
		canvas.WithPacing(canvas.Pacing{}),
		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
	)
	require.NoError(t, err)
	return c
}

// newLMS starts a fake Canvas and an LMS on it.
func newLMS(t testing.TB, opts ...canvaslms.Option) (*canvaslms.LMS, *canvastest.Server) {
	t.Helper()
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	l, err := canvaslms.New(fastClient(t, srv, srv.AdminToken()), opts...)
	require.NoError(t, err)
	return l, srv
}

// harness runs the conformance suite on a fresh fake per subtest.
func harness(t *testing.T, opts ...canvaslms.Option) lmstest.Harness {
	// The fake takes a poll to finish a SIS import; do not wait 2s for it.
	l, srv := newLMS(t, append([]canvaslms.Option{canvaslms.WithBulkPollInterval(time.Millisecond)}, opts...)...)
	return lmstest.Harness{
		LMS: l,
		SeedCourse: func(_ context.Context, c lms.Course) (lms.Course, error) {
			id := srv.SeedCourse(canvastest.Course{Name: c.Name, CourseCode: c.Code, SISCourseID: c.SISID, StartAt: c.Start, EndAt: c.End})
			if id == 0 {
				return lms.Course{}, fmt.Errorf("seed course %q refused", c.Code)
			}
			c.ID = strconv.FormatInt(id, 10)
			return c, nil
		},
		SeedEvidence: func(_ context.Context, ev lms.Evidence) (*lms.Evidence, error) {
			return seedEvidence(srv, ev)
		},
		Skip: map[string]string{
			// Canvas has no first-activity field: FirstActivity is the
			// earliest submission, so the suite's learner active an hour
			// before their first submission, and its learner with a
			// submission but no activity entry, cannot round-trip. The
			// fake also renders every assignment as online_upload (no
			// quizzes) and no letter final grades. TestEvidenceRoundTrip
			// checks everything Canvas can say.
			"Evidence/RoundTrip": "Canvas has no first-activity field (see TestEvidenceRoundTrip)",
		},
	}
}

func TestConformanceGroups(t *testing.T) {
	lmstest.Run(t, func(t *testing.T) lmstest.Harness { return harness(t) })
}

func TestConformanceSections(t *testing.T) {
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		return harness(t, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections))
	})
}

// A prefix must not change the outcome: this is how a run against a shared
// Canvas looks.
func TestConformancePrefixed(t *testing.T) {
	if testing.Short() {
		t.Skip("the unprefixed runs cover the same paths")
	}
	n := 0
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		n++
		h := harness(t)
		h.Prefix = fmt.Sprintf("run-%d/é ", n)
		return h
	})
}

// seedEvidence stores ev in the fake as teachers and learners would:
// assignments (the fake's own IDs), submissions, module progress, last
// activity and final scores. It returns ev with the fake's assignment IDs.
func seedEvidence(srv *canvastest.Server, ev lms.Evidence) (*lms.Evidence, error) {
	course, ok := srv.CourseBySISID(ev.CourseSISID)
	if !ok {
		return nil, fmt.Errorf("no course %q", ev.CourseSISID)
	}
	out := ev
	out.Assessments = nil
	ids := map[string]int64{}
	for i, a := range ev.Assessments {
		pts := 0.0
		if a.PointsPossible != nil {
			pts = *a.PointsPossible
		}
		id := srv.SeedAssignment(canvastest.Assignment{CourseID: course.ID, Name: a.Title, PointsPossible: pts,
			GradingType: a.GradingType, Published: a.Published, Position: i + 1})
		if id == 0 {
			return nil, fmt.Errorf("assignment %q refused", a.Title)
		}
		ids[a.ID] = id
		a.ID = strconv.FormatInt(id, 10)
		out.Assessments = append(out.Assessments, a)
	}
	userID := func(sis string) (int64, error) {
		u, ok := srv.UserBySISID(sis)
		if !ok {
			return 0, fmt.Errorf("no user %q", sis)
		}
		return u.ID, nil
	}
	out.Submissions = nil
	for _, s := range ev.Submissions {
		uid, err := userID(s.UserSISID)
		if err != nil {
			return nil, err
		}
		if srv.SeedSubmission(canvastest.Submission{AssignmentID: ids[s.AssessmentID], UserID: uid, Score: s.Score,
			Grade: s.Grade, WorkflowState: string(s.State), SubmittedAt: s.SubmittedAt, GradedAt: s.GradedAt,
			Excused: s.Excused, Late: s.Late, Missing: s.Missing}) == 0 {
			return nil, fmt.Errorf("submission %q/%q refused", s.AssessmentID, s.UserSISID)
		}
		s.AssessmentID = strconv.FormatInt(ids[s.AssessmentID], 10)
		out.Submissions = append(out.Submissions, s)
	}
	for _, p := range ev.Progress {
		uid, err := userID(p.UserSISID)
		if err != nil {
			return nil, err
		}
		srv.SetModuleRequirements(course.ID, p.RequirementsTotal)
		srv.SetProgress(course.ID, uid, p.RequirementsCompleted, p.CompletedAt)
	}
	for _, a := range ev.Activity {
		uid, err := userID(a.UserSISID)
		if err != nil {
			return nil, err
		}
		if a.LastActivity != nil {
			srv.SetLastActivity(course.ID, uid, *a.LastActivity, 60)
		}
		if a.FinalScore != nil {
			for _, e := range srv.Enrollments(course.ID) {
				if e.UserID == uid && e.Type == "StudentEnrollment" {
					srv.SetGrades(e.ID, a.FinalScore, a.FinalScore)
				}
			}
		}
	}
	return &out, nil
}

func mustID(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}
