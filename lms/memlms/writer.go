package memlms

import (
	"context"
	"strconv"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// CreateCourse creates a course. Its SIS ID must be new among courses.
func (m *LMS) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, CreateCourse); err != nil {
		return lms.Course{}, err
	}
	if err := checkSISID(CreateCourse, "course", "SIS ID", c.SISID); err != nil {
		return lms.Course{}, err
	}
	return m.insertCourseLocked(CreateCourse, c)
}

// insertCourseLocked stores a new course; an empty SIS ID is allowed here
// because SeedCourse makes courses that exist without one.
func (m *LMS) insertCourseLocked(meth Method, c lms.Course) (lms.Course, error) {
	if c.SISID != "" && m.courseBySIS[c.SISID] != "" {
		return lms.Course{}, errorf(meth, "course", c.SISID, lms.ErrConflict, "SIS ID already in use")
	}
	id, seq := m.nextID()
	c = copyCourse(c)
	c.ID = id
	m.courses[id] = &course{seq: seq, c: c}
	if c.SISID != "" {
		m.courseBySIS[c.SISID] = id
	}
	m.changes++
	return copyCourse(c), nil
}

// UpdateCourse finds the course by c.ID when it is set, else by c.SISID,
// and sets its SIS ID, name, code and dates. Giving a course a SIS ID that
// another course holds is lms.ErrConflict.
func (m *LMS) UpdateCourse(ctx context.Context, c lms.Course) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, UpdateCourse); err != nil {
		return err
	}
	if err := checkSISID(UpdateCourse, "course", "SIS ID", c.SISID); err != nil {
		return err
	}
	var rec *course
	if c.ID != "" {
		rec = m.courses[c.ID]
		if rec == nil {
			return errorf(UpdateCourse, "course", c.SISID, lms.ErrNotFound, "no course with ID "+c.ID)
		}
	} else if rec = m.courseBySISLocked(c.SISID); rec == nil {
		return errorf(UpdateCourse, "course", c.SISID, lms.ErrNotFound, "")
	}
	if other := m.courseBySIS[c.SISID]; other != "" && other != rec.c.ID {
		return errorf(UpdateCourse, "course", c.SISID, lms.ErrConflict, "SIS ID already in use")
	}
	next := copyCourse(c)
	next.ID = rec.c.ID
	if courseEqual(rec.c, next) {
		return nil
	}
	if rec.c.SISID != "" {
		delete(m.courseBySIS, rec.c.SISID)
	}
	m.courseBySIS[next.SISID] = next.ID
	rec.c = next
	m.changes++
	return nil
}

func timeEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func courseEqual(a, b lms.Course) bool {
	return a.ID == b.ID && a.SISID == b.SISID && a.Name == b.Name && a.Code == b.Code &&
		timeEqual(a.Start, b.Start) && timeEqual(a.End, b.End)
}

// CreateSection creates a section in an existing course. Its SIS ID must
// be new among sections.
func (m *LMS) CreateSection(ctx context.Context, s lms.Section) (lms.Section, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, CreateSection); err != nil {
		return lms.Section{}, err
	}
	if err := checkSISID(CreateSection, "section", "SIS ID", s.SISID); err != nil {
		return lms.Section{}, err
	}
	if err := checkSISID(CreateSection, "section", "course SIS ID", s.CourseSISID); err != nil {
		return lms.Section{}, err
	}
	c := m.courseBySISLocked(s.CourseSISID)
	if c == nil {
		return lms.Section{}, errorf(CreateSection, "section", s.SISID, lms.ErrNotFound, "no course "+quote(s.CourseSISID))
	}
	if m.sections[s.SISID] != nil {
		return lms.Section{}, errorf(CreateSection, "section", s.SISID, lms.ErrConflict, "SIS ID already in use")
	}
	id, seq := m.nextID()
	s.ID = id
	m.sections[s.SISID] = &section{seq: seq, courseID: c.c.ID, s: s}
	m.changes++
	return s, nil
}

// UpdateSection renames a section. A section cannot move to another
// course: that is lms.ErrInvalid.
func (m *LMS) UpdateSection(ctx context.Context, s lms.Section) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, UpdateSection); err != nil {
		return err
	}
	rec := m.sections[s.SISID]
	if rec == nil {
		return errorf(UpdateSection, "section", s.SISID, lms.ErrNotFound, "")
	}
	if cur := m.renderSection(rec); s.CourseSISID != "" && s.CourseSISID != cur.CourseSISID {
		return errorf(UpdateSection, "section", s.SISID, lms.ErrInvalid,
			"cannot move from course "+quote(cur.CourseSISID)+" to "+quote(s.CourseSISID))
	}
	if rec.s.Name == s.Name {
		return nil
	}
	rec.s.Name = s.Name
	m.changes++
	return nil
}

