package canvaslms

import (
	"context"
	"strconv"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

func toCourse(c *canvas.Course) lms.Course {
	return lms.Course{
		ID:    c.ID.String(),
		SISID: c.SISCourseID,
		Name:  c.Name,
		Code:  c.CourseCode,
		Start: utc(c.StartAt),
		End:   utc(c.EndAt),
	}
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// ListCourses lists the courses of the configured account and its
// sub-accounts, deleted ones left out, with or without SIS IDs. A complete
// listing becomes the course cache ReadState reads courses from (see
// WithCourseCacheTTL).
func (l *LMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	if err := begin(ctx); err != nil {
		return nil, err
	}
	start := l.courses.startListing()
	var out []lms.Course
	for c, err := range l.c.Courses.ListInAccount(ctx, l.cfg.account, nil) {
		if err != nil {
			return nil, wrap("ListCourses", "", "", err)
		}
		if c.WorkflowState == canvas.CourseDeleted {
			continue
		}
		out = append(out, toCourse(&c))
	}
	l.courses.replace(start, out)
	return out, nil
}

// courseParams sets name, code and dates. Canvas honours course dates only
// with restrict_enrollments_to_course_dates, so it is turned on when a
// date is given (and left as it is otherwise: a person may have set it).
func courseParams(c lms.Course, update bool) canvas.CourseParams {
	p := canvas.CourseParams{Name: &c.Name, CourseCode: &c.Code}
	if c.Start != nil || c.End != nil {
		p.RestrictEnrollmentsToCourseDates = canvas.Ptr(true)
	}
	zero := time.Time{}
	switch {
	case c.Start != nil:
		p.StartAt = canvas.Ptr(c.Start.UTC())
	case update:
		p.StartAt = &zero // clears
	}
	switch {
	case c.End != nil:
		p.EndAt = canvas.Ptr(c.End.UTC())
	case update:
		p.EndAt = &zero
	}
	return p
}

// CreateCourse creates the course in the configured account with
// sis_course_id and course_code. A deleted course holding the SIS ID is
// revived (Canvas's enable_sis_reactivation) rather than refused, so a
// course deleted by hand comes back on the next sync; a live one is
// lms.ErrConflict.
func (l *LMS) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	const op = "CreateCourse"
	if err := begin(ctx); err != nil {
		return lms.Course{}, err
	}
	if err := checkSISID(op, "course", "SIS ID", c.SISID); err != nil {
		return lms.Course{}, err
	}
	p := courseParams(c, false)
	p.SISCourseID = &c.SISID
	p.EnableSISReactivation = true
	got, err := l.c.Courses.Create(ctx, l.cfg.account, p)
	if err != nil {
		// A conflict says a course holds the SIS ID; whatever the cache
		// thought of it, let the next ReadState ask Canvas.
		l.courses.forget(c.SISID)
		return lms.Course{}, wrap(op, "course", c.SISID, err)
	}
	if got.SISCourseID != c.SISID {
		// Canvas drops sis_course_id without manage_sis. A course nobody
		// can find by SIS ID would be created again on every run, so take
		// it back.
		derr := l.c.Courses.Delete(ctx, got.ID)
		l.log.Debug("canvaslms: SIS ID dropped; deleted the new course", "course", c.SISID, "id", got.ID.String(), "delete_error", derr)
		return lms.Course{}, fail(op, "course", c.SISID, lms.ErrForbidden,
			"Canvas did not keep the SIS ID (the token lacks manage_sis)")
	}
	out := toCourse(got)
	l.courses.put(out)
	return out, nil
}

// UpdateCourse finds the course by c.ID when set (the LMS-pulls model
// adopts a course made by hand by giving it a SIS ID), else by c.SISID,
// and sets its SIS ID, name, code and dates.
func (l *LMS) UpdateCourse(ctx context.Context, c lms.Course) error {
	const op = "UpdateCourse"
	if err := begin(ctx); err != nil {
		return err
	}
	p := courseParams(c, true)
	var ref canvas.CourseRef
	if c.ID != "" {
		id, err := parseID(c.ID)
		if err != nil {
			return fail(op, "course", c.ID, lms.ErrNotFound, "not a Canvas course ID")
		}
		ref = id
		if c.SISID != "" {
			p.SISCourseID = &c.SISID
		}
	} else {
		if err := checkSISID(op, "course", "SIS ID", c.SISID); err != nil {
			return err
		}
		ref = canvas.SISCourse(c.SISID)
	}
	got, err := l.c.Courses.Update(ctx, ref, p)
	if err != nil {
		l.courses.forget(c.SISID)
		return wrap(op, "course", orID(c.SISID, c.ID), err)
	}
	if c.SISID != "" && got.SISCourseID != c.SISID {
		l.courses.forget(c.SISID)
		return fail(op, "course", c.SISID, lms.ErrForbidden, "Canvas did not keep the SIS ID (the token lacks manage_sis)")
	}
	if got.WorkflowState != canvas.CourseDeleted {
		l.courses.put(toCourse(got))
	}
	return nil
}

func parseID(s string) (canvas.ID, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, strconv.ErrSyntax
	}
	return canvas.ID(n), nil
}

func orID(sis, id string) string {
	if sis != "" {
		return sis
	}
	return id
}
