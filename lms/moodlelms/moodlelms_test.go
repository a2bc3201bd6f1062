package moodlelms_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/lmstest"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

// newLMS starts a fake Moodle and an LMS on it.
func newLMS(t testing.TB, opts ...moodlelms.Option) (*moodlelms.LMS, *moodletest.Server) {
	t.Helper()
	srv := moodletest.NewServer(moodletest.WithLetterGrades())
	t.Cleanup(srv.Close)
	c, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0),
		moodle.WithRetry(moodle.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	l, err := moodlelms.New(c, opts...)
	require.NoError(t, err)
	return l, srv
}

func TestConformance(t *testing.T) {
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		l, srv := newLMS(t)
		return lmstest.Harness{
			LMS: l,
			SeedCourse: func(_ context.Context, c lms.Course) (lms.Course, error) {
				id := srv.SeedCourse(moodletest.Course{FullName: c.Name, ShortName: c.Code, IDNumber: c.SISID})
				if id == 0 {
					return lms.Course{}, fmt.Errorf("seed course %q refused", c.Code)
				}
				c.ID = strconv.FormatInt(id, 10)
				return c, nil
			},
			SeedEvidence: func(_ context.Context, ev lms.Evidence) (*lms.Evidence, error) {
				return seedEvidence(srv, ev)
			},
		}
	})
}

// passFail is the scale a pass/fail assessment grades with, as an RTO's
// "competent / not yet competent" scale would.
var passFail = []string{"incomplete", "complete"}

// seedEvidence does in the fake Moodle what teachers and learners do: add
// graded activities, submit, grade, complete criteria, visit the course,
// override course totals with custom letters; then runs the completion
// cron.
func seedEvidence(srv *moodletest.Server, ev lms.Evidence) (*lms.Evidence, error) {
	c, ok := srv.CourseByIDNumber(ev.CourseSISID)
	if !ok {
		return nil, fmt.Errorf("no course %q", ev.CourseSISID)
	}
	uid := func(sis string) (int64, error) {
		u, ok := srv.UserByIDNumber(sis)
		if !ok {
			return 0, fmt.Errorf("no user %q", sis)
		}
		return u.ID, nil
	}
	items := map[string]moodletest.GradeItem{}
	out := ev
	out.Assessments = nil
	for _, a := range ev.Assessments {
		module := map[lms.AssessmentKind]string{lms.KindAssignment: "assign", lms.KindQuiz: "quiz"}[a.Kind]
		var scale []string
		var maxGrade float64
		switch a.GradingType {
		case "pass_fail":
			scale = passFail
		case "points":
			if a.PointsPossible == nil {
				return nil, fmt.Errorf("assessment %q: points without a maximum", a.Title)
			}
			maxGrade = *a.PointsPossible
		default:
			return nil, fmt.Errorf("assessment %q: grading type %q has no Moodle seed", a.Title, a.GradingType)
		}
		it, err := srv.AddActivity(c.ID, module, a.Title, maxGrade, scale)
		if err != nil {
			return nil, err
		}
		items[a.ID] = it
		a.ID = strconv.FormatInt(it.ID, 10)
		out.Assessments = append(out.Assessments, a)
	}
	out.Submissions = nil
	late := map[int64]time.Time{}
	for _, s := range ev.Submissions {
		it, ok := items[s.AssessmentID]
		if !ok {
			return nil, fmt.Errorf("submission names unknown assessment %q", s.AssessmentID)
		}
		u, err := uid(s.UserSISID)
		if err != nil {
			return nil, err
		}
		var submitted time.Time
		if s.SubmittedAt != nil {
			if it.Module == "assign" {
				srv.Submit(it.Instance, u, "submitted", *s.SubmittedAt)
				if s.Late && (late[it.Instance].IsZero() || s.SubmittedAt.Before(late[it.Instance])) {
					late[it.Instance] = *s.SubmittedAt
				}
			} else {
				submitted = *s.SubmittedAt
			}
		}
		if s.Grade != "" {
			var graded time.Time
			if s.GradedAt != nil {
				graded = *s.GradedAt
			}
			v := 0.0
			if i := slices.Index(it.Scale, s.Grade); len(it.Scale) > 0 && i >= 0 {
				v = float64(i + 1)
			} else if s.Score != nil {
				v = *s.Score
			} else {
				return nil, fmt.Errorf("grade %q of %q has no Moodle seed", s.Grade, s.UserSISID)
			}
			srv.SetGrade(it.ID, u, v, submitted, graded)
		}
		s.AssessmentID = strconv.FormatInt(it.ID, 10)
		out.Submissions = append(out.Submissions, s)
	}
	for instance, first := range late {
		srv.SetDueDate(instance, first.Add(-time.Second))
	}
	if len(ev.Progress) > 0 {
		n := ev.Progress[0].RequirementsTotal
		crit := make([]moodletest.Criterion, n)
		for i := range crit {
			crit[i] = moodletest.Criterion{Type: moodle.CriteriaActivity, Title: "Activity completion"}
		}
		srv.SetCompletionCriteria(c.ID, crit)
		for _, p := range ev.Progress {
			if p.RequirementsTotal != n {
				return nil, errors.New("the fake seeds one set of criteria per course")
			}
			u, err := uid(p.UserSISID)
			if err != nil {
				return nil, err
			}
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			if p.CompletedAt != nil {
				at = *p.CompletedAt
			}
			for i := range p.RequirementsCompleted {
				srv.CompleteCriterion(c.ID, u, i, at)
			}
		}
		srv.AggregateCompletions()
	}
	var letters []moodletest.Letter
	for _, a := range ev.Activity {
		u, err := uid(a.UserSISID)
		if err != nil {
			return nil, err
		}
		var first, last time.Time
		if a.FirstActivity != nil {
			first = *a.FirstActivity
		}
		if a.LastActivity != nil {
			last = *a.LastActivity
		}
		srv.SetAccess(u, c.ID, first, last)
		if a.FinalScore != nil {
			srv.OverrideCourseTotal(c.ID, u, *a.FinalScore)
			if a.FinalGrade != "" {
				letters = append(letters, moodletest.Letter{Min: *a.FinalScore, Letter: a.FinalGrade})
			}
		}
	}
	if letters != nil {
		srv.SetLetters(c.ID, append(letters, moodletest.Letter{Min: 0, Letter: "F"}))
	}
	return &out, nil
}
