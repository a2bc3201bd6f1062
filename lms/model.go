package lms

import (
	"strings"
	"time"
)

// Role is what a person does in a course.
type Role string

// The roles the SDK assigns.
const (
	RoleStudent  Role = "student"
	RoleTeacher  Role = "teacher"
	RoleTA       Role = "ta"
	RoleDesigner Role = "designer"
	RoleObserver Role = "observer"
)

// Status is the lifecycle state of an enrolment or a group membership.
type Status string

// Enrolment and membership states. Removal in the SDK is always a move to
// one of the non-active states, chosen by policy, never an absence.
const (
	StatusActive    Status = "active"
	StatusInactive  Status = "inactive"
	StatusCompleted Status = "completed"
	StatusDeleted   Status = "deleted"
)

// Course is an LMS course.
type Course struct {
	// ID is the LMS's own identifier, filled in by reads; ignored by writes.
	ID    string `json:"id,omitempty"`
	SISID string `json:"sis_id"`
	Name  string `json:"name"`
	Code  string `json:"code"`
	// Start and End are optional course dates.
	Start *time.Time `json:"start,omitempty"`
	End   *time.Time `json:"end,omitempty"`
}

// Section is a section of a course.
type Section struct {
	ID          string `json:"id,omitempty"`
	SISID       string `json:"sis_id"`
	CourseSISID string `json:"course_sis_id"`
	Name        string `json:"name"`
}

// Group is a group of learners inside a course (Canvas groups, Coassemble
// groups, or sections where the implementation chooses).
type Group struct {
	ID          string `json:"id,omitempty"`
	SISID       string `json:"sis_id"`
	CourseSISID string `json:"course_sis_id"`
	Name        string `json:"name"`
}

// User is a person in the LMS.
type User struct {
	ID         string `json:"id,omitempty"`
	SISID      string `json:"sis_id"`
	Login      string `json:"login"`
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	Email      string `json:"email,omitempty"`
	// TimeZone is an IANA name such as "Australia/Sydney"; empty leaves the
	// LMS default.
	TimeZone string `json:"time_zone,omitempty"`
}

// DisplayName is "Given Family", trimmed.
func (u User) DisplayName() string {
	return strings.TrimSpace(strings.TrimSpace(u.GivenName) + " " + strings.TrimSpace(u.FamilyName))
}

// Enrolment places a user in a course (and optionally a section) with a role.
// Its identity is (CourseSISID, SectionSISID, UserSISID, Role).
type Enrolment struct {
	ID           string `json:"id,omitempty"`
	UserSISID    string `json:"user_sis_id"`
	CourseSISID  string `json:"course_sis_id"`
	SectionSISID string `json:"section_sis_id,omitempty"`
	Role         Role   `json:"role"`
	Status       Status `json:"status"`
}

// Key is the enrolment's identity.
func (e Enrolment) Key() string {
	return e.CourseSISID + "|" + e.SectionSISID + "|" + e.UserSISID + "|" + string(e.Role)
}

// Membership places a user in a group.
type Membership struct {
	GroupSISID string `json:"group_sis_id"`
	UserSISID  string `json:"user_sis_id"`
	Status     Status `json:"status"`
}

// Key is the membership's identity.
func (m Membership) Key() string { return m.GroupSISID + "|" + m.UserSISID }

// State is a set of LMS objects: what a read observed, or what mapping wants.
type State struct {
	Courses     []Course     `json:"courses,omitempty"`
	Sections    []Section    `json:"sections,omitempty"`
	Groups      []Group      `json:"groups,omitempty"`
	Users       []User       `json:"users,omitempty"`
	Enrolments  []Enrolment  `json:"enrolments,omitempty"`
	Memberships []Membership `json:"memberships,omitempty"`
}
