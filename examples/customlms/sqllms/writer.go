package sqllms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vtsync/vtsync/lms"
)

func checkSISID(op, kind, field, id string) error {
	switch {
	case id == "":
		return errorf(op, kind, id, lms.ErrInvalid, field+" is empty")
	case !utf8.ValidString(id):
		return errorf(op, kind, id, lms.ErrInvalid, field+" is not valid UTF-8")
	}
	return nil
}

func fold(login string) any {
	if login == "" {
		return nil // no login: NULL never collides
	}
	return strings.ToLower(login)
}

func validRole(r lms.Role) bool {
	switch r {
	case lms.RoleStudent, lms.RoleTeacher, lms.RoleTA, lms.RoleDesigner, lms.RoleObserver:
		return true
	}
	return false
}

func removal(s lms.Status) bool {
	return s == lms.StatusInactive || s == lms.StatusCompleted || s == lms.StatusDeleted
}

// rowID looks one row's ID up; 0 when there is none.
func rowID(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// CreateCourse creates a course. Its SIS ID must be new among courses.
func (l *LMS) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	const op = "CreateCourse"
	if err := begin(ctx, op); err != nil {
		return lms.Course{}, err
	}
	if err := checkSISID(op, "course", "SIS ID", c.SISID); err != nil {
		return lms.Course{}, err
	}
	return l.insertCourse(ctx, op, c)
}

func (l *LMS) insertCourse(ctx context.Context, op string, c lms.Course) (lms.Course, error) {
	var sis any
	if c.SISID != "" {
		sis = c.SISID
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		if c.SISID != "" {
			taken, err := rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, c.SISID)
			if err != nil {
				return err
			}
			if taken != 0 {
				return errorf(op, "course", c.SISID, lms.ErrConflict, "SIS ID already in use")
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO courses (sis_id, name, code, start_at, end_at) VALUES (?, ?, ?, ?, ?)`,
			sis, c.Name, c.Code, timeText(c.Start), timeText(c.End))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		c.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return lms.Course{}, dbError(op, "course", c.SISID, err)
	}
	return c, nil
}

// UpdateCourse finds the course by c.ID when set, else by c.SISID, and
// sets its SIS ID, name, code and dates.
func (l *LMS) UpdateCourse(ctx context.Context, c lms.Course) error {
	const op = "UpdateCourse"
	if err := begin(ctx, op); err != nil {
		return err
	}
	if err := checkSISID(op, "course", "SIS ID", c.SISID); err != nil {
		return err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var err error
		if c.ID != "" {
			if n, perr := strconv.ParseInt(c.ID, 10, 64); perr == nil {
				id, err = rowID(ctx, tx, `SELECT id FROM courses WHERE id = ?`, n)
			}
		} else {
			id, err = rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, c.SISID)
		}
		if err != nil {
			return err
		}
		if id == 0 {
			return errorf(op, "course", c.SISID, lms.ErrNotFound, "")
		}
		owner, err := rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, c.SISID)
		if err != nil {
			return err
		}
		if owner != 0 && owner != id {
			return errorf(op, "course", c.SISID, lms.ErrConflict, "SIS ID already in use")
		}
		_, err = tx.ExecContext(ctx, `UPDATE courses SET sis_id = ?, name = ?, code = ?, start_at = ?, end_at = ? WHERE id = ?`,
			c.SISID, c.Name, c.Code, timeText(c.Start), timeText(c.End), id)
		return err
	})
	if err != nil {
		return dbError(op, "course", c.SISID, err)
	}
	return nil
}

// CreateSection creates a section in an existing course. Its SIS ID must
// be new among sections.
func (l *LMS) CreateSection(ctx context.Context, s lms.Section) (lms.Section, error) {
	id, err := l.createChild(ctx, "CreateSection", "section", "sections", s.SISID, s.CourseSISID, s.Name)
	if err != nil {
		return lms.Section{}, err
	}
	s.ID = id
	return s, nil
}

// CreateGroup creates a group in an existing course. Its SIS ID must be new
// among groups.
func (l *LMS) CreateGroup(ctx context.Context, g lms.Group) (lms.Group, error) {
	id, err := l.createChild(ctx, "CreateGroup", "group", "class_groups", g.SISID, g.CourseSISID, g.Name)
	if err != nil {
		return lms.Group{}, err
	}
	g.ID = id
	return g, nil
}

// createChild inserts a section or group (table) into a course.
func (l *LMS) createChild(ctx context.Context, op, kind, table, sisID, courseSISID, name string) (string, error) {
	if err := begin(ctx, op); err != nil {
		return "", err
	}
	if err := checkSISID(op, kind, "SIS ID", sisID); err != nil {
		return "", err
	}
	if err := checkSISID(op, kind, "course SIS ID", courseSISID); err != nil {
		return "", err
	}
	var out string
	err := l.tx(ctx, func(tx *sql.Tx) error {
		course, err := rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, courseSISID)
		if err != nil {
			return err
		}
		if course == 0 {
			return errorf(op, kind, sisID, lms.ErrNotFound, "no course "+strconv.Quote(courseSISID))
		}
		taken, err := rowID(ctx, tx, `SELECT id FROM `+table+` WHERE sis_id = ?`, sisID)
		if err != nil {
			return err
		}
		if taken != 0 {
			return errorf(op, kind, sisID, lms.ErrConflict, "SIS ID already in use")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (sis_id, course_id, name) VALUES (?, ?, ?)`, sisID, course, name)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		out = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return "", dbError(op, kind, sisID, err)
	}
	return out, nil
}

