package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// Canvas is the LMS side of a demo on a fake Canvas: the canvaslms LMS the
// Syncer drives, over the typed canvas client, over HTTP to a canvastest
// server on a local port. What people do in Canvas by hand (make a course,
// set and grade work, complete modules) goes straight to the fake.
type Canvas struct {
	*canvaslms.LMS
	Server *canvastest.Server
	Client *canvas.Client
}

// StartCanvas starts a fake Canvas and connects an LMS to it with an admin
// token (which has manage_sis, as a sync needs). Close it when done.
func StartCanvas(opts ...canvaslms.Option) (*Canvas, error) {
	srv := canvastest.NewServer()
	// The fake has no throttle, so the demo lifts the client's own rate
	// limit (20 requests a second by default) to finish in a blink.
	// Against a real Canvas keep the defaults: they pace by Canvas's
	// X-Rate-Limit-Remaining header.
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(rate.Inf, 0))
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("canvas client: %w", err)
	}
	l, err := canvaslms.New(c, opts...)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("canvas LMS: %w", err)
	}
	return &Canvas{LMS: l, Server: srv, Client: c}, nil
}

// Describe says where the fake is.
func (c *Canvas) Describe() string { return "fake Canvas at " + c.Server.URL() }

// Close stops the fake.
func (c *Canvas) Close() { c.Server.Close() }

// CourseByHand makes a course as a teacher would: a name and a course code,
// no SIS ID.
func (c *Canvas) CourseByHand(_ context.Context, name, code string) error {
	if c.Server.SeedCourse(canvastest.Course{Name: name, CourseCode: code}) == 0 {
		return fmt.Errorf("canvas refused course %q", code)
	}
	return nil
}

func (c *Canvas) course(sisID string) (canvastest.Course, error) {
	course, ok := c.Server.CourseBySISID(sisID)
	if !ok {
		return canvastest.Course{}, fmt.Errorf("no Canvas course with SIS ID %q", sisID)
	}
	return course, nil
}

func (c *Canvas) user(sisID string) (int64, error) {
	u, ok := c.Server.UserBySISID(sisID)
	if !ok {
		return 0, fmt.Errorf("no Canvas user with SIS ID %q", sisID)
	}
	return u.ID, nil
}

// AddAssessment adds a published, points-graded assignment to a course.
func (c *Canvas) AddAssessment(_ context.Context, courseSISID, title string, points float64) (string, error) {
	course, err := c.course(courseSISID)
	if err != nil {
		return "", err
	}
	id := c.Server.SeedAssignment(canvastest.Assignment{CourseID: course.ID, Name: title, PointsPossible: points,
		GradingType: "points", Published: true, Position: len(c.Server.Assignments(course.ID)) + 1})
	if id == 0 {
		return "", fmt.Errorf("canvas refused assignment %q", title)
	}
	return strconv.FormatInt(id, 10), nil
}

// Grade records a learner's submission, graded at the same time. Canvas has
// no "first activity" field: the SDK takes a learner's earliest submission
// as their commencement.
func (c *Canvas) Grade(_ context.Context, assessmentID, userSISID string, score float64, at time.Time) error {
	aid, err := strconv.ParseInt(assessmentID, 10, 64)
	if err != nil {
		return fmt.Errorf("assignment ID %q: %w", assessmentID, err)
	}
	uid, err := c.user(userSISID)
	if err != nil {
		return err
	}
	if c.Server.SeedSubmission(canvastest.Submission{AssignmentID: aid, UserID: uid, Score: &score,
		WorkflowState: "graded", SubmittedAt: &at, GradedAt: &at}) == 0 {
		return fmt.Errorf("canvas refused the submission of %q by %q", assessmentID, userSISID)
	}
	return nil
}

// Progress records how many of the course's module requirements a learner
// has met (the course gets total requirements), and their last activity.
func (c *Canvas) Progress(_ context.Context, courseSISID, userSISID string, done, total int, last time.Time) error {
	course, err := c.course(courseSISID)
	if err != nil {
		return err
	}
	uid, err := c.user(userSISID)
	if err != nil {
		return err
	}
	c.Server.SetModuleRequirements(course.ID, total)
	var completed *time.Time
	if done >= total {
		completed = &last
	}
	if !c.Server.SetProgress(course.ID, uid, done, completed) {
		return fmt.Errorf("canvas refused the progress of %q in %q", userSISID, courseSISID)
	}
	c.Server.SetLastActivity(course.ID, uid, last, 600)
	return nil
}
