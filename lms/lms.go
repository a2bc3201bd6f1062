// Package lms is the LMS-neutral model and the interface the Syncer drives.
//
// Everything is keyed by SIS ID: the stable identifier the SDK derives from
// VETtrak identifiers (see package mapping) and stores on every object it
// creates. Implementations look objects up by SIS ID, never by name or email.
//
// An implementation can sit on a remote LMS (package lms/canvaslms over the
// Canvas REST API), on memory (package lms/memlms, the embedded default) or
// on an LMS backend's own database: that is how the LMS-pulls model works,
// the backend implements LMS and the Syncer writes straight into it.
// Package lms/lmstest holds the conformance suite every implementation must
// pass.
package lms

import (
	"context"
)

// LMS is what the Syncer needs from a learning management system.
type LMS interface {
	Reader
	Writer
}

// Reader reads current LMS state in bulk.
type Reader interface {
	// ListCourses returns every course the implementation can see, with its
	// SIS ID (empty when the course has none) and course code. The Syncer
	// uses it to match courses by code (the LMS-pulls model) and to find the
	// courses it manages.
	ListCourses(ctx context.Context) ([]Course, error)
	// ReadState returns the current state of the given courses: the courses
	// themselves, their sections, groups, enrolments (all states but
	// deleted) and group memberships, and the users those enrolments and
	// memberships name. Courses that do not exist are left out, not errors.
	ReadState(ctx context.Context, courseSISIDs []string) (*State, error)
	// ReadUsers returns the users with the given SIS IDs that exist
	// anywhere in the LMS; unknown IDs are left out.
	ReadUsers(ctx context.Context, userSISIDs []string) ([]User, error)
	// ReadEvidence returns the assessments of a course and every learner's
	// submissions, progress and activity in it.
	ReadEvidence(ctx context.Context, courseSISID string) (*Evidence, error)
}

// Writer changes LMS state. Every method is keyed by SIS ID and must be
// safe to repeat: creating what already exists with the same SIS ID returns
// an error matching ErrConflict; enrolling an existing enrolment, adding an
// existing member or removing an absent one succeeds without change.
type Writer interface {
	CreateCourse(ctx context.Context, c Course) (Course, error)
	// UpdateCourse finds the course by c.ID when it is set, else by
	// c.SISID, and sets its SIS ID, name, code and dates to c's. Finding by
	// ID lets the Syncer adopt a course that exists without a SIS ID (the
	// LMS-pulls model matches courses by code) by giving it one.
	UpdateCourse(ctx context.Context, c Course) error
	CreateSection(ctx context.Context, s Section) (Section, error)
	UpdateSection(ctx context.Context, s Section) error
	CreateGroup(ctx context.Context, g Group) (Group, error)
	UpdateGroup(ctx context.Context, g Group) error
	CreateUser(ctx context.Context, u User) (User, error)
	UpdateUser(ctx context.Context, u User) error
	// Enrol creates or reactivates the enrolment (user, course, section,
	// role). Status must be StatusActive.
	Enrol(ctx context.Context, e Enrolment) (Enrolment, error)
	// Unenrol moves an enrolment to e.Status: StatusInactive, StatusCompleted
	// or StatusDeleted.
	Unenrol(ctx context.Context, e Enrolment) error
	AddMember(ctx context.Context, m Membership) error
	RemoveMember(ctx context.Context, m Membership) error
}

// ReadOptions leave parts out of a state read, where an implementation can
// save calls by it (see OptionsReader).
type ReadOptions struct {
	// SkipGroups leaves groups and memberships out: the caller has none to
	// compare (a workflow that makes no groups).
	SkipGroups bool
	// LimitUsers reads in full only the users in Users: State.Users holds
	// those of them the enrolments and memberships name, and no other. The
	// caller knows the rest are unchanged (the Syncer: their VETtrak
	// records did not change since they were last written), so a remote
	// LMS need not look up every learner of every course read, a cost
	// that grows with the account, not with what changed.
	LimitUsers bool
	Users      []string
}

// OptionsReader is implemented by an LMS that can read less than ReadState
// when told what is not needed. Reading groups costs a remote LMS one or
// more calls per course, so the Syncer uses it when its desired state
// holds no groups. ReadStateWith(ctx, ids, ReadOptions{}) equals
// ReadState(ctx, ids).
type OptionsReader interface {
	ReadStateWith(ctx context.Context, courseSISIDs []string, opts ReadOptions) (*State, error)
}