// UpdateSection renames a section; it cannot move to another course.
func (l *LMS) UpdateSection(ctx context.Context, s lms.Section) error {
	return l.renameChild(ctx, "UpdateSection", "section", "sections", s.SISID, s.CourseSISID, s.Name)
}

// UpdateGroup renames a group; it cannot move to another course.
func (l *LMS) UpdateGroup(ctx context.Context, g lms.Group) error {
	return l.renameChild(ctx, "UpdateGroup", "group", "class_groups", g.SISID, g.CourseSISID, g.Name)
}

func (l *LMS) renameChild(ctx context.Context, op, kind, table, sisID, courseSISID, name string) error {
	if err := begin(ctx, op); err != nil {
		return err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var course sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT t.id, c.sis_id FROM `+table+` t JOIN courses c ON c.id = t.course_id WHERE t.sis_id = ?`, sisID).
			Scan(&id, &course)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(op, kind, sisID, lms.ErrNotFound, "")
		}
		if err != nil {
			return err
		}
		if courseSISID != "" && courseSISID != course.String {
			return errorf(op, kind, sisID, lms.ErrInvalid, "cannot move from course "+strconv.Quote(course.String)+" to "+strconv.Quote(courseSISID))
		}
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET name = ? WHERE id = ?`, name, id)
		return err
	})
	if err != nil {
		return dbError(op, kind, sisID, err)
	}
	return nil
}

