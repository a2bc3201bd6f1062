package canvas

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"time"
)

// CoursesService manages courses and reads module progress in them.
type CoursesService service

// Course workflow states as the API reports them.
const (
	CourseUnpublished = "unpublished"
	CourseAvailable   = "available"
	CourseCompleted   = "completed"
	CourseDeleted     = "deleted"
)

// Course is a Canvas course.
type Course struct {
	ID ID `json:"id"`
	// SISCourseID and IntegrationID are sent only to tokens with the
	// read_sis or manage_sis permission; otherwise they are empty.
	SISCourseID      string     `json:"sis_course_id"`
	IntegrationID    string     `json:"integration_id"`
	SISImportID      ID         `json:"sis_import_id"`
	UUID             string     `json:"uuid"`
	Name             string     `json:"name"`
	CourseCode       string     `json:"course_code"`
	OriginalName     string     `json:"original_name"`
	WorkflowState    string     `json:"workflow_state"`
	AccountID        ID         `json:"account_id"`
	RootAccountID    ID         `json:"root_account_id"`
	EnrollmentTermID ID         `json:"enrollment_term_id"`
	StartAt          *time.Time `json:"start_at"`
	EndAt            *time.Time `json:"end_at"`
	CreatedAt        *time.Time `json:"created_at"`
	TimeZone         string     `json:"time_zone"`
	CourseFormat     string     `json:"course_format"`
	// RestrictEnrollmentsToCourseDates must be true for Canvas to honour
	// StartAt and EndAt.
	RestrictEnrollmentsToCourseDates bool `json:"restrict_enrollments_to_course_dates"`
	// TotalStudents is filled with include[]=total_students.
	TotalStudents *int `json:"total_students,omitempty"`
}

// CourseParams are the fields of a course create or update. Nil fields
// are not sent, so an update changes only what is set.
type CourseParams struct {
	Name       *string
	CourseCode *string
	// SISCourseID is silently ignored by Canvas unless the token has
	// manage_sis; check the returned course. On update, "" clears it.
	SISCourseID   *string
	IntegrationID *string
	// StartAt and EndAt take effect only with
	// RestrictEnrollmentsToCourseDates; a pointer to the zero time clears.
	StartAt                          *time.Time
	EndAt                            *time.Time
	RestrictEnrollmentsToCourseDates *bool
	TimeZone                         *string
	Term                             TermRef
	// Account moves the course to (or creates it in) a sub-account of the
	// account in the path.
	Account      AccountRef
	DefaultView  *string
	CourseFormat *string

	// Offer publishes the course on create.
	Offer bool
	// EnableSISReactivation, on create, revives a deleted course that holds
	// the same SIS ID instead of failing.
	EnableSISReactivation bool

	// Event, on update, changes the workflow state: "offer" (publish),
	// "claim" (unpublish), "conclude", "delete" or "undelete".
	Event string
	// OverrideSISStickiness, on update, lets API edits stick against later
	// SIS imports (Canvas's default is true).
	OverrideSISStickiness *bool
}

func (p CourseParams) form(create bool) url.Values {
	v := url.Values{}
	setStr(v, "course[name]", p.Name)
	setStr(v, "course[course_code]", p.CourseCode)
	setStr(v, "course[sis_course_id]", p.SISCourseID)
	setStr(v, "course[integration_id]", p.IntegrationID)
	setTime(v, "course[start_at]", p.StartAt)
	setTime(v, "course[end_at]", p.EndAt)
	setBool(v, "course[restrict_enrollments_to_course_dates]", p.RestrictEnrollmentsToCourseDates)
	setStr(v, "course[time_zone]", p.TimeZone)
	setRef(v, "course[term_id]", p.Term)
	setRef(v, "course[account_id]", p.Account)
	setStr(v, "course[default_view]", p.DefaultView)
	setStr(v, "course[course_format]", p.CourseFormat)
	if create {
		setFlag(v, "offer", p.Offer)
		setFlag(v, "enable_sis_reactivation", p.EnableSISReactivation)
	} else {
		setNonEmpty(v, "course[event]", p.Event)
		setBool(v, "override_sis_stickiness", p.OverrideSISStickiness)
	}
	return v
}

