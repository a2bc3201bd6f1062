package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// Workflow is how VETtrak records map onto LMS courses.
type Workflow string

// The five workflows; see the package documentation.
const (
	// WorkflowUnit: each unit's national code is one LMS course (matched
	// by code or SIS ID); sections per trainer or per occurrence.
	WorkflowUnit Workflow = "unit"
	// WorkflowModule: each programme is one course, each occurrence a
	// section; assessments name their units in brackets.
	WorkflowModule Workflow = "module"
	// WorkflowSubject: each subject (unit of study) is one course and each
	// of its occurrences a section.
	WorkflowSubject Workflow = "subject"
	// WorkflowCourse: each occurrence is one course.
	WorkflowCourse Workflow = "course"
	// WorkflowOccurrenceGroups: existing LMS courses whose code is a unit's
	// national code; each occurrence is a group in every matched course.
	WorkflowOccurrenceGroups Workflow = "occurrence_groups"
)

// Workflows lists every workflow.
func Workflows() []Workflow {
	return []Workflow{WorkflowUnit, WorkflowModule, WorkflowSubject, WorkflowCourse, WorkflowOccurrenceGroups}
}

// SectionMode chooses how the Unit workflow splits a course into sections.
type SectionMode string

// Section modes.
const (
	// SectionPerTrainer: one section per trainer; a learner joins the
	// sections of their trainers (per-enrolment links first, then the
	// occurrence's), or the occurrence's section when there is none.
	SectionPerTrainer SectionMode = "trainer"
	// SectionPerOccurrence: one section per occurrence.
	SectionPerOccurrence SectionMode = "occurrence"
)

// StaffRoles says which VETtrak staff types (provider-configured names such
// as "Trainer" or "Assessor", compared ignoring case and surrounding space)
// count as trainers and assessors, and which LMS role each gets. A type may
// be in both lists. Staff of other types are ignored with an info
// diagnostic.
type StaffRoles struct {
	Trainer      []string `json:"trainer"`
	Assessor     []string `json:"assessor"`
	TrainerRole  lms.Role `json:"trainer_role"`
	AssessorRole lms.Role `json:"assessor_role"`
}

// DefaultStaffRoles: "Trainer" and "Assessor", both teachers. The names are
// VETtrak's usual ones; providers configure their own (HELP:51000289109).
func DefaultStaffRoles() StaffRoles {
	return StaffRoles{
		Trainer:      []string{"Trainer"},
		Assessor:     []string{"Assessor"},
		TrainerRole:  lms.RoleTeacher,
		AssessorRole: lms.RoleTeacher,
	}
}

func typeIn(list []string, staffType string) bool {
	t := strings.TrimSpace(staffType)
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), t) })
}

// IsTrainer reports whether staffType counts as a trainer.
func (r StaffRoles) IsTrainer(staffType string) bool { return typeIn(r.Trainer, staffType) }

// IsAssessor reports whether staffType counts as an assessor.
func (r StaffRoles) IsAssessor(staffType string) bool { return typeIn(r.Assessor, staffType) }

// LoginSource is where a user's login comes from.
type LoginSource string

// Login sources.
const (
	LoginEmail      LoginSource = "email"       // the client's email, lower-cased
	LoginUsername   LoginSource = "username"    // the client's VETtrak username
	LoginClientCode LoginSource = "client_code" // the client code
)

// WithdrawalRule decides which enrolment statuses are withdrawals. VETtrak
// documents StatusType 0 (Active) and 1 (Completed) only; 9 was observed for
// "Pre-Reporting Withdrawal" and the rest of the list is unconfirmed, so the
// rule also matches status names.
type WithdrawalRule struct {
	StatusTypes    []int    `json:"status_types"`
	StatusContains []string `json:"status_contains"` // case-insensitive substrings of Status
}

// DefaultWithdrawalRule matches record.Enrolment.Withdrawn: StatusType 9,
// or a status naming a withdrawal or cancellation.
func DefaultWithdrawalRule() WithdrawalRule {
	return WithdrawalRule{StatusTypes: []int{9}, StatusContains: []string{"withdraw", "cancel"}}
}

// Withdrawn reports whether the enrolment is withdrawn under the rule.
func (w WithdrawalRule) Withdrawn(e record.Enrolment) bool {
	if slices.Contains(w.StatusTypes, e.StatusType) {
		return true
	}
	s := strings.ToLower(e.Status)
	return slices.ContainsFunc(w.StatusContains, func(sub string) bool {
		sub = strings.ToLower(strings.TrimSpace(sub))
		return sub != "" && strings.Contains(s, sub)
	})
}

