package canvas_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

// gradebook seeds a module-workflow course: two assessments for one unit,
// one for another, one unpublished, and three students.
func gradebook(t *testing.T, srv *canvastest.Server) (course int64, students []int64, assess []int64) {
	t.Helper()
	course = srv.SeedCourse(canvastest.Course{Name: "Diploma of Leadership", SISCourseID: "BSB50420-2026", CourseCode: "BSB50420"})
	srv.SetModuleRequirements(course, 4)
	for i := range 3 {
		u := srv.SeedUser(canvastest.User{Name: fmt.Sprintf("Student %d", i), LoginID: fmt.Sprintf("s%d", i), SISUserID: fmt.Sprintf("S%d", i)})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
		students = append(students, u)
	}
	for _, name := range []string{"Written Assessment (BSBLDR501)", "Project (BSBLDR501)", "Quiz (BSBOPS501)"} {
		assess = append(assess, srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: name, PointsPossible: 100, Published: true}))
	}
	srv.SeedAssignment(canvastest.Assignment{CourseID: course, Name: "Draft (BSBXXX000)", PointsPossible: 10})
	score := func(v float64) *float64 { return &v }
	srv.SeedSubmission(canvastest.Submission{AssignmentID: assess[0], UserID: students[0], Score: score(80)})
	srv.SeedSubmission(canvastest.Submission{AssignmentID: assess[1], UserID: students[0], Score: score(90)})
	srv.SeedSubmission(canvastest.Submission{AssignmentID: assess[2], UserID: students[0], Grade: "complete", Score: score(100)})
	srv.SeedSubmission(canvastest.Submission{AssignmentID: assess[0], UserID: students[1], WorkflowState: "submitted"})
	return course, students, assess
}

func TestAssignments(t *testing.T) {
	c, srv := newFake(t)
	course, _, assess := gradebook(t, srv)
	all, err := canvas.Collect(c.Assignments.List(t.Context(), canvas.SISCourse("BSB50420-2026"), nil))
	require.NoError(t, err)
	require.Len(t, all, 4)
	assert.Equal(t, "Written Assessment (BSBLDR501)", all[0].Name)
	assert.False(t, all[3].Published)
	require.NotNil(t, all[0].PointsPossible)
	assert.Equal(t, 100.0, *all[0].PointsPossible)

	some, err := canvas.Collect(c.Assignments.List(t.Context(), canvas.ID(course), &canvas.ListAssignmentsOptions{AssignmentIDs: []canvas.ID{canvas.ID(assess[2])}}))
	require.NoError(t, err)
	require.Len(t, some, 1)
	a, err := c.Assignments.Get(t.Context(), canvas.ID(course), canvas.ID(assess[1]))
	require.NoError(t, err)
	assert.Equal(t, "Project (BSBLDR501)", a.Name)
	_, err = c.Assignments.Get(t.Context(), canvas.ID(course), 1)
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
}

func TestStudentSubmissionsForAllStudents(t *testing.T) {
	_, srv := newFake(t)
	course, students, assess := gradebook(t, srv)
	c := clientFor(t, srv, srv.AdminToken(), canvas.WithPerPage(4))
	ctx := t.Context()

	subs, err := canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.SISCourse("BSB50420-2026"), nil))
	require.NoError(t, err)
	assert.Len(t, subs, 9, "3 students x 3 published assessments, unsubmitted included")
	graded := 0
	for _, s := range subs {
		if s.WorkflowState == canvas.SubmissionGraded {
			graded++
			require.NotNil(t, s.Grade)
			assert.Equal(t, canvas.ID(students[0]), s.UserID)
		}
	}
	assert.Equal(t, 3, graded)
	assert.Equal(t, 3, srv.Calls()["GET courses/{id}/students/submissions"], "9 at 4 per page, bookmarks")
	for _, call := range srv.CallLog() {
		assert.Contains(t, call.Query, "student_ids%5B%5D=all")
	}

	onlyGraded, err := canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{
		WorkflowState: canvas.SubmissionGraded, AssignmentIDs: []canvas.ID{canvas.ID(assess[2])},
	}))
	require.NoError(t, err)
	require.Len(t, onlyGraded, 1)
	assert.Equal(t, "complete", *onlyGraded[0].Grade)

	future := time.Now().Add(time.Hour)
	none, err := canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{GradedSince: &future}))
	require.NoError(t, err)
	assert.Empty(t, none)

	grouped, err := canvas.Collect(c.Submissions.ListGroupedByStudent(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{Include: []string{"total_scores"}}))
	require.NoError(t, err)
	require.Len(t, grouped, 3)
	assert.Equal(t, "S0", grouped[0].SISUserID)
	assert.Len(t, grouped[0].Submissions, 3)
	require.NotNil(t, grouped[0].ComputedCurrentScore)
	assert.Equal(t, 90.0, *grouped[0].ComputedCurrentScore)

	mine, err := canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{StudentIDs: []canvas.UserRef{canvas.SISUser("S1")}}))
	require.NoError(t, err)
	assert.Len(t, mine, 3)

	perAssignment, err := canvas.Collect(c.Submissions.ListForAssignment(ctx, canvas.ID(course), canvas.ID(assess[0])))
	require.NoError(t, err)
	assert.Len(t, perAssignment, 3)
}

