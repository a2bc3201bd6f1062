package lms

import "time"

// AssessmentKind distinguishes assignments from quizzes and other graded items.
type AssessmentKind string

// Assessment kinds.
const (
	KindAssignment AssessmentKind = "assignment"
	KindQuiz       AssessmentKind = "quiz"
	KindOther      AssessmentKind = "other"
)

// Assessment is a graded item in a course. Its ID is the LMS's own and is
// stable across renames, which is why explicit bindings use it.
type Assessment struct {
	ID             string         `json:"id"`
	CourseSISID    string         `json:"course_sis_id"`
	Title          string         `json:"title"`
	Kind           AssessmentKind `json:"kind"`
	PointsPossible *float64       `json:"points_possible,omitempty"`
	// GradingType is the LMS's grading scheme: "pass_fail", "points",
	// "percent", "letter_grade", "gpa_scale", "not_graded", ...
	GradingType string `json:"grading_type,omitempty"`
	Published   bool   `json:"published"`
}

// SubmissionState is where a submission is in its workflow.
type SubmissionState string

// Submission workflow states (Canvas's names).
const (
	SubmissionUnsubmitted   SubmissionState = "unsubmitted"
	SubmissionSubmitted     SubmissionState = "submitted"
	SubmissionPendingReview SubmissionState = "pending_review"
	SubmissionGraded        SubmissionState = "graded"
)

// Submission is one learner's latest attempt at an assessment.
type Submission struct {
	AssessmentID string          `json:"assessment_id"`
	UserSISID    string          `json:"user_sis_id"`
	State        SubmissionState `json:"state"`
	// Grade is the grade as the LMS shows it ("complete", "incomplete", "B+",
	// "85"); empty when not graded.
	Grade       string     `json:"grade,omitempty"`
	Score       *float64   `json:"score,omitempty"`
	Excused     bool       `json:"excused,omitempty"`
	Late        bool       `json:"late,omitempty"`
	Missing     bool       `json:"missing,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	GradedAt    *time.Time `json:"graded_at,omitempty"`
}

// CourseProgress is a learner's completion of a course's requirements (modules).
type CourseProgress struct {
	UserSISID             string     `json:"user_sis_id"`
	RequirementsTotal     int        `json:"requirements_total"`
	RequirementsCompleted int        `json:"requirements_completed"`
	CompletedAt           *time.Time `json:"completed_at,omitempty"`
}

// Complete reports whether every requirement is done (and there is at least one).
func (p CourseProgress) Complete() bool {
	return p.RequirementsTotal > 0 && p.RequirementsCompleted >= p.RequirementsTotal
}

// Activity is a learner's engagement with a course, and the course grade.
type Activity struct {
	UserSISID     string     `json:"user_sis_id"`
	FirstActivity *time.Time `json:"first_activity,omitempty"`
	LastActivity  *time.Time `json:"last_activity,omitempty"`
	FinalGrade    string     `json:"final_grade,omitempty"`
	FinalScore    *float64   `json:"final_score,omitempty"`
}

// Evidence is everything a course says about its learners' achievement.
type Evidence struct {
	CourseSISID string           `json:"course_sis_id"`
	Assessments []Assessment     `json:"assessments"`
	Submissions []Submission     `json:"submissions"`
	Progress    []CourseProgress `json:"progress"`
	Activity    []Activity       `json:"activity"`
}