// CreateGroup creates a group in an existing course. Its SIS ID must be
// new among groups.
func (m *LMS) CreateGroup(ctx context.Context, g lms.Group) (lms.Group, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, CreateGroup); err != nil {
		return lms.Group{}, err
	}
	if err := checkSISID(CreateGroup, "group", "SIS ID", g.SISID); err != nil {
		return lms.Group{}, err
	}
	if err := checkSISID(CreateGroup, "group", "course SIS ID", g.CourseSISID); err != nil {
		return lms.Group{}, err
	}
	c := m.courseBySISLocked(g.CourseSISID)
	if c == nil {
		return lms.Group{}, errorf(CreateGroup, "group", g.SISID, lms.ErrNotFound, "no course "+quote(g.CourseSISID))
	}
	if m.groups[g.SISID] != nil {
		return lms.Group{}, errorf(CreateGroup, "group", g.SISID, lms.ErrConflict, "SIS ID already in use")
	}
	id, seq := m.nextID()
	g.ID = id
	m.groups[g.SISID] = &group{seq: seq, courseID: c.c.ID, g: g}
	m.changes++
	return g, nil
}

// UpdateGroup renames a group. A group cannot move to another course: that
// is lms.ErrInvalid.
func (m *LMS) UpdateGroup(ctx context.Context, g lms.Group) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, UpdateGroup); err != nil {
		return err
	}
	rec := m.groups[g.SISID]
	if rec == nil {
		return errorf(UpdateGroup, "group", g.SISID, lms.ErrNotFound, "")
	}
	if cur := m.renderGroup(rec); g.CourseSISID != "" && g.CourseSISID != cur.CourseSISID {
		return errorf(UpdateGroup, "group", g.SISID, lms.ErrInvalid,
			"cannot move from course "+quote(cur.CourseSISID)+" to "+quote(g.CourseSISID))
	}
	if rec.g.Name == g.Name {
		return nil
	}
	rec.g.Name = g.Name
	m.changes++
	return nil
}

// CreateUser creates a user. Its SIS ID must be new among users and its
// login (compared without case, as Canvas does) new among logins.
func (m *LMS) CreateUser(ctx context.Context, u lms.User) (lms.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, CreateUser); err != nil {
		return lms.User{}, err
	}
	if err := checkSISID(CreateUser, "user", "SIS ID", u.SISID); err != nil {
		return lms.User{}, err
	}
	if m.users[u.SISID] != nil {
		return lms.User{}, errorf(CreateUser, "user", u.SISID, lms.ErrConflict, "SIS ID already in use")
	}
	if u.Login != "" {
		if _, taken := m.logins[foldLogin(u.Login)]; taken {
			return lms.User{}, errorf(CreateUser, "user", u.SISID, lms.ErrConflict, "login already in use")
		}
	}
	u.ID, _ = m.nextID()
	stored := u
	m.users[u.SISID] = &stored
	if u.Login != "" {
		m.logins[foldLogin(u.Login)] = u.SISID
	}
	m.changes++
	return u, nil
}

// UpdateUser sets a user's login, names, email and time zone. Taking
// another user's login is lms.ErrConflict.
func (m *LMS) UpdateUser(ctx context.Context, u lms.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, UpdateUser); err != nil {
		return err
	}
	cur := m.users[u.SISID]
	if cur == nil {
		return errorf(UpdateUser, "user", u.SISID, lms.ErrNotFound, "")
	}
	if u.Login != "" {
		if owner, taken := m.logins[foldLogin(u.Login)]; taken && owner != u.SISID {
			return errorf(UpdateUser, "user", u.SISID, lms.ErrConflict, "login already in use")
		}
	}
	u.ID = cur.ID
	if u == *cur {
		return nil
	}
	if cur.Login != "" {
		delete(m.logins, foldLogin(cur.Login))
	}
	if u.Login != "" {
		m.logins[foldLogin(u.Login)] = u.SISID
	}
	*cur = u
	m.changes++
	return nil
}

