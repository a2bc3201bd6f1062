package canvas

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"time"
)

// EnrollmentsService manages enrollments and reads final grades.
type EnrollmentsService service

// EnrollmentType is the base type of an enrollment.
type EnrollmentType string

// Enrollment types.
const (
	StudentEnrollment  EnrollmentType = "StudentEnrollment"
	TeacherEnrollment  EnrollmentType = "TeacherEnrollment"
	TAEnrollment       EnrollmentType = "TaEnrollment"
	ObserverEnrollment EnrollmentType = "ObserverEnrollment"
	DesignerEnrollment EnrollmentType = "DesignerEnrollment"
)

// Enrollment states.
const (
	EnrollmentActive          = "active"
	EnrollmentInvited         = "invited"
	EnrollmentCreationPending = "creation_pending"
	EnrollmentInactive        = "inactive"
	EnrollmentCompleted       = "completed"
	EnrollmentDeleted         = "deleted"
	EnrollmentRejected        = "rejected"
)

// AllEnrollmentStates lists every stored enrollment state, for listings
// that must see everything (Canvas's default is active and invited only).
func AllEnrollmentStates() []string {
	return []string{EnrollmentActive, EnrollmentInvited, EnrollmentCreationPending,
		EnrollmentInactive, EnrollmentCompleted, EnrollmentDeleted, EnrollmentRejected}
}

// Enrollment places a user in a course section with a role.
type Enrollment struct {
	ID              ID             `json:"id"`
	CourseID        ID             `json:"course_id"`
	CourseSectionID ID             `json:"course_section_id"`
	UserID          ID             `json:"user_id"`
	RootAccountID   ID             `json:"root_account_id"`
	Type            EnrollmentType `json:"type"`
	Role            string         `json:"role"`
	RoleID          ID             `json:"role_id"`
	EnrollmentState string         `json:"enrollment_state"`
	// SIS fields are sent only to tokens that may read SIS data.
	SISCourseID  string `json:"sis_course_id"`
	SISSectionID string `json:"sis_section_id"`
	SISUserID    string `json:"sis_user_id"`
	SISAccountID string `json:"sis_account_id"`
	SISImportID  ID     `json:"sis_import_id"`

	LimitPrivilegesToCourseSection bool       `json:"limit_privileges_to_course_section"`
	AssociatedUserID               ID         `json:"associated_user_id"`
	CreatedAt                      *time.Time `json:"created_at"`
	UpdatedAt                      *time.Time `json:"updated_at"`
	StartAt                        *time.Time `json:"start_at"`
	EndAt                          *time.Time `json:"end_at"`
	LastActivityAt                 *time.Time `json:"last_activity_at"`
	LastAttendedAt                 *time.Time `json:"last_attended_at"`
	// TotalActivityTime is in seconds.
	TotalActivityTime int64  `json:"total_activity_time"`
	HTMLURL           string `json:"html_url"`
	// Grades is present on student enrollments the token may grade.
	Grades *Grades `json:"grades,omitempty"`
	// User is a short form of the enrolled user.
	User *User `json:"user,omitempty"`
}

// Grades are the course grades on a student enrollment. Scores are
// percentages; grades are null unless the course has a grading scheme.
// Current values ignore ungraded work; final values count it as zero.
type Grades struct {
	HTMLURL              string   `json:"html_url"`
	CurrentScore         *float64 `json:"current_score"`
	FinalScore           *float64 `json:"final_score"`
	CurrentGrade         *string  `json:"current_grade"`
	FinalGrade           *string  `json:"final_grade"`
	CurrentPoints        *float64 `json:"current_points"`
	UnpostedCurrentScore *float64 `json:"unposted_current_score"`
	UnpostedFinalScore   *float64 `json:"unposted_final_score"`
	OverrideScore        *float64 `json:"override_score"`
	OverrideGrade        *string  `json:"override_grade"`
}

// EnrollParams describe an enrollment to create. Canvas re-uses an
// existing enrollment with the same user, section, type and role (updating
// its state) rather than making a duplicate, so enrolling is safe to
// repeat.
type EnrollParams struct {
	// User is required; SIS references work (SISUser("S1")).
	User UserRef
	// Type defaults to StudentEnrollment.
	Type   EnrollmentType
	RoleID ID
	// State is "active", "invited" (Canvas's default) or "inactive". A
	// sync usually wants "active".
	State string
	// Section places the enrollment in a section when enrolling through
	// the course; ignored by EnrollInSection.
	Section                        SectionRef
	LimitPrivilegesToCourseSection *bool
	// Notify sends Canvas's enrollment notification; Canvas's default is
	// not to.
	Notify  *bool
	StartAt *time.Time
	EndAt   *time.Time
}

