package lms

import (
	"context"
	"errors"
	"fmt"
)

// BulkKind names the Writer method a bulk write stands for. The values
// equal the Syncer's operation kinds.
type BulkKind string

// The kinds of bulk writes: one per Writer method.
const (
	BulkCreateCourse  BulkKind = "create_course"
	BulkUpdateCourse  BulkKind = "update_course"
	BulkCreateSection BulkKind = "create_section"
	BulkUpdateSection BulkKind = "update_section"
	BulkCreateGroup   BulkKind = "create_group"
	BulkUpdateGroup   BulkKind = "update_group"
	BulkCreateUser    BulkKind = "create_user"
	BulkUpdateUser    BulkKind = "update_user"
	BulkEnrol         BulkKind = "enrol"
	BulkUnenrol       BulkKind = "unenrol"
	BulkAddMember     BulkKind = "add_member"
	BulkRemoveMember  BulkKind = "remove_member"
)

// BulkWrite is one write of a bulk apply: the Writer method Kind names
// with the one payload field that matches it set.
type BulkWrite struct {
	Kind       BulkKind
	Course     *Course
	Section    *Section
	Group      *Group
	User       *User
	Enrolment  *Enrolment
	Membership *Membership
}

// Key names the write's object, for errors.
func (w BulkWrite) Key() string {
	switch {
	case w.Course != nil:
		return w.Course.SISID
	case w.Section != nil:
		return w.Section.SISID
	case w.Group != nil:
		return w.Group.SISID
	case w.User != nil:
		return w.User.SISID
	case w.Enrolment != nil:
		return w.Enrolment.Key()
	case w.Membership != nil:
		return w.Membership.Key()
	}
	return ""
}

// BulkProgress is how far a bulk write has come.
type BulkProgress struct {
	// Percent is the LMS's own estimate, 0..100.
	Percent int
	// State is the LMS's word for the stage (for Canvas, the SIS import's
	// workflow state).
	State string
}

// BulkWriter is implemented by an LMS that can apply many writes at once
// more cheaply than one call each (Canvas: one SIS import). The Syncer
// uses it when a plan's LMS writes pass its bulk threshold.
//
// BulkWrite applies writes with the same meaning and the same safety to
// repeat as the Writer methods they stand for, in dependency order
// whatever their order in the slice (courses, then sections, groups and
// users, then enrolments, then memberships). It returns one error per
// write, aligned with writes: nil only for a write the LMS confirmed. A
// non-nil second result means the call as a whole failed or was cancelled:
// then no write counts as confirmed, whatever the LMS did with it (writes
// are repeatable, so the next run converges). progress, when not nil, is
// called as the LMS reports progress.
type BulkWriter interface {
	// CanBulk reports whether w can go in a bulk write; a write it cannot
	// carry (a field the bulk format has no column for) goes through the
	// Writer method instead.
	CanBulk(w BulkWrite) bool
	BulkWrite(ctx context.Context, writes []BulkWrite, progress func(BulkProgress)) ([]error, error)
}

// ErrBulkRefused marks a write a bulk apply did not confirm: the LMS
// reported a problem with its row, or did not report it applied.
var ErrBulkRefused = errors.New("lms: bulk write not confirmed")

// BulkRowError is the LMS's message about one write of a bulk apply. It
// matches ErrBulkRefused.
type BulkRowError struct {
	Kind    BulkKind
	Key     string
	File    string
	Row     int
	Message string
}

func (e *BulkRowError) Error() string {
	where := e.File
	if e.Row > 0 {
		where = fmt.Sprintf("%s row %d", e.File, e.Row)
	}
	return fmt.Sprintf("lms: bulk %s %s: %s: %s", e.Kind, e.Key, where, e.Message)
}

// Unwrap makes the error match ErrBulkRefused.
func (e *BulkRowError) Unwrap() error { return ErrBulkRefused }
