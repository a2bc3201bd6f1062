package canvaslms

import (
	"context"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// CreateGroup creates the group in course g.CourseSISID: in GroupsAsGroups
// mode a Canvas group with sis_group_id in the course's group category
// (made on first use), invitation-only so learners cannot move themselves;
// in GroupsAsSections mode a section whose SIS ID is the prefixed group SIS
// ID.
func (l *LMS) CreateGroup(ctx context.Context, g lms.Group) (lms.Group, error) {
	const op = "CreateGroup"
	if err := begin(ctx); err != nil {
		return lms.Group{}, err
	}
	if err := checkSISID(op, "group", "SIS ID", g.SISID); err != nil {
		return lms.Group{}, err
	}
	if err := checkSISID(op, "group", "course SIS ID", g.CourseSISID); err != nil {
		return lms.Group{}, err
	}
	if l.cfg.groups == GroupsAsSections {
		got, err := l.createSection(ctx, op, "group", g.CourseSISID, l.groupSectionSIS(g.SISID), g.SISID, g.Name)
		if err != nil {
			return lms.Group{}, err
		}
		return lms.Group{ID: got.ID.String(), SISID: g.SISID, CourseSISID: g.CourseSISID, Name: got.Name}, nil
	}
	// Before and after: a ReadState listing the course's groups while
	// this runs must not leave "no groups" cached (see courseCache).
	l.courses.touchGroups(g.CourseSISID)
	defer l.courses.touchGroups(g.CourseSISID)
	cat, err := l.category(ctx, op, g, false)
	if err != nil {
		return lms.Group{}, err
	}
	params := canvas.GroupParams{
		Name:       &g.Name,
		SISGroupID: &g.SISID,
		JoinLevel:  canvas.Ptr("invitation_only"),
	}
	got, err := l.c.Groups.Create(ctx, cat, params)
	if canvas.IsNotFound(err) {
		// The cached category was deleted by hand: find or make it again.
		if cat, err = l.category(ctx, op, g, true); err != nil {
			return lms.Group{}, err
		}
		got, err = l.c.Groups.Create(ctx, cat, params)
	}
	if err != nil {
		return lms.Group{}, wrap(op, "group", g.SISID, err)
	}
	if got.SISGroupID != g.SISID {
		derr := l.c.Groups.Delete(ctx, got.ID)
		l.log.Debug("canvaslms: SIS ID dropped; deleted the new group", "group", g.SISID, "id", got.ID.String(), "delete_error", derr)
		return lms.Group{}, fail(op, "group", g.SISID, lms.ErrForbidden, "Canvas did not keep the SIS ID (the token lacks manage_sis)")
	}
	return lms.Group{ID: got.ID.String(), SISID: g.SISID, CourseSISID: g.CourseSISID, Name: got.Name}, nil
}

// category finds the course's group category by name, or creates it. The
// ID is cached per course (one lookup per course, not per group) under a
// lock, so concurrent CreateGroups cannot make two categories; refresh
// drops the cached ID after Canvas said it no longer exists.
func (l *LMS) category(ctx context.Context, op string, g lms.Group, refresh bool) (canvas.ID, error) {
	l.catMu.Lock()
	defer l.catMu.Unlock()
	if l.cats == nil {
		l.cats = map[string]canvas.ID{}
	}
	if id, ok := l.cats[g.CourseSISID]; ok && !refresh {
		return id, nil
	}
	id, err := l.findOrCreateCategory(ctx, op, g)
	if err == nil {
		l.cats[g.CourseSISID] = id
	}
	return id, err
}

func (l *LMS) findOrCreateCategory(ctx context.Context, op string, g lms.Group) (canvas.ID, error) {
	course := canvas.SISCourse(g.CourseSISID)
	for c, err := range l.c.GroupCategories.ListByCourse(ctx, course) {
		if err != nil {
			return 0, wrap(op, "group", g.SISID, err)
		}
		if c.Name == l.cfg.category {
			return c.ID, nil
		}
	}
	c, err := l.c.GroupCategories.Create(ctx, course, canvas.GroupCategoryParams{Name: l.cfg.category})
	if err != nil {
		return 0, wrap(op, "group", g.SISID, err)
	}
	return c.ID, nil
}

// UpdateGroup renames the group g.SISID. In GroupsAsGroups mode the group
// is found by SIS ID alone: Canvas's group JSON does not name the course's
// SIS ID, and checking it would cost another call.
func (l *LMS) UpdateGroup(ctx context.Context, g lms.Group) error {
	const op = "UpdateGroup"
	if err := begin(ctx); err != nil {
		return err
	}
	if err := checkSISID(op, "group", "SIS ID", g.SISID); err != nil {
		return err
	}
	if l.cfg.groups == GroupsAsSections {
		return l.renameSection(ctx, op, "group", g.CourseSISID, l.groupSectionSIS(g.SISID), g.SISID, g.Name)
	}
	ref := canvas.SISGroup(g.SISID)
	cur, err := l.c.Groups.Get(ctx, ref)
	if err != nil {
		return wrap(op, "group", g.SISID, err)
	}
	if cur.WorkflowState == "deleted" {
		return fail(op, "group", g.SISID, lms.ErrNotFound, "the group is deleted")
	}
	if cur.Name == g.Name {
		return nil
	}
	if _, err := l.c.Groups.Update(ctx, cur.ID, canvas.GroupParams{Name: &g.Name}); err != nil {
		return wrap(op, "group", g.SISID, err)
	}
	return nil
}

// AddMember puts a user in a group: a group membership (Canvas returns an
// existing one), or in GroupsAsSections mode a student enrollment in the
// group's section (Canvas re-uses an existing one; an inactive one is
// reactivated). m.Status must be empty or active.
func (l *LMS) AddMember(ctx context.Context, m lms.Membership) error {
	const op = "AddMember"
	if err := begin(ctx); err != nil {
		return err
	}
	key := m.Key()
	if m.Status != "" && m.Status != lms.StatusActive {
		return fail(op, "membership", key, lms.ErrInvalid, "status "+quote(string(m.Status))+" is not active")
	}
	if m.GroupSISID == "" || m.UserSISID == "" {
		return fail(op, "membership", key, lms.ErrNotFound, "group or user SIS ID is empty")
	}
	if l.cfg.groups == GroupsAsSections {
		_, err := l.enrolActive(ctx, op, "membership", key, nil, canvas.SISSection(l.groupSectionSIS(m.GroupSISID)),
			canvas.EnrollParams{User: canvas.SISUser(m.UserSISID), Type: canvas.StudentEnrollment})
		return err
	}
	got, err := l.c.Groups.AddMember(ctx, canvas.SISGroup(m.GroupSISID), canvas.SISUser(m.UserSISID))
	if err != nil {
		return wrap(op, "membership", key, err)
	}
	if got.WorkflowState != "" && got.WorkflowState != "accepted" {
		return fail(op, "membership", key, lms.ErrInvalid, "Canvas left the membership "+quote(got.WorkflowState))
	}
	return nil
}

// RemoveMember takes a user out of a group. Canvas can only delete group
// memberships, so in GroupsAsGroups mode the membership is deleted
// whatever m.Status says; in GroupsAsSections mode the section enrollment
// is ended with the task configured for m.Status (deleted when m.Status is
// not a removal status). An absent membership, group or user is left
// alone without error: removal is safe to repeat.
func (l *LMS) RemoveMember(ctx context.Context, m lms.Membership) error {
	const op = "RemoveMember"
	if err := begin(ctx); err != nil {
		return err
	}
	if m.GroupSISID == "" || m.UserSISID == "" {
		return nil
	}
	if l.cfg.groups == GroupsAsSections {
		to := m.Status
		if _, ok := l.cfg.tasks[to]; !ok {
			to = lms.StatusDeleted
		}
		return l.endEnrollments(ctx, op, "membership", m.Key(), to, func(e *canvas.Enrollment) bool { return true },
			func() ([]canvas.Enrollment, error) {
				return canvas.Collect(l.c.Enrollments.ListBySection(ctx, canvas.SISSection(l.groupSectionSIS(m.GroupSISID)),
					&canvas.ListEnrollmentsOptions{User: canvas.SISUser(m.UserSISID), State: canvas.AllEnrollmentStates()}))
			})
	}
	err := l.c.Groups.RemoveMember(ctx, canvas.SISGroup(m.GroupSISID), canvas.SISUser(m.UserSISID))
	if err != nil && !canvas.IsNotFound(err) {
		return wrap(op, "membership", m.Key(), err)
	}
	return nil
}
