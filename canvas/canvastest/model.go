package canvastest

import "time"

// The plain structs below are what the fake stores. Seeding helpers take
// them (IDs left zero are assigned) and read-back helpers return copies.

// Account is an account; the root account has ID 1 and no parent.
type Account struct {
	ID           int64
	Name         string
	SISAccountID string
	ParentID     int64
	// DefaultTimeZone is the account's default_time_zone, an IANA or
	// Rails zone name (Accounts API, the Account object:
	// developerdocs.instructure.com/services/canvas/resources/accounts).
	// Empty renders DefaultAccountTimeZone: seed data for an Australian
	// provider's account, not a Canvas default (Canvas's own example is
	// "America/Denver").
	DefaultTimeZone string
}

// DefaultAccountTimeZone is the zone an Account without DefaultTimeZone
// reports.
const DefaultAccountTimeZone = "Australia/Sydney"

// Term is an enrollment term.
type Term struct {
	ID        int64
	Name      string
	SISTermID string
}

// Course is a course. WorkflowState is what the API shows: unpublished,
// available, completed or deleted.
type Course struct {
	ID            int64
	AccountID     int64
	TermID        int64
	Name          string
	CourseCode    string
	SISCourseID   string
	IntegrationID string
	WorkflowState string
	StartAt       *time.Time
	EndAt         *time.Time
	TimeZone      string
	// RestrictEnrollmentsToCourseDates must be true for the dates to count.
	RestrictEnrollmentsToCourseDates bool
	// ModuleRequirements is the number of module completion requirements
	// (0: the course has no module progress to report).
	ModuleRequirements int
	SISImportID        int64
	CreatedAt          time.Time
}

// Section is a course section; WorkflowState is active or deleted.
type Section struct {
	ID            int64
	CourseID      int64
	Name          string
	SISSectionID  string
	IntegrationID string
	WorkflowState string
	StartAt       *time.Time
	EndAt         *time.Time
	SISImportID   int64
}

// User is a user with one login (pseudonym). WorkflowState is registered,
// pre_registered or deleted.
type User struct {
	ID            int64
	LoginRecordID int64
	Name          string
	ShortName     string
	SortableName  string
	LoginID       string
	SISUserID     string
	IntegrationID string
	Email         string
	TimeZone      string
	Locale        string
	WorkflowState string
	SISImportID   int64
}

// Enrollment places a user in a course section.
type Enrollment struct {
	ID        int64
	CourseID  int64
	SectionID int64
	UserID    int64
	// Type is StudentEnrollment, TeacherEnrollment, TaEnrollment,
	// ObserverEnrollment or DesignerEnrollment; Role is the role name
	// (the type, for base roles).
	Type  string
	Role  string
	State string
	// LimitPrivilegesToCourseSection mirrors the Canvas flag.
	LimitPrivilegesToCourseSection bool
	StartAt, EndAt                 *time.Time
	LastActivityAt                 *time.Time
	TotalActivityTime              int64
	// CurrentScore and FinalScore override the grades the fake computes
	// from submissions when set.
	CurrentScore, FinalScore *float64
	SISImportID              int64
	CreatedAt, UpdatedAt     time.Time
}

// GroupCategory is a set of groups in a course.
type GroupCategory struct {
	ID                 int64
	CourseID           int64
	Name               string
	SISGroupCategoryID string
	SelfSignup         string
	AutoLeader         string
	GroupLimit         *int
	// Role is "" for a category made through the API,
	// "student_organized" for the course's student group category or
	// "communities"; only the last two let a user be in several of the
	// category's groups.
	Role string
}

func (g *GroupCategory) allowsMultiple() bool {
	return g.Role == "student_organized" || g.Role == "communities"
}

// Group is a group in a category; WorkflowState is available or deleted.
type Group struct {
	ID            int64
	CategoryID    int64
	CourseID      int64
	Name          string
	Description   string
	SISGroupID    string
	JoinLevel     string
	IsPublic      bool
	WorkflowState string
}

// Membership is a user's membership of a group; WorkflowState is
// accepted, invited, requested or deleted.
type Membership struct {
	ID            int64
	GroupID       int64
	UserID        int64
	WorkflowState string
}

// Assignment is an assignment of a course.
type Assignment struct {
	ID             int64
	CourseID       int64
	Name           string
	PointsPossible float64
	// GradingType is points (default), pass_fail, percent, letter_grade,
	// gpa_scale or not_graded.
	GradingType string
	Published   bool
	DueAt       *time.Time
	Position    int
	PostToSIS   bool
}

// Submission is a student's submission for an assignment.
type Submission struct {
	ID           int64
	AssignmentID int64
	UserID       int64
	Score        *float64
	// Grade is the grade string ("85", "complete", "B+"); empty with a
	// score means the score's decimal form.
	Grade string
	// WorkflowState is submitted, unsubmitted, graded or pending_review.
	WorkflowState string
	SubmittedAt   *time.Time
	GradedAt      *time.Time
	Attempt       int
	Excused       bool
	Late          bool
	Missing       bool
}

// CourseProgress is a student's completion of a course's module requirements.
type CourseProgress struct {
	CourseID    int64
	UserID      int64
	Completed   int
	CompletedAt *time.Time
}

// SISImportError is a per-row problem recorded by a SIS import.
type SISImportError struct {
	File    string
	Row     int
	Message string
}

// SISImport is a SIS import as the fake tracks it.
type SISImport struct {
	ID            int64
	WorkflowState string
	Progress      int
	Counts        map[string]int
	Errors        []SISImportError
	BatchMode     bool
	BatchTermID   int64
	DiffingID     string
	CreatedAt     time.Time
	EndedAt       *time.Time
}

// Call is one request the fake received.
type Call struct {
	Method string
	// Endpoint is the route pattern, e.g. "GET courses/{id}/enrollments"
	// ("" when no route matched).
	Endpoint string
	// RawPath is the escaped path as it arrived on the wire.
	RawPath string
	Query   string
	// Params are the request's parameters, query and form body merged
	// (Rails's view), encoded sorted by key, without access_token; empty
	// when the request was answered before its parameters were read.
	Params string
	Status int
	Time   time.Time
}
