package canvas

import (
	"context"
	"iter"
	"net/url"
	"time"
)

// AssignmentsService reads assignments.
type AssignmentsService service

// Assignment is a Canvas assignment (quizzes have one too).
type Assignment struct {
	ID                 ID         `json:"id"`
	Name               string     `json:"name"`
	CourseID           ID         `json:"course_id"`
	AssignmentGroupID  ID         `json:"assignment_group_id"`
	PointsPossible     *float64   `json:"points_possible"`
	GradingType        string     `json:"grading_type"`
	Published          bool       `json:"published"`
	WorkflowState      string     `json:"workflow_state"`
	DueAt              *time.Time `json:"due_at"`
	PostToSIS          bool       `json:"post_to_sis"`
	IntegrationID      string     `json:"integration_id"`
	OmitFromFinalGrade bool       `json:"omit_from_final_grade"`
	SubmissionTypes    []string   `json:"submission_types"`
	Position           int        `json:"position"`
	HTMLURL            string     `json:"html_url"`
}

// ListAssignmentsOptions filter List.
type ListAssignmentsOptions struct {
	SearchTerm string
	// AssignmentIDs restricts the listing.
	AssignmentIDs []ID
	// Include may name "submission", "overrides", "all_dates", ...
	Include []string
	// OrderBy is position, name or due_at.
	OrderBy string
	// PostToSIS filters on the post_to_sis flag when set.
	PostToSIS *bool
}

// List returns a course's assignments.
func (s *AssignmentsService) List(ctx context.Context, course CourseRef, opts *ListAssignmentsOptions) iter.Seq2[Assignment, error] {
	p, err := path("courses/{id}/assignments", course)
	if err != nil {
		return errSeq[Assignment](err)
	}
	q := url.Values{}
	if opts != nil {
		setNonEmpty(q, "search_term", opts.SearchTerm)
		addIDs(q, "assignment_ids[]", opts.AssignmentIDs)
		addAll(q, "include[]", opts.Include)
		setNonEmpty(q, "order_by", opts.OrderBy)
		setBool(q, "post_to_sis", opts.PostToSIS)
	}
	return list[Assignment](s.client, ctx, call{method: "GET", path: p, query: q, split: []string{"assignment_ids[]"}}, "")
}

// Get returns one assignment of a course.
func (s *AssignmentsService) Get(ctx context.Context, course CourseRef, id ID) (*Assignment, error) {
	p, err := path("courses/{id}/assignments/{id}", course, id)
	if err != nil {
		return nil, err
	}
	var a Assignment
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
