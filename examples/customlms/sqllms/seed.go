package sqllms

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/vtsync/vtsync/lms"
)

// The methods here are the LMS's own features, which no sync drives: a
// teacher making a course, setting work, learners handing it in and
// progressing through modules. They are not part of lms.LMS.

// SeedCourse makes a course as a person would in the LMS's own screens:
// its SIS ID may be empty, and the Syncer adopts such a course by its code.
func (l *LMS) SeedCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	if err := begin(ctx, "SeedCourse"); err != nil {
		return lms.Course{}, err
	}
	return l.insertCourse(ctx, "SeedCourse", c)
}

// AddAssessment adds a graded item to the course a.CourseSISID and returns
// it with its ID (a.ID is ignored).
func (l *LMS) AddAssessment(ctx context.Context, a lms.Assessment) (lms.Assessment, error) {
	const op = "AddAssessment"
	if err := begin(ctx, op); err != nil {
		return lms.Assessment{}, err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		course, err := rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, a.CourseSISID)
		if err != nil {
			return err
		}
		if course == 0 {
			return errorf(op, "assessment", a.Title, lms.ErrNotFound, "no course "+strconv.Quote(a.CourseSISID))
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO assessments (course_id, title, kind, points, grading_type, published) VALUES (?, ?, ?, ?, ?, ?)`,
			course, a.Title, string(a.Kind), nullFloat(a.PointsPossible), a.GradingType, a.Published)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		a.ID = strconv.FormatInt(id, 10)
		return err
	})
	if err != nil {
		return lms.Assessment{}, dbError(op, "assessment", a.Title, err)
	}
	return a, nil
}

// learner finds a user (by SIS ID) and returns their row ID.
func learner(ctx context.Context, tx *sql.Tx, op, kind, key, userSISID string) (int64, error) {
	id, err := rowID(ctx, tx, `SELECT id FROM users WHERE sis_id = ?`, userSISID)
	if err == nil && id == 0 {
		err = errorf(op, kind, key, lms.ErrNotFound, "no user "+strconv.Quote(userSISID))
	}
	return id, err
}

// SetSubmission records a learner's latest attempt at an assessment,
// replacing any earlier one.
func (l *LMS) SetSubmission(ctx context.Context, s lms.Submission) error {
	const op = "SetSubmission"
	key := s.AssessmentID + "|" + s.UserSISID
	if err := begin(ctx, op); err != nil {
		return err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		aid, _ := strconv.ParseInt(s.AssessmentID, 10, 64)
		found, err := rowID(ctx, tx, `SELECT id FROM assessments WHERE id = ?`, aid)
		if err != nil {
			return err
		}
		if found == 0 {
			return errorf(op, "submission", key, lms.ErrNotFound, "no assessment "+strconv.Quote(s.AssessmentID))
		}
		user, err := learner(ctx, tx, op, "submission", key, s.UserSISID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO submissions
			(assessment_id, user_id, state, grade, score, excused, late, missing, submitted_at, graded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, found, user, string(s.State), s.Grade, nullFloat(s.Score),
			s.Excused, s.Late, s.Missing, timeText(s.SubmittedAt), timeText(s.GradedAt))
		return err
	})
	if err != nil {
		return dbError(op, "submission", key, err)
	}
	return nil
}

// SetProgress records a learner's module progress in a course.
func (l *LMS) SetProgress(ctx context.Context, courseSISID string, p lms.CourseProgress) error {
	return l.perLearner(ctx, "SetProgress", "progress", courseSISID, p.UserSISID,
		`INSERT OR REPLACE INTO progress (course_id, user_id, total, completed, completed_at) VALUES (?, ?, ?, ?, ?)`,
		p.RequirementsTotal, p.RequirementsCompleted, timeText(p.CompletedAt))
}

// SetActivity records a learner's first and last activity and course
// grade in a course.
func (l *LMS) SetActivity(ctx context.Context, courseSISID string, a lms.Activity) error {
	return l.perLearner(ctx, "SetActivity", "activity", courseSISID, a.UserSISID,
		`INSERT OR REPLACE INTO activity (course_id, user_id, first_at, last_at, final_grade, final_score) VALUES (?, ?, ?, ?, ?, ?)`,
		timeText(a.FirstActivity), timeText(a.LastActivity), a.FinalGrade, nullFloat(a.FinalScore))
}

// perLearner runs an insert whose first two parameters are the course and
// user row IDs.
func (l *LMS) perLearner(ctx context.Context, op, kind, courseSISID, userSISID, query string, args ...any) error {
	key := courseSISID + "|" + userSISID
	if err := begin(ctx, op); err != nil {
		return err
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		course, err := rowID(ctx, tx, `SELECT id FROM courses WHERE sis_id = ?`, courseSISID)
		if err != nil {
			return err
		}
		if course == 0 {
			return errorf(op, kind, key, lms.ErrNotFound, "no course "+strconv.Quote(courseSISID))
		}
		user, err := learner(ctx, tx, op, kind, key, userSISID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, query, append([]any{course, user}, args...)...)
		return err
	})
	if err != nil {
		return dbError(op, kind, key, err)
	}
	return nil
}
