package sqllms

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vtsync/vtsync/lms"
)

// ListCourses returns every course, those without a SIS ID included.
func (l *LMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	const op = "ListCourses"
	if err := begin(ctx, op); err != nil {
		return nil, err
	}
	cs, err := l.courses(ctx, `SELECT id, sis_id, name, code, start_at, end_at FROM courses ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqllms: %s: %w", op, err)
	}
	return cs, nil
}

func (l *LMS) courses(ctx context.Context, query string, args ...any) ([]lms.Course, error) {
	rows, err := l.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lms.Course{}
	for rows.Next() {
		var (
			id         int64
			sis        sql.NullString
			c          lms.Course
			start, end sql.NullString
		)
		if err := rows.Scan(&id, &sis, &c.Name, &c.Code, &start, &end); err != nil {
			return nil, err
		}
		c.ID, c.SISID = strconv.FormatInt(id, 10), sis.String
		if c.Start, err = parseTime(start); err != nil {
			return nil, fmt.Errorf("course %q: %w", c.SISID, err)
		}
		if c.End, err = parseTime(end); err != nil {
			return nil, fmt.Errorf("course %q: %w", c.SISID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// placeholders returns "?, ?, ?" for n arguments and the arguments.
func placeholders(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// ReadState returns the named courses with their sections, groups,
// enrolments and memberships (all but deleted ones) and the users those
// name, each slice sorted by SIS ID or key. Unknown courses are left out.
func (l *LMS) ReadState(ctx context.Context, courseSISIDs []string) (*lms.State, error) {
	const op = "ReadState"
	if err := begin(ctx, op); err != nil {
		return nil, err
	}
	st := &lms.State{}
	if len(courseSISIDs) == 0 {
		return st, nil
	}
	// SQLite accepts a few thousand parameters; read in batches so a
	// provider with many courses never hits the limit.
	const batch = 500
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(courseSISIDs))), batch) {
		if err := l.readState(ctx, chunk, st); err != nil {
			return nil, fmt.Errorf("sqllms: %s: %w", op, err)
		}
	}
	slices.SortFunc(st.Courses, func(a, b lms.Course) int { return cmp.Compare(a.SISID, b.SISID) })
	slices.SortFunc(st.Sections, func(a, b lms.Section) int { return cmp.Compare(a.SISID, b.SISID) })
	slices.SortFunc(st.Groups, func(a, b lms.Group) int { return cmp.Compare(a.SISID, b.SISID) })
	slices.SortFunc(st.Enrolments, func(a, b lms.Enrolment) int { return cmp.Compare(a.Key(), b.Key()) })
	slices.SortFunc(st.Memberships, func(a, b lms.Membership) int { return cmp.Compare(a.Key(), b.Key()) })
	st.Users = slices.CompactFunc(slices.SortedFunc(slices.Values(st.Users), func(a, b lms.User) int { return cmp.Compare(a.SISID, b.SISID) }),
		func(a, b lms.User) bool { return a.SISID == b.SISID })
	return st, nil
}

func (l *LMS) readState(ctx context.Context, ids []string, st *lms.State) error {
	in, args := placeholders(ids)
	courses, err := l.courses(ctx, `SELECT id, sis_id, name, code, start_at, end_at FROM courses WHERE sis_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	st.Courses = append(st.Courses, courses...)

	children := func(table string, add func(id int64, sis, course, name string)) error {
		rows, err := l.db.QueryContext(ctx, `SELECT t.id, t.sis_id, c.sis_id, t.name FROM `+table+` t
			JOIN courses c ON c.id = t.course_id WHERE c.sis_id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var sis, course, name string
			if err := rows.Scan(&id, &sis, &course, &name); err != nil {
				return err
			}
			add(id, sis, course, name)
		}
		return rows.Err()
	}
	if err := children("sections", func(id int64, sis, course, name string) {
		st.Sections = append(st.Sections, lms.Section{ID: strconv.FormatInt(id, 10), SISID: sis, CourseSISID: course, Name: name})
	}); err != nil {
		return err
	}
	if err := children("class_groups", func(id int64, sis, course, name string) {
		st.Groups = append(st.Groups, lms.Group{ID: strconv.FormatInt(id, 10), SISID: sis, CourseSISID: course, Name: name})
	}); err != nil {
		return err
	}

	const userCols = `u.id, u.sis_id, u.login, u.given_name, u.family_name, u.email, u.time_zone`
	rows, err := l.db.QueryContext(ctx, `SELECT e.id, c.sis_id, COALESCE(s.sis_id, ''), e.role, e.status, `+userCols+`
		FROM enrolments e JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = e.user_id
		LEFT JOIN sections s ON s.id = e.section_id
		WHERE e.status <> 'deleted' AND c.sis_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e lms.Enrolment
		var u lms.User
		var uid int64
		if err := rows.Scan(&id, &e.CourseSISID, &e.SectionSISID, &e.Role, &e.Status,
			&uid, &u.SISID, &u.Login, &u.GivenName, &u.FamilyName, &u.Email, &u.TimeZone); err != nil {
			return err
		}
		e.ID, e.UserSISID, u.ID = strconv.FormatInt(id, 10), u.SISID, strconv.FormatInt(uid, 10)
		st.Enrolments = append(st.Enrolments, e)
		st.Users = append(st.Users, u)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	mrows, err := l.db.QueryContext(ctx, `SELECT g.sis_id, m.status, `+userCols+`
		FROM memberships m JOIN class_groups g ON g.id = m.group_id JOIN courses c ON c.id = g.course_id JOIN users u ON u.id = m.user_id
		WHERE m.status <> 'deleted' AND c.sis_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer mrows.Close()
	for mrows.Next() {
		var m lms.Membership
		var u lms.User
		var uid int64
		if err := mrows.Scan(&m.GroupSISID, &m.Status, &uid, &u.SISID, &u.Login, &u.GivenName, &u.FamilyName, &u.Email, &u.TimeZone); err != nil {
			return err
		}
		m.UserSISID, u.ID = u.SISID, strconv.FormatInt(uid, 10)
		st.Memberships = append(st.Memberships, m)
		st.Users = append(st.Users, u)
	}
	return mrows.Err()
}

// ReadUsers returns the users with the given SIS IDs, sorted, each once;
// unknown IDs are left out.
func (l *LMS) ReadUsers(ctx context.Context, userSISIDs []string) ([]lms.User, error) {
	const op = "ReadUsers"
	if err := begin(ctx, op); err != nil {
		return nil, err
	}
	out := []lms.User{}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(userSISIDs))), 500) {
		in, args := placeholders(chunk)
		rows, err := l.db.QueryContext(ctx, `SELECT id, sis_id, login, given_name, family_name, email, time_zone
			FROM users WHERE sis_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqllms: %s: %w", op, err)
		}
		for rows.Next() {
			var u lms.User
			var id int64
			if err := rows.Scan(&id, &u.SISID, &u.Login, &u.GivenName, &u.FamilyName, &u.Email, &u.TimeZone); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqllms: %s: %w", op, err)
			}
			u.ID = strconv.FormatInt(id, 10)
			out = append(out, u)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("sqllms: %s: %w", op, err)
		}
	}
	slices.SortFunc(out, func(a, b lms.User) int { return cmp.Compare(a.SISID, b.SISID) })
	return out, nil
}

// ReadEvidence returns a course's assessments (in the order added), every
// learner's submissions, progress and activity. An unknown course is
// lms.ErrNotFound.
func (l *LMS) ReadEvidence(ctx context.Context, courseSISID string) (*lms.Evidence, error) {
	const op = "ReadEvidence"
	if err := begin(ctx, op); err != nil {
		return nil, err
	}
	course, err := rowID(ctx, l.db, `SELECT id FROM courses WHERE sis_id = ?`, courseSISID)
	if err != nil {
		return nil, dbError(op, "course", courseSISID, err)
	}
	if course == 0 {
		return nil, errorf(op, "course", courseSISID, lms.ErrNotFound, "")
	}
	ev := &lms.Evidence{CourseSISID: courseSISID, Assessments: []lms.Assessment{}, Submissions: []lms.Submission{},
		Progress: []lms.CourseProgress{}, Activity: []lms.Activity{}}
	if err := l.readEvidence(ctx, course, ev); err != nil {
		return nil, dbError(op, "course", courseSISID, err)
	}
	return ev, nil
}

func (l *LMS) readEvidence(ctx context.Context, course int64, ev *lms.Evidence) error {
	rows, err := l.db.QueryContext(ctx, `SELECT id, title, kind, points, grading_type, published FROM assessments WHERE course_id = ? ORDER BY id`, course)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a lms.Assessment
		var id int64
		var pts sql.NullFloat64
		if err := rows.Scan(&id, &a.Title, &a.Kind, &pts, &a.GradingType, &a.Published); err != nil {
			rows.Close()
			return err
		}
		a.ID, a.CourseSISID, a.PointsPossible = strconv.FormatInt(id, 10), ev.CourseSISID, floatPtr(pts)
		ev.Assessments = append(ev.Assessments, a)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	rows, err = l.db.QueryContext(ctx, `SELECT s.assessment_id, u.sis_id, s.state, s.grade, s.score, s.excused, s.late, s.missing, s.submitted_at, s.graded_at
		FROM submissions s JOIN assessments a ON a.id = s.assessment_id JOIN users u ON u.id = s.user_id
		WHERE a.course_id = ? ORDER BY s.assessment_id, u.sis_id`, course)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s lms.Submission
		var aid int64
		var score sql.NullFloat64
		var submitted, graded sql.NullString
		if err := rows.Scan(&aid, &s.UserSISID, &s.State, &s.Grade, &score, &s.Excused, &s.Late, &s.Missing, &submitted, &graded); err != nil {
			rows.Close()
			return err
		}
		s.AssessmentID, s.Score = strconv.FormatInt(aid, 10), floatPtr(score)
		if s.SubmittedAt, err = parseTime(submitted); err == nil {
			s.GradedAt, err = parseTime(graded)
		}
		if err != nil {
			rows.Close()
			return err
		}
		ev.Submissions = append(ev.Submissions, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	rows, err = l.db.QueryContext(ctx, `SELECT u.sis_id, p.total, p.completed, p.completed_at
		FROM progress p JOIN users u ON u.id = p.user_id WHERE p.course_id = ? ORDER BY u.sis_id`, course)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p lms.CourseProgress
		var done sql.NullString
		if err := rows.Scan(&p.UserSISID, &p.RequirementsTotal, &p.RequirementsCompleted, &done); err != nil {
			rows.Close()
			return err
		}
		if p.CompletedAt, err = parseTime(done); err != nil {
			rows.Close()
			return err
		}
		ev.Progress = append(ev.Progress, p)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	rows, err = l.db.QueryContext(ctx, `SELECT u.sis_id, a.first_at, a.last_at, a.final_grade, a.final_score
		FROM activity a JOIN users u ON u.id = a.user_id WHERE a.course_id = ? ORDER BY u.sis_id`, course)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a lms.Activity
		var first, last sql.NullString
		var score sql.NullFloat64
		if err := rows.Scan(&a.UserSISID, &first, &last, &a.FinalGrade, &score); err != nil {
			return err
		}
		if a.FirstActivity, err = parseTime(first); err == nil {
			a.LastActivity, err = parseTime(last)
		}
		if err != nil {
			return err
		}
		a.FinalScore = floatPtr(score)
		ev.Activity = append(ev.Activity, a)
	}
	return rows.Err()
}