// Config is the caller's choice of workflow and the settings that shape the
// desired LMS state. Build it with DefaultConfig and change what differs.
type Config struct {
	Workflow Workflow   `json:"workflow"`
	SIS      SISScheme  `json:"sis"`
	Staff    StaffRoles `json:"staff"`
	// Sections applies to the Unit workflow: per trainer or per occurrence.
	Sections SectionMode `json:"sections"`
	// CreateMissingCourses applies to the Unit and Occurrence-groups
	// workflows: a unit that matches no LMS course gets a new course (SIS ID
	// from the scheme) instead of a no_course diagnostic.
	CreateMissingCourses bool `json:"create_missing_courses"`
	// TimeZone is the IANA time zone given to users (e.g.
	// "Australia/Sydney"); empty leaves the LMS default. The Syncer should
	// set it only when it creates a user, never over the user's own choice.
	TimeZone string `json:"time_zone"`
	// Login lists login sources in order of preference. When a source gives
	// no value, or a value several people share, the next one is tried.
	Login []LoginSource `json:"login"`
	// RequireEmail leaves out learners and staff without a usable email.
	RequireEmail bool `json:"require_email"`
	// Withdrawal decides which enrolments are withdrawn.
	Withdrawal WithdrawalRule `json:"withdrawal"`
	// WithdrawnStatus is the LMS status of a withdrawn enrolment's
	// enrolments and memberships; DeletedStatus of a tombstoned one;
	// CompletedStatus of an enrolment VETtrak marks Completed
	// (StatusType 1).
	WithdrawnStatus lms.Status `json:"withdrawn_status"`
	DeletedStatus   lms.Status `json:"deleted_status"`
	CompletedStatus lms.Status `json:"completed_status"`
}

// DefaultConfig is the configuration for a workflow with the SDK's defaults:
// DefaultSISScheme, DefaultStaffRoles, sections per trainer, login from
// email then client code, withdrawals inactive (reversible; Canvas keeps the
// work), deletions deleted, completed enrolments left active. Courses are
// created for unmatched units in the Unit workflow (the SMS-pushes model) and
// not in the Occurrence-groups workflow, where the LMS owns its courses.
func DefaultConfig(w Workflow) Config {
	return Config{
		Workflow:             w,
		SIS:                  DefaultSISScheme(),
		Staff:                DefaultStaffRoles(),
		Sections:             SectionPerTrainer,
		CreateMissingCourses: w != WorkflowOccurrenceGroups,
		Login:                []LoginSource{LoginEmail, LoginClientCode},
		Withdrawal:           DefaultWithdrawalRule(),
		WithdrawnStatus:      lms.StatusInactive,
		DeletedStatus:        lms.StatusDeleted,
		CompletedStatus:      lms.StatusActive,
	}
}

// ErrInvalidConfig matches every *ConfigError.
var ErrInvalidConfig = errors.New("mapping: invalid config")

// ConfigError names a Config field and what is wrong with it.
type ConfigError struct {
	Field  string
	Reason string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("mapping: invalid config: %s: %s", e.Field, e.Reason)
}

// Is makes a ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

func configErr(field, reason string) error { return &ConfigError{Field: field, Reason: reason} }

func validStatus(s lms.Status) bool {
	switch s {
	case lms.StatusActive, lms.StatusInactive, lms.StatusCompleted, lms.StatusDeleted:
		return true
	}
	return false
}

// Validate reports the first invalid setting as a *ConfigError.
func (c Config) Validate() error {
	if !slices.Contains(Workflows(), c.Workflow) {
		return configErr("Workflow", fmt.Sprintf("unknown workflow %q", c.Workflow))
	}
	if err := c.SIS.Validate(); err != nil {
		return err
	}
	if c.Staff.TrainerRole == "" || c.Staff.AssessorRole == "" {
		return configErr("Staff", "TrainerRole and AssessorRole must be set")
	}
	if c.Workflow == WorkflowUnit && c.Sections != SectionPerTrainer && c.Sections != SectionPerOccurrence {
		return configErr("Sections", fmt.Sprintf("unknown section mode %q", c.Sections))
	}
	if !validTimeZoneName(c.TimeZone) {
		return configErr("TimeZone", fmt.Sprintf("%q is not an IANA time zone name", c.TimeZone))
	}
	if len(c.Login) == 0 {
		return configErr("Login", "at least one login source")
	}
	for _, l := range c.Login {
		if l != LoginEmail && l != LoginUsername && l != LoginClientCode {
			return configErr("Login", fmt.Sprintf("unknown login source %q", l))
		}
	}
	for _, f := range []struct {
		name string
		s    lms.Status
	}{{"WithdrawnStatus", c.WithdrawnStatus}, {"DeletedStatus", c.DeletedStatus}} {
		if !validStatus(f.s) || f.s == lms.StatusActive {
			return configErr(f.name, fmt.Sprintf("%q: must be inactive, completed or deleted", f.s))
		}
	}
	if !validStatus(c.CompletedStatus) {
		return configErr("CompletedStatus", fmt.Sprintf("unknown status %q", c.CompletedStatus))
	}
	return nil
}

// validTimeZoneName checks the shape of an IANA name without loading the
// zone database (mapping does no I/O): "Area/Location" made of letters,
// digits, '_', '-', '+'; or "UTC"; or empty.
func validTimeZoneName(tz string) bool {
	if tz == "" || tz == "UTC" {
		return true
	}
	if len(tz) > 64 {
		return false
	}
	for _, part := range strings.Split(tz, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '+') {
				return false
			}
		}
	}
	return true
}