func (p EnrollParams) form() (url.Values, error) {
	u := refString(p.User)
	if u == "" || u == "0" {
		return nil, errors.New("a user is required")
	}
	v := url.Values{}
	v.Set("enrollment[user_id]", u)
	typ := p.Type
	if typ == "" && p.RoleID == 0 {
		typ = StudentEnrollment
	}
	setNonEmpty(v, "enrollment[type]", string(typ))
	if p.RoleID != 0 {
		v.Set("enrollment[role_id]", p.RoleID.String())
	}
	setNonEmpty(v, "enrollment[enrollment_state]", p.State)
	setRef(v, "enrollment[course_section_id]", p.Section)
	setBool(v, "enrollment[limit_privileges_to_course_section]", p.LimitPrivilegesToCourseSection)
	setBool(v, "enrollment[notify]", p.Notify)
	setTime(v, "enrollment[start_at]", p.StartAt)
	setTime(v, "enrollment[end_at]", p.EndAt)
	return v, nil
}

// Enroll enrolls a user in a course (in p.Section when set).
func (s *EnrollmentsService) Enroll(ctx context.Context, course CourseRef, p EnrollParams) (*Enrollment, error) {
	return s.enroll(ctx, "courses/{id}/enrollments", course, p)
}

// EnrollInSection enrolls a user in a section (and so in its course).
func (s *EnrollmentsService) EnrollInSection(ctx context.Context, section SectionRef, p EnrollParams) (*Enrollment, error) {
	p.Section = nil
	return s.enroll(ctx, "sections/{id}/enrollments", section, p)
}