// Create makes a course in account. A SIS ID already used in the root
// account fails with an error matching ErrSISIDTaken.
func (s *CoursesService) Create(ctx context.Context, account AccountRef, p CourseParams) (*Course, error) {
	ap, err := path("accounts/{id}/courses", account)
	if err != nil {
		return nil, err
	}
	var c Course
	if err := s.client.do(ctx, call{method: "POST", path: ap, form: p.form(true)}, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Get returns a course; include names extra data (e.g. "term",
// "total_students"). Deleted courses are not found.
func (s *CoursesService) Get(ctx context.Context, course CourseRef, include ...string) (*Course, error) {
	p, err := path("courses/{id}", course)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	addAll(q, "include[]", include)
	var c Course
	if err := s.client.do(ctx, call{method: "GET", path: p, query: q, idem: true}, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Update changes the set fields of a course.
func (s *CoursesService) Update(ctx context.Context, course CourseRef, p CourseParams) (*Course, error) {
	cp, err := path("courses/{id}", course)
	if err != nil {
		return nil, err
	}
	var c Course
	if err := s.client.do(ctx, call{method: "PUT", path: cp, form: p.form(false), idem: true}, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Conclude ends a course (workflow state "completed"); it stays readable.
func (s *CoursesService) Conclude(ctx context.Context, course CourseRef) error {
	return s.end(ctx, course, "conclude")
}

// Delete deletes a course. Its SIS ID stays reserved: creating a course
// with it later needs EnableSISReactivation.
func (s *CoursesService) Delete(ctx context.Context, course CourseRef) error {
	return s.end(ctx, course, "delete")
}

func (s *CoursesService) end(ctx context.Context, course CourseRef, event string) error {
	p, err := path("courses/{id}", course)
	if err != nil {
		return err
	}
	var out map[string]bool
	if err := s.client.do(ctx, call{method: "DELETE", path: p, query: url.Values{"event": {event}}, idem: true}, &out); err != nil {
		return err
	}
	if !out[event] {
		return refuse("DELETE courses/{id}", fmt.Errorf("%s course %s: Canvas did not confirm", event, refString(course)))
	}
	return nil
}

// ListCoursesOptions filter ListInAccount. The zero value lists every
// course that is not deleted.
type ListCoursesOptions struct {
	// State filters by workflow state: created, claimed, available,
	// completed, deleted, or all.
	State      []string
	Include    []string
	SearchTerm string
	Term       TermRef
	// WithEnrollments, Published and Completed filter when set.
	WithEnrollments *bool
	Published       *bool
	Completed       *bool
	// Sort is course_name, sis_course_id, teacher or account_name; Order
	// is asc or desc.
	Sort, Order string
}

// ListInAccount returns the courses of an account and its sub-accounts.
func (s *CoursesService) ListInAccount(ctx context.Context, account AccountRef, opts *ListCoursesOptions) iter.Seq2[Course, error] {
	p, err := path("accounts/{id}/courses", account)
	if err != nil {
		return errSeq[Course](err)
	}
	q := url.Values{}
	if opts != nil {
		addAll(q, "state[]", opts.State)
		addAll(q, "include[]", opts.Include)
		setNonEmpty(q, "search_term", opts.SearchTerm)
		setRef(q, "enrollment_term_id", opts.Term)
		setBool(q, "with_enrollments", opts.WithEnrollments)
		setBool(q, "published", opts.Published)
		setBool(q, "completed", opts.Completed)
		setNonEmpty(q, "sort", opts.Sort)
		setNonEmpty(q, "order", opts.Order)
	}
	return list[Course](s.client, ctx, call{method: "GET", path: p, query: q}, "")
}

// CourseProgress is a student's progress through a course's module
// requirements.
type CourseProgress struct {
	RequirementCount          int        `json:"requirement_count"`
	RequirementCompletedCount int        `json:"requirement_completed_count"`
	NextRequirementURL        string     `json:"next_requirement_url"`
	CompletedAt               *time.Time `json:"completed_at"`
}

// Complete reports whether every requirement is met.
func (p CourseProgress) Complete() bool {
	return p.CompletedAt != nil || (p.RequirementCount > 0 && p.RequirementCompletedCount >= p.RequirementCount)
}

// UserProgress returns one student's module progress. Canvas answers 400
// (ErrInvalid) when the course has no module requirements or the user is
// not a student in it.
func (s *CoursesService) UserProgress(ctx context.Context, course CourseRef, user UserRef) (*CourseProgress, error) {
	p, err := path("courses/{id}/users/{id}/progress", course, user)
	if err != nil {
		return nil, err
	}
	var out CourseProgress
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserProgress is one student's entry in BulkUserProgress.
type UserProgress struct {
	// ID is the user's Canvas ID.
	ID          ID             `json:"id"`
	DisplayName string         `json:"display_name"`
	Progress    CourseProgress `json:"progress"`
}

// BulkUserProgress returns the module progress of every student in a
// course in one paginated listing (GET courses/:id/bulk_user_progress).
//
// Unconfirmed: the reference has not read this endpoint in Canvas's
// source; the element shape ({id, display_name, progress{…}}) follows
// third-party clients and Canvas's public docs page. Pin it with a recorded
// response before relying on fields other than id and progress.
func (s *CoursesService) BulkUserProgress(ctx context.Context, course CourseRef) iter.Seq2[UserProgress, error] {
	p, err := path("courses/{id}/bulk_user_progress", course)
	if err != nil {
		return errSeq[UserProgress](err)
	}
	return list[UserProgress](s.client, ctx, call{method: "GET", path: p}, "")
}
