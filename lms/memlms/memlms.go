package memlms

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vtsync/vtsync/lms"
)

// LMS is an in-memory learning management system. The zero value is not
// usable; call New.
type LMS struct {
	mu  sync.Mutex
	seq int64

	courses     map[string]*course // by ID: a course may have no SIS ID
	courseBySIS map[string]string  // SIS ID → course ID
	sections    map[string]*section
	groups      map[string]*group
	users       map[string]*lms.User
	logins      map[string]string // folded login → user SIS ID
	enrolments  map[string]*enrolment
	memberships map[string]*lms.Membership
	evidence    map[string]*evidence // by course ID

	calls   map[Method]int
	changes int
	faults  map[Method]*fault
}

// Records keep the course's ID, not its SIS ID, because UpdateCourse may
// change a course's SIS ID and its sections, groups and enrolments follow
// it, as they do in an LMS that links them by its own IDs.
type course struct {
	seq int64
	c   lms.Course
}

type section struct {
	seq      int64
	courseID string
	s        lms.Section
}

type group struct {
	seq      int64
	courseID string
	g        lms.Group
}

type enrolment struct {
	courseID string
	e        lms.Enrolment
}

// Option configures an LMS.
type Option func(*LMS)

// New returns an empty in-memory LMS.
func New(opts ...Option) *LMS {
	m := &LMS{
		courses:     map[string]*course{},
		courseBySIS: map[string]string{},
		sections:    map[string]*section{},
		groups:      map[string]*group{},
		users:       map[string]*lms.User{},
		logins:      map[string]string{},
		enrolments:  map[string]*enrolment{},
		memberships: map[string]*lms.Membership{},
		evidence:    map[string]*evidence{},
		calls:       map[Method]int{},
		faults:      map[Method]*fault{},
	}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return m
}

var _ lms.LMS = (*LMS)(nil)

// nextID returns a new LMS-side ID. IDs are decimal strings like Canvas's,
// shared by every kind of object; callers must not rely on the format.
func (m *LMS) nextID() (string, int64) {
	m.seq++
	return strconv.FormatInt(m.seq, 10), m.seq
}

// begin counts the call, then reports the context's error or an injected
// fault. It must be called with m.mu held.
func (m *LMS) begin(ctx context.Context, meth Method) error {
	m.calls[meth]++
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memlms: %s: %w", meth, err)
	}
	return m.takeFault(meth)
}

// errorf builds an error that names the method and the record and wraps
// one of the lms sentinels.
func errorf(meth Method, kind, sisID string, sentinel error, detail string) error {
	if detail != "" {
		return fmt.Errorf("memlms: %s: %s %q: %s: %w", meth, kind, sisID, detail, sentinel)
	}
	return fmt.Errorf("memlms: %s: %s %q: %w", meth, kind, sisID, sentinel)
}

// checkSISID rejects SIS IDs no LMS could store or address: empty ones and
// ones that are not UTF-8 text.
func checkSISID(meth Method, kind, field, id string) error {
	switch {
	case id == "":
		return errorf(meth, kind, id, lms.ErrInvalid, field+" is empty")
	case !utf8.ValidString(id):
		return errorf(meth, kind, id, lms.ErrInvalid, field+" is not valid UTF-8")
	}
	return nil
}

func foldLogin(s string) string { return strings.ToLower(s) }

func validRole(r lms.Role) bool {
	switch r {
	case lms.RoleStudent, lms.RoleTeacher, lms.RoleTA, lms.RoleDesigner, lms.RoleObserver:
		return true
	}
	return false
}

func inactiveStatus(s lms.Status) bool {
	switch s {
	case lms.StatusInactive, lms.StatusCompleted, lms.StatusDeleted:
		return true
	}
	return false
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := *t
	return &v
}

func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}

func copyCourse(c lms.Course) lms.Course {
	c.Start = copyTime(c.Start)
	c.End = copyTime(c.End)
	return c
}

// courseBySISLocked returns the course with that SIS ID, or nil.
func (m *LMS) courseBySISLocked(sisID string) *course {
	id, ok := m.courseBySIS[sisID]
	if !ok {
		return nil
	}
	return m.courses[id]
}

// enrolKey is the enrolment's identity with the course's ID in place of
// its SIS ID, so that identity survives a course's SIS ID change.
func enrolKey(courseID string, e lms.Enrolment) string {
	return courseID + "|" + e.SectionSISID + "|" + e.UserSISID + "|" + string(e.Role)
}

// render returns the enrolment as reads show it, with the course's current
// SIS ID.
func (m *LMS) renderEnrolment(r *enrolment) lms.Enrolment {
	e := r.e
	if c := m.courses[r.courseID]; c != nil {
		e.CourseSISID = c.c.SISID
	}
	return e
}

func (m *LMS) renderSection(r *section) lms.Section {
	s := r.s
	if c := m.courses[r.courseID]; c != nil {
		s.CourseSISID = c.c.SISID
	}
	return s
}

func (m *LMS) renderGroup(r *group) lms.Group {
	g := r.g
	if c := m.courses[r.courseID]; c != nil {
		g.CourseSISID = c.c.SISID
	}
	return g
}
