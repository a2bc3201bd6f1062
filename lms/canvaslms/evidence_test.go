package canvaslms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
)

func ptr[T any](v T) *T { return &v }

// TestEvidenceRoundTrip is the suite's evidence round trip with the
// expectations Canvas can meet: FirstActivity is the earliest submission,
// and the fake knows no quizzes or letter grades.
func TestEvidenceRoundTrip(t *testing.T) {
	l, srv := newLMS(t)
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Course", Code: "BSBLDR501"})
	require.NoError(t, err)
	for _, id := range []string{"U1", "U2", "U3"} {
		_, err := l.CreateUser(ctx, lms.User{SISID: id, Login: id + "@example.com", GivenName: id})
		require.NoError(t, err)
		_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: id, CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusActive})
		require.NoError(t, err)
	}
	// U3 withdraws: their evidence stays readable.
	require.NoError(t, l.Unenrol(ctx, lms.Enrolment{UserSISID: "U3", CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusCompleted}))
	// A learner without a SIS ID (a teacher's test student) is left out.
	cc, _ := srv.CourseBySISID(c.SISID)
	anon := srv.SeedUser(canvastest.User{Name: "Test Student", LoginID: "test@example.com"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc.ID, UserID: anon})

	at := func(h int) *time.Time {
		return ptr(time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour))
	}
	written := lms.Assessment{ID: "written", CourseSISID: c.SISID, Title: "Written Assessment (BSBLDR501)",
		Kind: lms.KindAssignment, PointsPossible: ptr(10.0), GradingType: "points", Published: true}
	check := lms.Assessment{ID: "check", CourseSISID: c.SISID, Title: "Observation (BSBLDR501)",
		Kind: lms.KindAssignment, PointsPossible: ptr(0.0), GradingType: "pass_fail", Published: true}
	draft := lms.Assessment{ID: "draft", CourseSISID: c.SISID, Title: "Draft", Kind: lms.KindAssignment,
		PointsPossible: ptr(5.0), GradingType: "points"}
	seeded, err := seedEvidence(srv, lms.Evidence{
		CourseSISID: c.SISID,
		Assessments: []lms.Assessment{written, check, draft},
		Submissions: []lms.Submission{
			{AssessmentID: "written", UserSISID: "U1", State: lms.SubmissionGraded, Grade: "8", Score: ptr(8.0), SubmittedAt: at(1), GradedAt: at(2)},
			{AssessmentID: "check", UserSISID: "U1", State: lms.SubmissionGraded, Grade: "complete", SubmittedAt: at(3), GradedAt: at(3)},
			{AssessmentID: "written", UserSISID: "U2", State: lms.SubmissionSubmitted, Late: true, SubmittedAt: at(4)},
			{AssessmentID: "check", UserSISID: "U2", State: lms.SubmissionUnsubmitted, Missing: true},
			{AssessmentID: "written", UserSISID: "U3", State: lms.SubmissionGraded, Grade: "3", Score: ptr(3.0), SubmittedAt: at(6), GradedAt: at(7)},
		},
		Progress: []lms.CourseProgress{
			{UserSISID: "U1", RequirementsTotal: 5, RequirementsCompleted: 5, CompletedAt: at(5)},
			{UserSISID: "U2", RequirementsTotal: 5, RequirementsCompleted: 2},
		},
		Activity: []lms.Activity{{UserSISID: "U1", LastActivity: at(5), FinalScore: ptr(80.0)}},
	})
	require.NoError(t, err)
	srv.SeedSubmission(canvastest.Submission{AssignmentID: mustID(t, seeded.Assessments[0].ID), UserID: anon, Score: ptr(1.0)})
	id := map[string]string{"written": seeded.Assessments[0].ID, "check": seeded.Assessments[1].ID, "draft": seeded.Assessments[2].ID}

	got, err := l.ReadEvidence(ctx, c.SISID)
	require.NoError(t, err)
	written.ID, check.ID, draft.ID = id["written"], id["check"], id["draft"]
	assert.Equal(t, []lms.Assessment{written, check, draft}, got.Assessments)
	assert.Equal(t, []lms.Submission{
		{AssessmentID: id["written"], UserSISID: "U1", State: lms.SubmissionGraded, Grade: "8", Score: ptr(8.0), SubmittedAt: at(1), GradedAt: at(2)},
		{AssessmentID: id["check"], UserSISID: "U1", State: lms.SubmissionGraded, Grade: "complete", SubmittedAt: at(3), GradedAt: at(3)},
		{AssessmentID: id["written"], UserSISID: "U2", State: lms.SubmissionSubmitted, Late: true, SubmittedAt: at(4)},
		{AssessmentID: id["check"], UserSISID: "U2", State: lms.SubmissionUnsubmitted, Missing: true},
		{AssessmentID: id["written"], UserSISID: "U3", State: lms.SubmissionGraded, Grade: "3", Score: ptr(3.0), SubmittedAt: at(6), GradedAt: at(7)},
	}, got.Submissions, "placeholders, unpublished work and learners without SIS IDs are left out")
	assert.Equal(t, []lms.CourseProgress{
		{UserSISID: "U1", RequirementsTotal: 5, RequirementsCompleted: 5, CompletedAt: at(5)},
		{UserSISID: "U2", RequirementsTotal: 5, RequirementsCompleted: 2},
		{UserSISID: "U3", RequirementsTotal: 5},
	}, got.Progress)
	assert.Equal(t, []lms.Activity{
		{UserSISID: "U1", FirstActivity: at(1), LastActivity: at(5), FinalScore: ptr(80.0)},
		{UserSISID: "U2", FirstActivity: at(4)},
		{UserSISID: "U3", FirstActivity: at(6), FinalScore: ptr(30.0)},
	}, got.Activity, "first activity is the earliest submission; U3's final score counts ungraded work as zero")

	again, err := l.ReadEvidence(ctx, c.SISID)
	require.NoError(t, err)
	assert.Equal(t, got, again)
}

func TestEvidenceOfUnknownCourse(t *testing.T) {
	l, _ := newLMS(t)
	_, err := l.ReadEvidence(t.Context(), "missing")
	require.ErrorIs(t, err, lms.ErrNotFound)
	_, err = l.ReadEvidence(t.Context(), "")
	require.ErrorIs(t, err, lms.ErrNotFound)
}
