package canvaslms

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// ErrNotEnrolled matches the error of an AddMember that Canvas refused
// because the user has no non-deleted enrollment in the group's course
// (group.rb#can_join?). The error also matches lms.ErrNotFound: what is
// missing is the enrollment, not a permission of the token.
var ErrNotEnrolled = errors.New("canvaslms: the user has no enrollment in the group's course")

// RetiredGroupSISPrefix starts the SIS ID a group from the shared-category
// model is left with when leaveSharedCategory moves its SIS ID to a group
// in a category of its own. ReadState leaves groups with it out.
const RetiredGroupSISPrefix = "vtsync-retired:"

// noteCategories records, from one course's groups listing, which of the
// groups with SIS IDs share a group category: the model before one
// category per group put them all in one. Canvas cannot move a group to
// another category through the API (groups_controller.rb#update reads
// group_category_id only outside the API), so the move is a copy; see
// leaveSharedCategory.
func (l *LMS) noteCategories(gs []canvas.Group) {
	per := map[canvas.ID]int{}
	for _, g := range gs {
		per[g.GroupCategoryID]++
	}
	l.sharedMu.Lock()
	defer l.sharedMu.Unlock()
	if l.shared == nil {
		l.shared = map[string]bool{}
	}
	for _, g := range gs {
		if per[g.GroupCategoryID] > 1 {
			l.shared[g.SISGroupID] = true
		} else {
			delete(l.shared, g.SISGroupID)
		}
	}
}

// leaveSharedCategory moves the group with SIS ID sis out of a category it
// shares with other groups of this LMS (courses made before one category
// per group), so adding a member can no longer remove the learner from
// another occurrence's group. It runs once per such group, before its
// first AddMember after a ReadState saw the sharing:
//
//  1. the old group's SIS ID becomes RetiredGroupSISPrefix + sis: the
//     group stays, with its members, discussions and files, for people to
//     tidy away, and ReadState no longer reads it;
//  2. a group with the SIS ID and name is made in a category of its own;
//  3. the old group's accepted members are added to it (one who can no
//     longer join, having lost their enrollment, is left out).
//
// A crash between the steps converges: after 1 the group is missing, so
// the next run creates it (in its own category) and adds its members;
// after 2 the members missing from the new group are added by the next
// run.
func (l *LMS) leaveSharedCategory(ctx context.Context, op, sis string) error {
	l.sharedMu.Lock()
	defer l.sharedMu.Unlock()
	if !l.shared[sis] {
		return nil
	}
	old, err := l.c.Groups.Get(ctx, canvas.SISGroup(sis))
	if err != nil {
		return wrap(op, "group", sis, err)
	}
	members, err := canvas.Collect(l.c.Groups.ListMemberships(ctx, old.ID))
	if err != nil {
		return wrap(op, "group", sis, err)
	}
	course, err := l.c.Courses.Get(ctx, old.CourseID)
	if err != nil {
		return wrap(op, "group", sis, err)
	}
	retired := RetiredGroupSISPrefix + sis
	if _, err := l.c.Groups.Update(ctx, old.ID, canvas.GroupParams{SISGroupID: &retired}); err != nil {
		return wrap(op, "group", sis, err)
	}
	l.log.Info("canvaslms: group moved out of a shared group category", "group", sis, "old_id", old.ID.String(), "retired_sis_id", retired)
	g := lms.Group{SISID: sis, CourseSISID: course.SISCourseID, Name: old.Name}
	if _, err := l.createCanvasGroup(ctx, op, g); err != nil {
		return err
	}
	delete(l.shared, sis)
	for _, m := range members {
		if m.WorkflowState != "accepted" && m.WorkflowState != "" {
			continue
		}
		if _, err := l.c.Groups.AddMember(ctx, canvas.SISGroup(sis), m.UserID); err != nil && !errors.Is(err, canvas.ErrForbidden) {
			return wrap(op, "group", sis, err)
		}
	}
	return nil
}

// explainRefusedMember turns Canvas's refusal of a membership (401, or
// 403 with the auth-error flag) into ErrNotEnrolled when the user has no
// non-deleted enrollment in the group's course, which is what Canvas
// checks; otherwise it is the permission error it looks like.
func (l *LMS) explainRefusedMember(ctx context.Context, op string, m lms.Membership, refusal error) error {
	key := m.Key()
	g, err := l.c.Groups.Get(ctx, canvas.SISGroup(m.GroupSISID))
	if err != nil {
		return wrap(op, "membership", key, refusal)
	}
	for en, err := range l.c.Enrollments.ListByCourse(ctx, g.CourseID,
		&canvas.ListEnrollmentsOptions{User: canvas.SISUser(m.UserSISID), State: canvas.AllEnrollmentStates()}) {
		if err != nil {
			if errors.Is(err, canvas.ErrNotFound) {
				break
			}
			return wrap(op, "membership", key, refusal)
		}
		if en.EnrollmentState != canvas.EnrollmentDeleted {
			return wrap(op, "membership", key, refusal)
		}
	}
	return fmt.Errorf("canvaslms: %s: membership %q: %w: %w: %w", op, key, ErrNotEnrolled, lms.ErrNotFound, refusal)
}