// CreateUser creates a user. Its SIS ID must be new among users and its
// login (compared without case) new among logins.
func (l *LMS) CreateUser(ctx context.Context, u lms.User) (lms.User, error) {
	const op = "CreateUser"
	if err := begin(ctx, op); err != nil {
		return lms.User{}, err
	}
	if err := checkSISID(op, "user", "SIS ID", u.SISID); err != nil {
		return lms.User{}, err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		taken, err := rowID(ctx, tx, `SELECT id FROM users WHERE sis_id = ?`, u.SISID)
		if err != nil {
			return err
		}
		if taken != 0 {
			return errorf(op, "user", u.SISID, lms.ErrConflict, "SIS ID already in use")
		}
		if u.Login != "" {
			if taken, err = rowID(ctx, tx, `SELECT id FROM users WHERE login_folded = ?`, fold(u.Login)); err != nil {
				return err
			}
			if taken != 0 {
				return errorf(op, "user", u.SISID, lms.ErrConflict, "login already in use")
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users (sis_id, login, login_folded, given_name, family_name, email, time_zone)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.SISID, u.Login, fold(u.Login), u.GivenName, u.FamilyName, u.Email, u.TimeZone)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		u.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return lms.User{}, dbError(op, "user", u.SISID, err)
	}
	return u, nil
}

// UpdateUser sets a user's login, names, email and time zone.
func (l *LMS) UpdateUser(ctx context.Context, u lms.User) error {
	const op = "UpdateUser"
	if err := begin(ctx, op); err != nil {
		return err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		id, err := rowID(ctx, tx, `SELECT id FROM users WHERE sis_id = ?`, u.SISID)
		if err != nil {
			return err
		}
		if id == 0 {
			return errorf(op, "user", u.SISID, lms.ErrNotFound, "")
		}
		if u.Login != "" {
			owner, err := rowID(ctx, tx, `SELECT id FROM users WHERE login_folded = ?`, fold(u.Login))
			if err != nil {
				return err
			}
			if owner != 0 && owner != id {
				return errorf(op, "user", u.SISID, lms.ErrConflict, "login already in use")
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET login = ?, login_folded = ?, given_name = ?, family_name = ?, email = ?, time_zone = ? WHERE id = ?`,
			u.Login, fold(u.Login), u.GivenName, u.FamilyName, u.Email, u.TimeZone, id)
		return err
	})
	if err != nil {
		return dbError(op, "user", u.SISID, err)
	}
	return nil
}

// enrolTarget finds the rows an enrolment names: course, section (0 for
// none) and user. A section must belong to the course.
func enrolTarget(ctx context.Context, tx *sql.Tx, op string, e lms.Enrolment) (course, section, user int64, err error) {
	key := e.Key()
	if course, err = rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, e.CourseSISID); err != nil {
		return
	}
	if course == 0 {
		return 0, 0, 0, errorf(op, "enrolment", key, lms.ErrNotFound, "no course "+strconv.Quote(e.CourseSISID))
	}
	if user, err = rowID(ctx, tx, `SELECT id FROM users WHERE sis_id = ?`, e.UserSISID); err != nil {
		return
	}
	if user == 0 {
		return 0, 0, 0, errorf(op, "enrolment", key, lms.ErrNotFound, "no user "+strconv.Quote(e.UserSISID))
	}
	if e.SectionSISID != "" {
		if section, err = rowID(ctx, tx, `SELECT id FROM sections WHERE sis_id = ? AND course_id = ?`, e.SectionSISID, course); err != nil {
			return
		}
		if section == 0 {
			return 0, 0, 0, errorf(op, "enrolment", key, lms.ErrNotFound, "no section "+strconv.Quote(e.SectionSISID)+" in the course")
		}
	}
	return course, section, user, nil
}

// Enrol creates or reactivates the enrolment (user, course, section,
// role). Status must be active.
func (l *LMS) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	const op = "Enrol"
	if err := begin(ctx, op); err != nil {
		return lms.Enrolment{}, err
	}
	key := e.Key()
	if e.Status != lms.StatusActive {
		return lms.Enrolment{}, errorf(op, "enrolment", key, lms.ErrInvalid, "status "+strconv.Quote(string(e.Status))+" is not active")
	}
	if !validRole(e.Role) {
		return lms.Enrolment{}, errorf(op, "enrolment", key, lms.ErrInvalid, "unknown role "+strconv.Quote(string(e.Role)))
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		course, section, user, err := enrolTarget(ctx, tx, op, e)
		if err != nil {
			return err
		}
		// An upsert: enrolling again reactivates and keeps the ID.
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO enrolments (course_id, section_id, user_id, role, status) VALUES (?, ?, ?, ?, 'active')
			ON CONFLICT (course_id, section_id, user_id, role) DO UPDATE SET status = 'active' RETURNING id`,
			course, section, user, string(e.Role)).Scan(&id)
		e.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return lms.Enrolment{}, dbError(op, "enrolment", key, err)
	}
	return e, nil
}

// Unenrol moves an enrolment to e.Status (inactive, completed or deleted).
// An absent or deleted enrolment is left alone: removal is safe to repeat.
func (l *LMS) Unenrol(ctx context.Context, e lms.Enrolment) error {
	const op = "Unenrol"
	if err := begin(ctx, op); err != nil {
		return err
	}
	if !removal(e.Status) {
		return errorf(op, "enrolment", e.Key(), lms.ErrInvalid, "status "+strconv.Quote(string(e.Status))+" is not inactive, completed or deleted")
	}
	_, err := l.db.ExecContext(ctx, `UPDATE enrolments SET status = ?
		WHERE status <> 'deleted'
		AND course_id = (SELECT id FROM courses WHERE sis_id = ?)
		AND user_id = (SELECT id FROM users WHERE sis_id = ?)
		AND role = ?
		AND section_id = COALESCE((SELECT s.id FROM sections s JOIN courses c ON c.id = s.course_id WHERE s.sis_id = ? AND c.sis_id = ?), 0)`,
		string(e.Status), e.CourseSISID, e.UserSISID, string(e.Role), e.SectionSISID, e.CourseSISID)
	if err != nil {
		return dbError(op, "enrolment", e.Key(), err)
	}
	return nil
}

// AddMember puts a user in a group, or reactivates the membership.
func (l *LMS) AddMember(ctx context.Context, m lms.Membership) error {
	const op = "AddMember"
	if err := begin(ctx, op); err != nil {
		return err
	}
	key := m.Key()
	if m.Status != "" && m.Status != lms.StatusActive {
		return errorf(op, "membership", key, lms.ErrInvalid, "status "+strconv.Quote(string(m.Status))+" is not active")
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		group, err := rowID(ctx, tx, `SELECT id FROM class_groups WHERE sis_id = ?`, m.GroupSISID)
		if err != nil {
			return err
		}
		if group == 0 {
			return errorf(op, "membership", key, lms.ErrNotFound, "no group "+strconv.Quote(m.GroupSISID))
		}
		user, err := rowID(ctx, tx, `SELECT id FROM users WHERE sis_id = ?`, m.UserSISID)
		if err != nil {
			return err
		}
		if user == 0 {
			return errorf(op, "membership", key, lms.ErrNotFound, "no user "+strconv.Quote(m.UserSISID))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO memberships (group_id, user_id, status) VALUES (?, ?, 'active')
			ON CONFLICT (group_id, user_id) DO UPDATE SET status = 'active'`, group, user)
		return err
	})
	if err != nil {
		return dbError(op, "membership", key, err)
	}
	return nil
}

// RemoveMember moves a membership to m.Status when that is a removal
// status, else to deleted. An absent or deleted membership is left alone.
func (l *LMS) RemoveMember(ctx context.Context, m lms.Membership) error {
	const op = "RemoveMember"
	if err := begin(ctx, op); err != nil {
		return err
	}
	to := m.Status
	if !removal(to) {
		to = lms.StatusDeleted
	}
	_, err := l.db.ExecContext(ctx, `UPDATE memberships SET status = ?
		WHERE status <> 'deleted'
		AND group_id = (SELECT id FROM class_groups WHERE sis_id = ?)
		AND user_id = (SELECT id FROM users WHERE sis_id = ?)`, string(to), m.GroupSISID, m.UserSISID)
	if err != nil {
		return dbError(op, "membership", m.Key(), err)
	}
	return nil
}