func (s *EnrollmentsService) enroll(ctx context.Context, tmpl string, ref any, p EnrollParams) (*Enrollment, error) {
	ep, err := path(tmpl, ref)
	if err != nil {
		return nil, err
	}
	form, err := p.form()
	if err != nil {
		return nil, refuse("POST "+tmpl, err)
	}
	var e Enrollment
	// Canvas upserts on (user, section, type, role), so a retry after a
	// lost answer finds the same enrollment: safe to repeat.
	if err := s.client.do(ctx, call{method: "POST", path: ep, form: form, idem: true}, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// ListEnrollmentsOptions filter enrollment listings. With State empty
// Canvas lists active and invited enrollments (and, for admins listing a
// course, inactive ones); use AllEnrollmentStates to see everything.
type ListEnrollmentsOptions struct {
	Type  []EnrollmentType
	Role  []string
	State []string
	// Include may name "avatar_url", "group_ids", "locked",
	// "observed_users", "can_be_removed", "uuid", "current_points".
	Include []string
	// User restricts a course or section listing to one user.
	User UserRef
	// SISUserIDs, SISSectionIDs and SISCourseIDs filter by SIS ID (they
	// need read_sis).
	SISUserIDs    []string
	SISSectionIDs []string
	SISCourseIDs  []string
}

func (o *ListEnrollmentsOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	for _, t := range o.Type {
		q.Add("type[]", string(t))
	}
	addAll(q, "role[]", o.Role)
	addAll(q, "state[]", o.State)
	addAll(q, "include[]", o.Include)
	setRef(q, "user_id", o.User)
	addAll(q, "sis_user_id[]", o.SISUserIDs)
	addAll(q, "sis_section_id[]", o.SISSectionIDs)
	addAll(q, "sis_course_id[]", o.SISCourseIDs)
	return q
}

// ListByCourse returns a course's enrollments. Canvas always paginates
// these with bookmarks; the iterator follows them.
func (s *EnrollmentsService) ListByCourse(ctx context.Context, course CourseRef, opts *ListEnrollmentsOptions) iter.Seq2[Enrollment, error] {
	return s.list(ctx, "courses/{id}/enrollments", course, opts)
}

// ListBySection returns a section's enrollments.
func (s *EnrollmentsService) ListBySection(ctx context.Context, section SectionRef, opts *ListEnrollmentsOptions) iter.Seq2[Enrollment, error] {
	return s.list(ctx, "sections/{id}/enrollments", section, opts)
}

// ListByUser returns a user's enrollments across courses.
func (s *EnrollmentsService) ListByUser(ctx context.Context, user UserRef, opts *ListEnrollmentsOptions) iter.Seq2[Enrollment, error] {
	return s.list(ctx, "users/{id}/enrollments", user, opts)
}

func (s *EnrollmentsService) list(ctx context.Context, tmpl string, ref any, opts *ListEnrollmentsOptions) iter.Seq2[Enrollment, error] {
	p, err := path(tmpl, ref)
	if err != nil {
		return errSeq[Enrollment](err)
	}
	k := call{method: "GET", path: p, query: opts.query(), split: []string{"sis_user_id[]", "sis_section_id[]", "sis_course_id[]"}}
	if opts != nil && opts.User != nil && tmpl != "users/{id}/enrollments" {
		// One user's enrollments in one course or section: a handful
		// (one per section and role), never thousands.
		k.maxItems = maxUserEnrollmentsInCourse
	}
	return list[Enrollment](s.client, ctx, k, "")
}

// maxUserEnrollmentsInCourse bounds a course or section listing filtered
// to one user.
const maxUserEnrollmentsInCourse = 1000

// ListGrades returns the student enrollments of a course, active and
// completed, with their final grades (Enrollment.Grades) and current
// points.
func (s *EnrollmentsService) ListGrades(ctx context.Context, course CourseRef) iter.Seq2[Enrollment, error] {
	return s.ListByCourse(ctx, course, &ListEnrollmentsOptions{
		Type:    []EnrollmentType{StudentEnrollment},
		State:   []string{EnrollmentActive, EnrollmentCompleted, EnrollmentInactive},
		Include: []string{"current_points"},
	})
}

// Get returns one enrollment by ID.
func (s *EnrollmentsService) Get(ctx context.Context, account AccountRef, id ID) (*Enrollment, error) {
	p, err := path("accounts/{id}/enrollments/{id}", account, id)
	if err != nil {
		return nil, err
	}
	var e Enrollment
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// EnrollmentTask says how an enrollment ends.
type EnrollmentTask string

// Enrollment tasks for End.
const (
	// TaskConclude moves the enrollment to "completed".
	TaskConclude EnrollmentTask = "conclude"
	// TaskDelete moves it to "deleted".
	TaskDelete EnrollmentTask = "delete"
	// TaskInactivate moves it to "inactive" (reversible with Reactivate).
	TaskInactivate EnrollmentTask = "inactivate"
)

// End concludes, deletes or inactivates an enrollment and returns it in
// its new state.
func (s *EnrollmentsService) End(ctx context.Context, course CourseRef, id ID, task EnrollmentTask) (*Enrollment, error) {
	p, err := path("courses/{id}/enrollments/{id}", course, id)
	if err != nil {
		return nil, err
	}
	if task == "" {
		task = TaskConclude
	}
	var e Enrollment
	q := url.Values{"task": {string(task)}}
	if err := s.client.do(ctx, call{method: "DELETE", path: p, query: q, idem: true}, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Conclude moves an enrollment to "completed".
func (s *EnrollmentsService) Conclude(ctx context.Context, course CourseRef, id ID) (*Enrollment, error) {
	return s.End(ctx, course, id, TaskConclude)
}

// Delete moves an enrollment to "deleted".
func (s *EnrollmentsService) Delete(ctx context.Context, course CourseRef, id ID) (*Enrollment, error) {
	return s.End(ctx, course, id, TaskDelete)
}

// Inactivate moves an enrollment to "inactive".
func (s *EnrollmentsService) Inactivate(ctx context.Context, course CourseRef, id ID) (*Enrollment, error) {
	return s.End(ctx, course, id, TaskInactivate)
}

// Reactivate moves an inactive enrollment back to "active". Canvas answers
// 400 (ErrInvalid) when the enrollment is not inactive; to revive a
// concluded or deleted enrollment, enroll again.
func (s *EnrollmentsService) Reactivate(ctx context.Context, course CourseRef, id ID) (*Enrollment, error) {
	p, err := path("courses/{id}/enrollments/{id}/reactivate", course, id)
	if err != nil {
		return nil, err
	}
	var e Enrollment
	if err := s.client.do(ctx, call{method: "PUT", path: p, idem: true}, &e); err != nil {
		return nil, err
	}
	return &e, nil
}