func TestStudentSubmissionsErrors(t *testing.T) {
	c, srv := newFake(t)
	course, _, _ := gradebook(t, srv)
	other := srv.SeedCourse(canvastest.Course{Name: "Other"})
	foreign := srv.SeedAssignment(canvastest.Assignment{CourseID: other, Name: "X", Published: true})
	ctx := t.Context()

	_, err := canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{AssignmentIDs: []canvas.ID{canvas.ID(foreign)}}))
	require.ErrorIs(t, err, canvas.ErrForbidden)
	assert.Contains(t, err.Error(), "invalid assignment ids requested")

	many := make([]canvas.UserRef, 101)
	for i := range many {
		many[i] = canvas.ID(int64(i + 1))
	}
	// The fake refuses 101 students, as Canvas does; the client sends
	// them as two listings (TestManyStudentIDsAreSplit).
	srv.ResetCalls()
	_, err = canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{StudentIDs: many}))
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Calls()["GET courses/{id}/students/submissions"])
	q := url.Values{"per_page": {"100"}}
	for i := range 101 {
		q.Add("student_ids[]", strconv.Itoa(i+1))
	}
	req, err := http.NewRequest("GET", srv.URL()+"/api/v1/courses/"+strconv.FormatInt(course, 10)+"/students/submissions?"+q.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "too many students")

	_, err = canvas.Collect(c.Submissions.ListForStudents(ctx, canvas.ID(course), &canvas.StudentSubmissionsOptions{EnrollmentState: "sleeping"}))
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "invalid enrollment_state")
}

func TestFinalGradesAndProgress(t *testing.T) {
	c, srv := newFake(t)
	course, students, _ := gradebook(t, srv)
	ctx := t.Context()
	done := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	srv.SetProgress(course, students[0], 4, &done)
	srv.SetProgress(course, students[1], 2, nil)
	seen := time.Date(2026, 4, 30, 8, 0, 0, 0, time.UTC)
	srv.SetLastActivity(course, students[0], seen, 3600)

	grades, err := canvas.Collect(c.Enrollments.ListGrades(ctx, canvas.SISCourse("BSB50420-2026")))
	require.NoError(t, err)
	require.Len(t, grades, 3)
	g := grades[0].Grades
	require.NotNil(t, g)
	require.NotNil(t, g.CurrentScore)
	assert.Equal(t, 90.0, *g.CurrentScore)
	require.NotNil(t, g.FinalScore)
	assert.Equal(t, 90.0, *g.FinalScore)
	require.NotNil(t, g.CurrentPoints)
	assert.Equal(t, 270.0, *g.CurrentPoints)
	assert.Nil(t, grades[1].Grades.CurrentScore, "nothing graded yet")
	require.NotNil(t, grades[0].LastActivityAt)
	assert.True(t, seen.Equal(*grades[0].LastActivityAt))
	assert.Equal(t, int64(3600), grades[0].TotalActivityTime)

	p, err := c.Courses.UserProgress(ctx, canvas.ID(course), canvas.SISUser("S0"))
	require.NoError(t, err)
	assert.True(t, p.Complete())
	assert.Equal(t, 4, p.RequirementCompletedCount)
	require.NotNil(t, p.CompletedAt)
	assert.True(t, done.Equal(*p.CompletedAt))

	bulk, err := canvas.Collect(c.Courses.BulkUserProgress(ctx, canvas.ID(course)))
	require.NoError(t, err)
	require.Len(t, bulk, 3)
	assert.Equal(t, canvas.ID(students[1]), bulk[1].ID)
	assert.Equal(t, 2, bulk[1].Progress.RequirementCompletedCount)
	assert.False(t, bulk[1].Progress.Complete())
	assert.NotEmpty(t, bulk[1].Progress.NextRequirementURL)

	plain := srv.SeedCourse(canvastest.Course{Name: "No modules"})
	_, err = c.Courses.UserProgress(ctx, canvas.ID(plain), canvas.SISUser("S0"))
	require.ErrorIs(t, err, canvas.ErrInvalid)
	assert.Contains(t, err.Error(), "no progress available")
}
