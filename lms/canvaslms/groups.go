package canvaslms

import (
	"context"
	"errors"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// CreateGroup creates the group in course g.CourseSISID: in GroupsAsGroups
// mode a Canvas group with sis_group_id, invitation-only so learners
// cannot move themselves, alone in a group category of its own (see
// categoryFor); in GroupsAsSections mode a section whose SIS ID is the
// prefixed group SIS ID.
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
	got, err := l.createCanvasGroup(ctx, op, g)
	if err != nil {
		return lms.Group{}, err
	}
	return lms.Group{ID: got.ID.String(), SISID: g.SISID, CourseSISID: g.CourseSISID, Name: got.Name}, nil
}

// createCanvasGroup makes the Canvas group g in its own category.
func (l *LMS) createCanvasGroup(ctx context.Context, op string, g lms.Group) (*canvas.Group, error) {
	cat, err := l.categoryFor(ctx, op, g, false)
	if err != nil {
		return nil, err
	}
	params := canvas.GroupParams{
		Name:       &g.Name,
		SISGroupID: &g.SISID,
		JoinLevel:  canvas.Ptr("invitation_only"),
	}
	got, err := l.c.Groups.Create(ctx, cat, params)
	if errors.Is(err, canvas.ErrNotFound) {
		// The cached category was deleted by hand: find or make it again.
		if cat, err = l.categoryFor(ctx, op, g, true); err != nil {
			return nil, err
		}
		got, err = l.c.Groups.Create(ctx, cat, params)
	}
	if err != nil {
		return nil, wrap(op, "group", g.SISID, err)
	}
	if got.SISGroupID != g.SISID {
		// Canvas refuses sis_group_id without manage_sis (401) before
		// saving; an instance that drops it instead leaves a group to
		// clean up.
		derr := l.c.Groups.Delete(ctx, got.ID)
		l.log.Debug("canvaslms: SIS ID dropped; deleted the new group", "group", g.SISID, "id", got.ID.String(), "delete_error", derr)
		return nil, fail(op, "group", g.SISID, lms.ErrForbidden, "Canvas did not keep the SIS ID (the token lacks manage_sis)")
	}
	return got, nil
}

// categoryFor finds or makes the group category that holds group g alone.
//
// Canvas keeps a student in at most one group of a category: saving a
// membership removes the user's other active memberships in the category's
// peer groups (canvas-lms app/models/group_membership.rb,
// ensure_mutually_exclusive_membership; group.rb#peer_groups), and only
// student-organised and community categories, which the API cannot make,
// allow several (group_category.rb#allows_multiple_memberships?). The lms
// model lets a learner belong to any number of a course's groups (a
// learner in two occurrences of one unit), so one shared category would
// move such a learner back and forth on every run. Each group therefore
// gets a category of its own, with sis_group_category_id equal to the
// group's SIS ID (categories and groups have separate SIS ID namespaces)
// and named "<WithGroupCategory name>: <group name>". The mapping is left
// as it is: the rule is Canvas's, so it is kept here.
//
// A course's categories are listed once and cached (group SIS ID →
// category ID) under a lock, so concurrent CreateGroups neither list
// twice nor make a category twice; refresh lists again after Canvas said
// a cached category no longer exists.
func (l *LMS) categoryFor(ctx context.Context, op string, g lms.Group, refresh bool) (canvas.ID, error) {
	l.catMu.Lock()
	defer l.catMu.Unlock()
	if l.cats == nil {
		l.cats = map[string]canvas.ID{}
		l.catsListed = map[string]bool{}
	}
	if refresh {
		delete(l.cats, g.SISID)
		delete(l.catsListed, g.CourseSISID)
	}
	if id, ok := l.cats[g.SISID]; ok {
		return id, nil
	}
	course := canvas.SISCourse(g.CourseSISID)
	if !l.catsListed[g.CourseSISID] {
		for c, err := range l.c.GroupCategories.ListByCourse(ctx, course) {
			if err != nil {
				return 0, wrap(op, "group", g.SISID, err)
			}
			if c.SISGroupCategoryID != "" {
				l.cats[c.SISGroupCategoryID] = c.ID
			}
		}
		l.catsListed[g.CourseSISID] = true
		if id, ok := l.cats[g.SISID]; ok {
			return id, nil
		}
	}
	p := canvas.GroupCategoryParams{Name: l.categoryName(g.Name), SISGroupCategoryID: g.SISID}
	c, err := l.c.GroupCategories.Create(ctx, course, p)
	if errors.Is(err, canvas.ErrInvalid) && !errors.Is(err, canvas.ErrSISIDTaken) {
		// Category names are unique in a course; two groups may share a
		// name.
		p.Name = l.categoryName(g.Name + " (" + g.SISID + ")")
		c, err = l.c.GroupCategories.Create(ctx, course, p)
	}
	if err != nil {
		return 0, wrap(op, "group", g.SISID, err)
	}
	l.cats[g.SISID] = c.ID
	return c.ID, nil
}

func (l *LMS) categoryName(group string) string { return l.cfg.category + ": " + group }

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
	// The group's own category carries its name too; a group still in a
	// shared category from before (no category with its SIS ID) has none.
	_, err = l.c.GroupCategories.Update(ctx, canvas.SISGroupCategory(g.SISID), canvas.GroupCategoryParams{Name: l.categoryName(g.Name)})
	if err != nil && !errors.Is(err, canvas.ErrNotFound) && !errors.Is(err, canvas.ErrInvalid) {
		return wrap(op, "group", g.SISID, err)
	}
	return nil
}

// AddMember puts a user in a group: a group membership (Canvas returns an
// existing one), or in GroupsAsSections mode a student enrollment in the
// group's section (Canvas re-uses an existing one; an inactive one is
// reactivated). m.Status must be empty or active.
//
// Canvas admits a user to a course group only with a non-deleted
// enrollment in the group's course (group_memberships_controller.rb#create,
// group.rb#can_join?): enrol first. A membership Canvas refuses for that
// reason is an error matching ErrNotEnrolled (and lms.ErrNotFound), not a
// permission problem of the token. A group still in a category shared
// with other groups (the model before one category per group) is first
// moved to its own; see leaveSharedCategory.
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
	if err := l.leaveSharedCategory(ctx, op, m.GroupSISID); err != nil {
		return err
	}
	got, err := l.c.Groups.AddMember(ctx, canvas.SISGroup(m.GroupSISID), canvas.SISUser(m.UserSISID))
	if err != nil {
		if errors.Is(err, canvas.ErrForbidden) {
			return l.explainRefusedMember(ctx, op, m, err)
		}
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
	if err != nil && !errors.Is(err, canvas.ErrNotFound) {
		return wrap(op, "membership", m.Key(), err)
	}
	return nil
}
