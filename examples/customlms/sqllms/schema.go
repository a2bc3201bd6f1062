package sqllms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vtsync/vtsync/lms"
)

// schema is the LMS's tables. Courses made by hand have no SIS ID (NULL,
// which UNIQUE allows many of). An enrolment's section_id is 0 when it is
// in no section, so the UNIQUE identity holds (NULLs would never collide).
const schema = `
CREATE TABLE IF NOT EXISTS courses (
	id        INTEGER PRIMARY KEY,
	sis_id    TEXT UNIQUE,
	name      TEXT NOT NULL,
	code      TEXT NOT NULL,
	start_at  TEXT,
	end_at    TEXT
);
CREATE INDEX IF NOT EXISTS courses_code ON courses(code);
CREATE TABLE IF NOT EXISTS sections (
	id        INTEGER PRIMARY KEY,
	sis_id    TEXT NOT NULL UNIQUE,
	course_id INTEGER NOT NULL REFERENCES courses(id),
	name      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS class_groups (
	id        INTEGER PRIMARY KEY,
	sis_id    TEXT NOT NULL UNIQUE,
	course_id INTEGER NOT NULL REFERENCES courses(id),
	name      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
	id           INTEGER PRIMARY KEY,
	sis_id       TEXT NOT NULL UNIQUE,
	login        TEXT NOT NULL,
	login_folded TEXT UNIQUE,
	given_name   TEXT NOT NULL,
	family_name  TEXT NOT NULL,
	email        TEXT NOT NULL,
	time_zone    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrolments (
	id         INTEGER PRIMARY KEY,
	course_id  INTEGER NOT NULL REFERENCES courses(id),
	section_id INTEGER NOT NULL DEFAULT 0,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	role       TEXT NOT NULL,
	status     TEXT NOT NULL,
	UNIQUE (course_id, section_id, user_id, role)
);
CREATE TABLE IF NOT EXISTS memberships (
	group_id INTEGER NOT NULL REFERENCES class_groups(id),
	user_id  INTEGER NOT NULL REFERENCES users(id),
	status   TEXT NOT NULL,
	PRIMARY KEY (group_id, user_id)
);
CREATE TABLE IF NOT EXISTS assessments (
	id           INTEGER PRIMARY KEY,
	course_id    INTEGER NOT NULL REFERENCES courses(id),
	title        TEXT NOT NULL,
	kind         TEXT NOT NULL,
	points       REAL,
	grading_type TEXT NOT NULL,
	published    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
	assessment_id INTEGER NOT NULL REFERENCES assessments(id),
	user_id       INTEGER NOT NULL REFERENCES users(id),
	state         TEXT NOT NULL,
	grade         TEXT NOT NULL,
	score         REAL,
	excused       INTEGER NOT NULL,
	late          INTEGER NOT NULL,
	missing       INTEGER NOT NULL,
	submitted_at  TEXT,
	graded_at     TEXT,
	PRIMARY KEY (assessment_id, user_id)
);
CREATE TABLE IF NOT EXISTS progress (
	course_id    INTEGER NOT NULL REFERENCES courses(id),
	user_id      INTEGER NOT NULL REFERENCES users(id),
	total        INTEGER NOT NULL,
	completed    INTEGER NOT NULL,
	completed_at TEXT,
	PRIMARY KEY (course_id, user_id)
);
CREATE TABLE IF NOT EXISTS activity (
	course_id   INTEGER NOT NULL REFERENCES courses(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	first_at    TEXT,
	last_at     TEXT,
	final_grade TEXT NOT NULL,
	final_score REAL,
	PRIMARY KEY (course_id, user_id)
);
`

// LMS is lms.LMS on a SQLite database.
type LMS struct {
	db *sql.DB
}

var _ lms.LMS = (*LMS)(nil)

// Open opens (creating when needed) the database file at path and its
// tables.
func Open(ctx context.Context, path string) (*LMS, error) {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqllms: open %s: %w", path, err)
	}
	// One connection: SQLite allows one writer at a time, and a single
	// connection turns the Syncer's concurrent calls into a queue instead
	// of "database is locked" errors.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqllms: create tables in %s: %w", path, err)
	}
	return &LMS{db: db}, nil
}

// Close closes the database.
func (l *LMS) Close() error { return l.db.Close() }

// DB is the underlying database, for the team's own queries and reports.
func (l *LMS) DB() *sql.DB { return l.db }

// Error is the failure of one call: the method, the record, and the cause,
// which matches an lms sentinel (lms.ErrConflict, lms.ErrNotFound,
// lms.ErrInvalid) with errors.Is when it is one of those.
type Error struct {
	Op     string // the lms.LMS method
	Kind   string // course, section, group, user, enrolment, membership
	Key    string // the record's SIS ID or key
	Detail string
	Err    error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("sqllms: %s: %s %q", e.Op, e.Kind, e.Key)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(op, kind, key string, sentinel error, detail string) error {
	return &Error{Op: op, Kind: kind, Key: key, Detail: detail, Err: sentinel}
}

// dbError wraps a failure of the database; a UNIQUE constraint becomes
// lms.ErrConflict (the backstop for a race the explicit checks missed).
// Errors this package made already are returned as they are.
func dbError(op, kind, key string, err error) error {
	var own *Error
	if errors.As(err, &own) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		err = fmt.Errorf("%w: %w", lms.ErrConflict, err)
	}
	return &Error{Op: op, Kind: kind, Key: key, Err: err}
}

// begin reports a cancelled context before any work, so a cancelled call
// never writes.
func begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqllms: %s: %w", op, err)
	}
	return nil
}

// tx runs fn in a transaction, committing when it returns nil.
func (l *LMS) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		_ = t.Rollback()
		return err
	}
	return t.Commit()
}

// Times are stored as RFC 3339 text in UTC, which SQL tools read and sort.
func timeText(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return nil, fmt.Errorf("stored time %q: %w", s.String, err)
	}
	return &t, nil
}

func floatPtr(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	v := f.Float64
	return &v
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
