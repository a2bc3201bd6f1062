package canvas

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"time"
)

var errMissingUser = errors.New("a user reference is required")

// SubmissionsService reads submissions for many students at once.
type SubmissionsService service

// Submission is a student's submission for an assignment, with its grade.
type Submission struct {
	ID           ID `json:"id"`
	AssignmentID ID `json:"assignment_id"`
	UserID       ID `json:"user_id"`
	// Grade is in the assignment's grading scheme (points, a letter,
	// "complete"/"incomplete" for pass/fail: the last unconfirmed).
	Grade         *string  `json:"grade"`
	Score         *float64 `json:"score"`
	EnteredGrade  *string  `json:"entered_grade"`
	EnteredScore  *float64 `json:"entered_score"`
	Attempt       *int     `json:"attempt"`
	WorkflowState string   `json:"workflow_state"`
	// GradeMatchesCurrentSubmission is false when the student resubmitted
	// after grading.
	GradeMatchesCurrentSubmission bool       `json:"grade_matches_current_submission"`
	SubmittedAt                   *time.Time `json:"submitted_at"`
	GradedAt                      *time.Time `json:"graded_at"`
	PostedAt                      *time.Time `json:"posted_at"`
	// GraderID is negative for automatic graders (quizzes, LTI tools).
	GraderID          ID     `json:"grader_id"`
	Late              bool   `json:"late"`
	Missing           bool   `json:"missing"`
	Excused           *bool  `json:"excused"`
	LatePolicyStatus  string `json:"late_policy_status"`
	AssignmentVisible *bool  `json:"assignment_visible"`
}

// Submission workflow states.
const (
	SubmissionGraded        = "graded"
	SubmissionSubmitted     = "submitted"
	SubmissionUnsubmitted   = "unsubmitted"
	SubmissionPendingReview = "pending_review"
)

// StudentSubmissionsOptions filter ListForStudents. The zero value asks
// for every student's submissions to every published assignment.
type StudentSubmissionsOptions struct {
	// StudentIDs names the students; empty means all of them
	// (student_ids[]=all). Canvas refuses explicit lists longer than its
	// page limit (100) with 400 "too many students", so longer lists are
	// sent as several listings of at most 100.
	StudentIDs []UserRef
	// AssignmentIDs restricts to these assignments; IDs from another
	// course make Canvas answer 403.
	AssignmentIDs []ID
	// WorkflowState is submitted, unsubmitted, graded or pending_review.
	WorkflowState string
	// EnrollmentState is active or concluded.
	EnrollmentState string
	GradedSince     *time.Time
	SubmittedSince  *time.Time
	// Include may name "assignment", "user", "total_scores" (grouped
	// only), "submission_history", ...
	Include []string
}

func (o *StudentSubmissionsOptions) query(grouped bool) url.Values {
	q := url.Values{}
	if o == nil || len(o.StudentIDs) == 0 {
		q.Add("student_ids[]", "all")
	}
	if grouped {
		q.Set("grouped", "true")
	}
	if o == nil {
		return q
	}
	for _, s := range o.StudentIDs {
		setRefAdd(q, "student_ids[]", s)
	}
	addIDs(q, "assignment_ids[]", o.AssignmentIDs)
	setNonEmpty(q, "workflow_state", o.WorkflowState)
	setNonEmpty(q, "enrollment_state", o.EnrollmentState)
	if o.GradedSince != nil && !o.GradedSince.IsZero() {
		q.Set("graded_since", o.GradedSince.UTC().Format(time.RFC3339))
	}
	if o.SubmittedSince != nil && !o.SubmittedSince.IsZero() {
		q.Set("submitted_since", o.SubmittedSince.UTC().Format(time.RFC3339))
	}
	addAll(q, "include[]", o.Include)
	return q
}

// submissionSplit are the ID filters a long submissions query is split
// on.
var submissionSplit = []string{"student_ids[]", "assignment_ids[]"}

// maxStudentIDs is Api::MAX_PER_PAGE: submissions_api_controller.rb
// refuses longer student_ids[] lists with 400 "too many students", so
// longer lists are sent as several queries.
const maxStudentIDs = 100

func setRefAdd(v url.Values, key string, r any) {
	if s := refString(r); s != "" && s != "0" {
		v.Add(key, s)
	}
}

// ListForStudents returns submissions of many students to many
// assignments in one paginated listing (GET
// courses/:id/students/submissions). Only published assignments count.
func (s *SubmissionsService) ListForStudents(ctx context.Context, course CourseRef, opts *StudentSubmissionsOptions) iter.Seq2[Submission, error] {
	p, err := path("courses/{id}/students/submissions", course)
	if err != nil {
		return errSeq[Submission](err)
	}
	return list[Submission](s.client, ctx, call{method: "GET", path: p, query: opts.query(false), split: submissionSplit, splitMax: maxStudentIDs}, "")
}

// ListForSectionStudents is ListForStudents for the students of a section.
func (s *SubmissionsService) ListForSectionStudents(ctx context.Context, section SectionRef, opts *StudentSubmissionsOptions) iter.Seq2[Submission, error] {
	p, err := path("sections/{id}/students/submissions", section)
	if err != nil {
		return errSeq[Submission](err)
	}
	return list[Submission](s.client, ctx, call{method: "GET", path: p, query: opts.query(false), split: submissionSplit, splitMax: maxStudentIDs}, "")
}

// StudentSubmissions is one student's entry in a grouped listing.
type StudentSubmissions struct {
	UserID        ID     `json:"user_id"`
	SectionID     ID     `json:"section_id"`
	SISUserID     string `json:"sis_user_id"`
	IntegrationID string `json:"integration_id"`
	// Computed scores come with Include "total_scores".
	ComputedCurrentScore *float64     `json:"computed_current_score"`
	ComputedFinalScore   *float64     `json:"computed_final_score"`
	Submissions          []Submission `json:"submissions"`
}

// ListGroupedByStudent is ListForStudents with grouped=true: one element
// per student holding their submissions.
func (s *SubmissionsService) ListGroupedByStudent(ctx context.Context, course CourseRef, opts *StudentSubmissionsOptions) iter.Seq2[StudentSubmissions, error] {
	p, err := path("courses/{id}/students/submissions", course)
	if err != nil {
		return errSeq[StudentSubmissions](err)
	}
	return list[StudentSubmissions](s.client, ctx, call{method: "GET", path: p, query: opts.query(true), split: submissionSplit, splitMax: maxStudentIDs}, "")
}

// ListForAssignment returns the submissions to one assignment.
func (s *SubmissionsService) ListForAssignment(ctx context.Context, course CourseRef, assignment ID) iter.Seq2[Submission, error] {
	p, err := path("courses/{id}/assignments/{id}/submissions", course, assignment)
	if err != nil {
		return errSeq[Submission](err)
	}
	return list[Submission](s.client, ctx, call{method: "GET", path: p}, "")
}
