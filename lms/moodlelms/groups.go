package moodlelms

import (
	"context"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

// kind tells the Moodle groups this package makes apart.
type kind int

const (
	kindOther   kind = iota // made by hand, no SIS ID: ignored
	kindSection             // idnumber = section prefix + SIS ID
	kindGroup               // idnumber = SIS ID
	kindStatus              // the completed-enrolments marker
)

func (l *LMS) classify(g moodle.Group) (kind, string) {
	switch {
	case g.IDNumber == "":
		return kindOther, ""
	case g.IDNumber == l.cfg.completed:
		return kindStatus, ""
	case strings.HasPrefix(g.IDNumber, l.cfg.sectionPrefix):
		return kindSection, strings.TrimPrefix(g.IDNumber, l.cfg.sectionPrefix)
	}
	return kindGroup, g.IDNumber
}

func (l *LMS) idnumber(k kind, sis string) string {
	if k == kindSection {
		return l.cfg.sectionPrefix + sis
	}
	return sis
}

func indexKey(k kind, sis string) string {
	if k == kindSection {
		return "s\x00" + sis
	}
	return "g\x00" + sis
}

// courseGroups reads a course's groups and brings the index up to date
// for that course: its SIS IDs are added and those gone are dropped.
func (l *LMS) courseGroups(ctx context.Context, courseID int64) ([]moodle.Group, error) {
	gs, err := l.c.Groups.GetCourseGroups(ctx, courseID)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, ref := range l.idx {
		if ref.course == courseID {
			delete(l.idx, key)
		}
	}
	for _, g := range gs {
		if k, sis := l.classify(g); k == kindSection || k == kindGroup {
			l.idx[indexKey(k, sis)] = groupRef{course: courseID, group: g.ID}
		}
	}
	return gs, nil
}

// locate finds the course and group of a section or group SIS ID. It
// looks in the index first; on a miss it reads the groups of every course
// with an idnumber (the courses this SDK manages), at most once per
// indexTTL, since a new SIS ID misses by design. Groups made outside this
// process since the last scan are therefore not seen for up to indexTTL.
func (l *LMS) locate(ctx context.Context, k kind, sis string) (groupRef, bool, error) {
	l.mu.Lock()
	ref, ok := l.idx[indexKey(k, sis)]
	fresh := !l.scanned.IsZero() && time.Since(l.scanned) < l.cfg.indexTTL
	l.mu.Unlock()
	if ok || fresh {
		return ref, ok, nil
	}
	cs, err := l.c.Courses.GetCoursesByField(ctx, "", "")
	if err != nil {
		return groupRef{}, false, err
	}
	for _, c := range cs {
		if c.IDNumber == "" || c.Format == moodle.SiteFormat {
			continue
		}
		if _, err := l.courseGroups(ctx, c.ID); err != nil && !moodle.HasCode(err, "errorcoursecontextnotvalid") {
			return groupRef{}, false, err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scanned = time.Now()
	ref, ok = l.idx[indexKey(k, sis)]
	return ref, ok, nil
}

func (l *LMS) forget(k kind, sis string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.idx, indexKey(k, sis))
}

func kindName(k kind) string {
	if k == kindSection {
		return "section"
	}
	return "group"
}

// create makes a section or group: unique SIS ID site-wide, unique name in
// the course.
func (l *LMS) create(ctx context.Context, op string, k kind, sis, courseSIS, name string) (string, error) {
	what := kindName(k)
	if sis == "" || strings.TrimSpace(sis) != sis {
		return "", fail(op, what, sis, lms.ErrInvalid, "empty SIS ID, or one with surrounding spaces (Moodle trims group idnumbers)")
	}
	if k == kindGroup && (strings.HasPrefix(sis, l.cfg.sectionPrefix) || sis == l.cfg.completed) {
		return "", fail(op, what, sis, lms.ErrInvalid, "SIS ID collides with the section prefix or the status group")
	}
	if strings.TrimSpace(name) == "" {
		return "", fail(op, what, sis, lms.ErrInvalid, "empty name")
	}
	c, err := l.course(ctx, op, courseSIS)
	if err != nil {
		return "", err
	}
	gs, err := l.courseGroups(ctx, c.ID)
	if err != nil {
		return "", wrap(op, what, sis, err)
	}
	for _, g := range gs {
		if g.Name == name {
			return "", fail(op, what, sis, lms.ErrConflict, "course "+courseSIS+" already has a group named "+name)
		}
	}
	ref, taken, err := l.locate(ctx, k, sis)
	if err != nil {
		return "", wrap(op, what, sis, err)
	}
	if taken && ref.course != c.ID {
		// Confirm with a fresh read of the other course: the group may
		// have been deleted there since it was indexed.
		if _, err := l.courseGroups(ctx, ref.course); err != nil && !moodle.HasCode(err, "errorcoursecontextnotvalid") {
			return "", wrap(op, what, sis, err)
		}
		_, taken, _ = l.locate(ctx, k, sis)
	}
	if taken {
		return "", fail(op, what, sis, lms.ErrConflict, "the SIS ID is in use")
	}
	made, err := l.c.Groups.CreateGroups(ctx, []moodle.NewGroup{{CourseID: c.ID, Name: name, IDNumber: l.idnumber(k, sis)}})
	if err != nil {
		return "", wrap(op, what, sis, err)
	}
	l.mu.Lock()
	l.idx[indexKey(k, sis)] = groupRef{course: c.ID, group: made[0].ID}
	l.mu.Unlock()
	return idString(made[0].ID), nil
}

// update renames a section or group found by SIS ID in its course.
func (l *LMS) update(ctx context.Context, op string, k kind, sis, courseSIS, name string) error {
	what := kindName(k)
	if strings.TrimSpace(name) == "" {
		return fail(op, what, sis, lms.ErrInvalid, "empty name")
	}
	c, err := l.course(ctx, op, courseSIS)
	if err != nil {
		return err
	}
	gs, err := l.courseGroups(ctx, c.ID)
	if err != nil {
		return wrap(op, what, sis, err)
	}
	for _, g := range gs {
		if gk, gsis := l.classify(g); gk == k && gsis == sis {
			if g.Name == name {
				return nil
			}
			return wrap(op, what, sis, l.c.Groups.UpdateGroups(ctx, []moodle.GroupUpdate{{ID: g.ID, Name: name}}))
		}
	}
	return fail(op, what, sis, lms.ErrNotFound, "no such "+what+" in course "+courseSIS)
}

// CreateSection makes the Moodle group standing for a section.
func (l *LMS) CreateSection(ctx context.Context, s lms.Section) (lms.Section, error) {
	id, err := l.create(ctx, "CreateSection", kindSection, s.SISID, s.CourseSISID, s.Name)
	s.ID = id
	return s, err
}

// UpdateSection renames a section's group.
func (l *LMS) UpdateSection(ctx context.Context, s lms.Section) error {
	return l.update(ctx, "UpdateSection", kindSection, s.SISID, s.CourseSISID, s.Name)
}

// CreateGroup makes a Moodle group.
func (l *LMS) CreateGroup(ctx context.Context, g lms.Group) (lms.Group, error) {
	id, err := l.create(ctx, "CreateGroup", kindGroup, g.SISID, g.CourseSISID, g.Name)
	g.ID = id
	return g, err
}

// UpdateGroup renames a group.
func (l *LMS) UpdateGroup(ctx context.Context, g lms.Group) error {
	return l.update(ctx, "UpdateGroup", kindGroup, g.SISID, g.CourseSISID, g.Name)
}

// member resolves a membership's group and user.
func (l *LMS) member(ctx context.Context, op string, m lms.Membership) (moodle.Member, error) {
	if m.GroupSISID == "" {
		return moodle.Member{}, fail(op, "membership", m.Key(), lms.ErrInvalid, "empty group SIS ID")
	}
	ref, ok, err := l.locate(ctx, kindGroup, m.GroupSISID)
	if err != nil {
		return moodle.Member{}, wrap(op, "membership", m.Key(), err)
	}
	if !ok {
		return moodle.Member{}, fail(op, "membership", m.Key(), lms.ErrNotFound, "no group has this SIS ID")
	}
	u, err := l.user(ctx, op, m.UserSISID)
	if err != nil {
		return moodle.Member{}, err
	}
	return moodle.Member{GroupID: ref.group, UserID: u.ID}, nil
}

// AddMember adds a user to a group; Moodle needs them enrolled in its
// course first, and ignores an existing member.
func (l *LMS) AddMember(ctx context.Context, m lms.Membership) error {
	mm, err := l.member(ctx, "AddMember", m)
	if err != nil {
		return err
	}
	err = l.c.Groups.AddGroupMembers(ctx, []moodle.Member{mm})
	if moodle.HasCode(err, "invalidrecord") {
		l.forget(kindGroup, m.GroupSISID) // deleted by hand since indexed
	}
	return wrap("AddMember", "membership", m.Key(), err)
}

// RemoveMember removes a user from a group (Moodle keeps no removed
// memberships, whatever m.Status says); removing a non-member succeeds.
func (l *LMS) RemoveMember(ctx context.Context, m lms.Membership) error {
	mm, err := l.member(ctx, "RemoveMember", m)
	if err != nil {
		return lms.IgnoreNotFound(err)
	}
	err = l.c.Groups.DeleteGroupMembers(ctx, []moodle.Member{mm})
	if moodle.HasCode(err, "invalidrecord") {
		l.forget(kindGroup, m.GroupSISID)
		return nil
	}
	return wrap("RemoveMember", "membership", m.Key(), err)
}
