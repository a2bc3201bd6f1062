package canvas

import (
	"context"
	"iter"
	"net/url"
	"time"
)

// SectionsService manages course sections.
type SectionsService service

// Section is a course section.
type Section struct {
	ID ID `json:"id"`
	// SIS fields are sent only to tokens that may read SIS data.
	SISSectionID  string     `json:"sis_section_id"`
	IntegrationID string     `json:"integration_id"`
	SISCourseID   string     `json:"sis_course_id"`
	SISImportID   ID         `json:"sis_import_id"`
	Name          string     `json:"name"`
	CourseID      ID         `json:"course_id"`
	StartAt       *time.Time `json:"start_at"`
	EndAt         *time.Time `json:"end_at"`
	// NonxlistCourseID is the original course of a cross-listed section.
	NonxlistCourseID                  ID   `json:"nonxlist_course_id"`
	RestrictEnrollmentsToSectionDates bool `json:"restrict_enrollments_to_section_dates"`
	TotalStudents                     *int `json:"total_students,omitempty"`
}

// SectionParams are the fields of a section create or update; nil fields
// are not sent.
type SectionParams struct {
	Name *string
	// SISSectionID and IntegrationID are silently ignored on create
	// without manage_sis; on update Canvas refuses them (401). "" clears.
	SISSectionID                      *string
	IntegrationID                     *string
	StartAt                           *time.Time
	EndAt                             *time.Time
	RestrictEnrollmentsToSectionDates *bool
	// EnableSISReactivation, on create, revives a deleted section holding
	// the same SIS ID.
	EnableSISReactivation bool
	// OverrideSISStickiness applies on update.
	OverrideSISStickiness *bool
}

func (p SectionParams) form(create bool) url.Values {
	v := url.Values{}
	setStr(v, "course_section[name]", p.Name)
	setStr(v, "course_section[sis_section_id]", p.SISSectionID)
	setStr(v, "course_section[integration_id]", p.IntegrationID)
	setTime(v, "course_section[start_at]", p.StartAt)
	setTime(v, "course_section[end_at]", p.EndAt)
	setBool(v, "course_section[restrict_enrollments_to_section_dates]", p.RestrictEnrollmentsToSectionDates)
	if create {
		setFlag(v, "enable_sis_reactivation", p.EnableSISReactivation)
	} else {
		setBool(v, "override_sis_stickiness", p.OverrideSISStickiness)
	}
	return v
}

// List returns the sections of a course; include names extra data such as
// "total_students".
func (s *SectionsService) List(ctx context.Context, course CourseRef, include ...string) iter.Seq2[Section, error] {
	p, err := path("courses/{id}/sections", course)
	if err != nil {
		return errSeq[Section](err)
	}
	q := url.Values{}
	addAll(q, "include[]", include)
	return list[Section](s.client, ctx, call{method: "GET", path: p, query: q}, "")
}

// Create makes a section in a course. A SIS ID already used in the root
// account fails with an error matching ErrSISIDTaken.
func (s *SectionsService) Create(ctx context.Context, course CourseRef, p SectionParams) (*Section, error) {
	cp, err := path("courses/{id}/sections", course)
	if err != nil {
		return nil, err
	}
	var out Section
	if err := s.client.do(ctx, call{method: "POST", path: cp, form: p.form(true)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns a section.
func (s *SectionsService) Get(ctx context.Context, section SectionRef) (*Section, error) {
	p, err := path("sections/{id}", section)
	if err != nil {
		return nil, err
	}
	var out Section
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Update changes the set fields of a section.
func (s *SectionsService) Update(ctx context.Context, section SectionRef, p SectionParams) (*Section, error) {
	sp, err := path("sections/{id}", section)
	if err != nil {
		return nil, err
	}
	var out Section
	if err := s.client.do(ctx, call{method: "PUT", path: sp, form: p.form(false), idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete deletes a section and returns it as it was.
func (s *SectionsService) Delete(ctx context.Context, section SectionRef) (*Section, error) {
	sp, err := path("sections/{id}", section)
	if err != nil {
		return nil, err
	}
	var out Section
	if err := s.client.do(ctx, call{method: "DELETE", path: sp, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