// Enrol creates or reactivates the enrolment (user, course, section,
// role). The course, user and section (when named) must exist, and the
// section must belong to the course; otherwise lms.ErrNotFound, as Canvas
// scopes its section lookup to the course.
func (m *LMS) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, Enrol); err != nil {
		return lms.Enrolment{}, err
	}
	key := e.Key()
	if e.Status != lms.StatusActive {
		return lms.Enrolment{}, errorf(Enrol, "enrolment", key, lms.ErrInvalid, "status "+quote(string(e.Status))+" is not active")
	}
	if !validRole(e.Role) {
		return lms.Enrolment{}, errorf(Enrol, "enrolment", key, lms.ErrInvalid, "unknown role "+quote(string(e.Role)))
	}
	c, err := m.enrolmentTargetsLocked(Enrol, e)
	if err != nil {
		return lms.Enrolment{}, err
	}
	k := enrolKey(c.c.ID, e)
	if rec := m.enrolments[k]; rec != nil {
		if rec.e.Status != lms.StatusActive {
			rec.e.Status = lms.StatusActive
			m.changes++
		}
		return m.renderEnrolment(rec), nil
	}
	e.ID, _ = m.nextID()
	rec := &enrolment{courseID: c.c.ID, e: e}
	m.enrolments[k] = rec
	m.changes++
	return m.renderEnrolment(rec), nil
}

func (m *LMS) enrolmentTargetsLocked(meth Method, e lms.Enrolment) (*course, error) {
	key := e.Key()
	c := m.courseBySISLocked(e.CourseSISID)
	if c == nil {
		return nil, errorf(meth, "enrolment", key, lms.ErrNotFound, "no course "+quote(e.CourseSISID))
	}
	if m.users[e.UserSISID] == nil {
		return nil, errorf(meth, "enrolment", key, lms.ErrNotFound, "no user "+quote(e.UserSISID))
	}
	if e.SectionSISID != "" {
		s := m.sections[e.SectionSISID]
		if s == nil || s.courseID != c.c.ID {
			return nil, errorf(meth, "enrolment", key, lms.ErrNotFound, "no section "+quote(e.SectionSISID)+" in the course")
		}
	}
	return c, nil
}

// Unenrol moves an enrolment to e.Status (inactive, completed or deleted).
// An absent or already deleted enrolment, including one whose course or
// user does not exist, is left alone without error: removal is safe to
// repeat.
func (m *LMS) Unenrol(ctx context.Context, e lms.Enrolment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, Unenrol); err != nil {
		return err
	}
	if !inactiveStatus(e.Status) {
		return errorf(Unenrol, "enrolment", e.Key(), lms.ErrInvalid, "status "+quote(string(e.Status))+" is not inactive, completed or deleted")
	}
	c := m.courseBySISLocked(e.CourseSISID)
	if c == nil {
		return nil
	}
	rec := m.enrolments[enrolKey(c.c.ID, e)]
	if rec == nil || rec.e.Status == lms.StatusDeleted || rec.e.Status == e.Status {
		return nil
	}
	rec.e.Status = e.Status
	m.changes++
	return nil
}

// AddMember puts a user in a group, or reactivates the membership. The
// group and user must exist. m.Status must be empty or active.
func (m *LMS) AddMember(ctx context.Context, mb lms.Membership) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, AddMember); err != nil {
		return err
	}
	key := mb.Key()
	if mb.Status != "" && mb.Status != lms.StatusActive {
		return errorf(AddMember, "membership", key, lms.ErrInvalid, "status "+quote(string(mb.Status))+" is not active")
	}
	if m.groups[mb.GroupSISID] == nil {
		return errorf(AddMember, "membership", key, lms.ErrNotFound, "no group "+quote(mb.GroupSISID))
	}
	if m.users[mb.UserSISID] == nil {
		return errorf(AddMember, "membership", key, lms.ErrNotFound, "no user "+quote(mb.UserSISID))
	}
	if rec := m.memberships[key]; rec != nil {
		if rec.Status != lms.StatusActive {
			rec.Status = lms.StatusActive
			m.changes++
		}
		return nil
	}
	mb.Status = lms.StatusActive
	m.memberships[key] = &mb
	m.changes++
	return nil
}

// RemoveMember moves a membership to m.Status when that is inactive,
// completed or deleted, and to deleted otherwise (lms.Writer leaves the
// target open for memberships, and Canvas can only delete them). An absent
// or already deleted membership is left alone without error.
func (m *LMS) RemoveMember(ctx context.Context, mb lms.Membership) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(ctx, RemoveMember); err != nil {
		return err
	}
	to := mb.Status
	if !inactiveStatus(to) {
		to = lms.StatusDeleted
	}
	rec := m.memberships[mb.Key()]
	if rec == nil || rec.Status == lms.StatusDeleted || rec.Status == to {
		return nil
	}
	rec.Status = to
	m.changes++
	return nil
}

func quote(s string) string { return strconv.Quote(s) }
