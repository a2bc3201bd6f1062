package canvaslms

import (
	"context"
	"strings"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// CreateSection creates a section with sis_section_id in the course
// s.CourseSISID. In GroupsAsSections mode, SIS IDs starting with the group
// prefix are refused (lms.ErrInvalid): they would read back as groups.
func (l *LMS) CreateSection(ctx context.Context, s lms.Section) (lms.Section, error) {
	const op = "CreateSection"
	if err := begin(ctx); err != nil {
		return lms.Section{}, err
	}
	if err := checkSISID(op, "section", "SIS ID", s.SISID); err != nil {
		return lms.Section{}, err
	}
	if err := checkSISID(op, "section", "course SIS ID", s.CourseSISID); err != nil {
		return lms.Section{}, err
	}
	if l.isGroupSection(s.SISID) {
		return lms.Section{}, fail(op, "section", s.SISID, lms.ErrInvalid,
			"SIS ID starts with the group section prefix "+quote(l.cfg.sectionPrefix))
	}
	got, err := l.createSection(ctx, op, "section", s.CourseSISID, s.SISID, s.SISID, s.Name)
	if err != nil {
		return lms.Section{}, err
	}
	return lms.Section{ID: got.ID.String(), SISID: s.SISID, CourseSISID: s.CourseSISID, Name: got.Name}, nil
}

// createSection makes a Canvas section with the given SIS ID; id is the
// lms SIS ID errors name.
func (l *LMS) createSection(ctx context.Context, op, kind, courseSIS, sectionSIS, id, name string) (*canvas.Section, error) {
	got, err := l.c.Sections.Create(ctx, canvas.SISCourse(courseSIS), canvas.SectionParams{
		Name:                  &name,
		SISSectionID:          &sectionSIS,
		EnableSISReactivation: true,
	})
	if err != nil {
		return nil, wrap(op, kind, id, err)
	}
	if got.SISSectionID != sectionSIS {
		_, derr := l.c.Sections.Delete(ctx, got.ID)
		l.log.Debug("canvaslms: SIS ID dropped; deleted the new section", kind, id, "id", got.ID.String(), "delete_error", derr)
		return nil, fail(op, kind, id, lms.ErrForbidden, "Canvas did not keep the SIS ID (the token lacks manage_sis)")
	}
	return got, nil
}

// UpdateSection renames the section s.SISID of course s.CourseSISID. A
// section that exists in another course is lms.ErrNotFound: Canvas moves
// sections between courses only by cross-listing, which this package
// never does.
func (l *LMS) UpdateSection(ctx context.Context, s lms.Section) error {
	const op = "UpdateSection"
	if err := begin(ctx); err != nil {
		return err
	}
	if err := checkSISID(op, "section", "SIS ID", s.SISID); err != nil {
		return err
	}
	if l.isGroupSection(s.SISID) {
		return fail(op, "section", s.SISID, lms.ErrNotFound, "SIS ID names a group's section")
	}
	return l.renameSection(ctx, op, "section", s.CourseSISID, s.SISID, s.SISID, s.Name)
}

// renameSection reads the section first, so an update that changes
// nothing costs one read and no write.
func (l *LMS) renameSection(ctx context.Context, op, kind, courseSIS, sectionSIS, id, name string) error {
	ref := canvas.SISSection(sectionSIS)
	cur, err := l.c.Sections.Get(ctx, ref)
	if err != nil {
		return wrap(op, kind, id, err)
	}
	if courseSIS != "" && cur.SISCourseID != courseSIS {
		return fail(op, kind, id, lms.ErrNotFound, "it is not in course "+quote(courseSIS))
	}
	if cur.Name == name {
		return nil
	}
	if _, err := l.c.Sections.Update(ctx, cur.ID, canvas.SectionParams{Name: &name}); err != nil {
		return wrap(op, kind, id, err)
	}
	return nil
}

func (l *LMS) isGroupSection(sectionSIS string) bool {
	return l.cfg.groups == GroupsAsSections && strings.HasPrefix(sectionSIS, l.cfg.sectionPrefix)
}

// groupSectionSIS is the SIS ID of the section standing in for a group.
func (l *LMS) groupSectionSIS(groupSIS string) string { return l.cfg.sectionPrefix + groupSIS }
