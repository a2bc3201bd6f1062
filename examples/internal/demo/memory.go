package demo

import (
	"context"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
)

// Memory is the LMS side on the in-memory LMS (package lms/memlms).
type Memory struct {
	*memlms.LMS
}

var _ LMS = Memory{}

// NewMemory returns an empty in-memory LMS.
func NewMemory() Memory { return Memory{memlms.New()} }

// Describe says what the LMS is.
func (Memory) Describe() string { return "in-memory LMS (package lms/memlms)" }

// CourseByHand makes a course without a SIS ID.
func (m Memory) CourseByHand(_ context.Context, name, code string) error {
	_, err := m.SeedCourse(lms.Course{Name: name, Code: code})
	return err
}

// AddAssessment adds a published, points-graded assignment.
func (m Memory) AddAssessment(_ context.Context, courseSISID, title string, points float64) (string, error) {
	a, err := m.LMS.AddAssessment(lms.Assessment{CourseSISID: courseSISID, Title: title, Kind: lms.KindAssignment,
		PointsPossible: &points, GradingType: "points", Published: true})
	return a.ID, err
}

// Grade records a graded submission.
func (m Memory) Grade(_ context.Context, assessmentID, userSISID string, score float64, at time.Time) error {
	return m.SetSubmission(lms.Submission{AssessmentID: assessmentID, UserSISID: userSISID, State: lms.SubmissionGraded,
		Score: &score, SubmittedAt: &at, GradedAt: &at})
}

// Progress records module progress and activity.
func (m Memory) Progress(_ context.Context, courseSISID, userSISID string, done, total int, first, last time.Time) error {
	p := lms.Progress{UserSISID: userSISID, RequirementsTotal: total, RequirementsCompleted: done}
	if done == total && total > 0 {
		p.CompletedAt = &last
	}
	if err := m.SetProgress(courseSISID, p); err != nil {
		return err
	}
	return m.SetActivity(courseSISID, lms.Activity{UserSISID: userSISID, FirstActivity: &first, LastActivity: &last})
}

// Close does nothing: memory needs no stopping.
func (Memory) Close() {}
