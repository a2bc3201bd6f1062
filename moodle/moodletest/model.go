package moodletest

// Course is a course row. ID 1 is the front page (format "site").
type Course struct {
	ID               int64
	FullName         string
	ShortName        string
	IDNumber         string
	CategoryID       int64
	Summary          string
	Format           string
	StartDate        int64
	EndDate          int64
	Visible          int64
	EnableCompletion int64
	TimeCreated      int64
	TimeModified     int64
	// ManualEnrol is whether the course has a manual enrolment instance
	// and ManualEnabled whether it is enabled (enrol_manual/defaultenrol
	// adds an enabled one to new courses).
	ManualEnrol   bool
	ManualEnabled bool
}

// User is a user row.
type User struct {
	ID          int64
	Username    string
	FirstName   string
	LastName    string
	Email       string
	IDNumber    string
	Auth        string
	Password    string
	Suspended   bool
	Timezone    string
	FirstAccess int64
	LastAccess  int64
}

// Role is a role; IDs follow a fresh install (lib/db/install.php), which
// real sites do not guarantee.
type Role struct {
	ID        int64
	ShortName string
	// Assignable at course level (archetypes manager, editingteacher,
	// teacher, student: context\course::get_compatible_role_archetypes).
	Assignable bool
	// Graded roles appear in the gradebook and completion reports
	// (gradebookroles and moodle/course:isincompletionreports default to
	// student only).
	Graded bool
}

// Standard role IDs on a fresh install.
const (
	RoleManager        int64 = 1
	RoleCourseCreator  int64 = 2
	RoleEditingTeacher int64 = 3
	RoleTeacher        int64 = 4
	RoleStudent        int64 = 5
	RoleGuest          int64 = 6
	RoleUser           int64 = 7
	RoleFrontPage      int64 = 8
)

func standardRoles() map[int64]Role {
	return map[int64]Role{
		RoleManager:        {ID: RoleManager, ShortName: "manager", Assignable: true},
		RoleCourseCreator:  {ID: RoleCourseCreator, ShortName: "coursecreator"},
		RoleEditingTeacher: {ID: RoleEditingTeacher, ShortName: "editingteacher", Assignable: true},
		RoleTeacher:        {ID: RoleTeacher, ShortName: "teacher", Assignable: true},
		RoleStudent:        {ID: RoleStudent, ShortName: "student", Assignable: true, Graded: true},
		RoleGuest:          {ID: RoleGuest, ShortName: "guest"},
		RoleUser:           {ID: RoleUser, ShortName: "user"},
		RoleFrontPage:      {ID: RoleFrontPage, ShortName: "frontpage"},
	}
}

// enrolment is a user_enrolments row of a course's manual instance.
type enrolment struct {
	status    int64 // 0 active, 1 suspended
	timeStart int64
	timeEnd   int64
}

type ucKey struct{ user, course int64 }

// Group is a group row.
type Group struct {
	ID          int64
	CourseID    int64
	Name        string
	Description string
	IDNumber    string
	Visibility  int64
	Members     map[int64]bool
}

// Grouping is a grouping row.
type Grouping struct {
	ID          int64
	CourseID    int64
	Name        string
	Description string
	IDNumber    string
	Groups      map[int64]bool
}

// GradeItem is a gradebook item of a course. Scale items grade with the
// scale's words (grademin 1, grademax the number of words); value items
// with numbers between GradeMin and GradeMax.
type GradeItem struct {
	ID int64
	// Module is the activity module ("assign", "quiz", …); "" for a
	// manual item.
	Module   string
	Instance int64
	CMID     int64
	Name     string
	IDNumber string
	GradeMin float64
	GradeMax float64
	Scale    []string
	course   int64
}

// Grade is one learner's grade on an item.
type Grade struct {
	// Value is the raw grade (for scales, the 1-based index of the word);
	// nil when there is none.
	Value         *float64
	DateSubmitted int64
	DateGraded    int64
}

// Assignment is an assign instance.
type Assignment struct {
	ID      int64
	CMID    int64
	Course  int64
	Name    string
	DueDate int64
	// Grade is the maximum grade, or -scaleid for a scale.
	Grade int64
}

// Submission is a learner's latest assign submission.
type Submission struct {
	ID           int64
	UserID       int64
	Status       string
	TimeCreated  int64
	TimeModified int64
}

// Criterion is one course completion criterion.
type Criterion struct {
	Type  int
	Title string
}

// Letter is a grade letter boundary (percentage lower bound).
type Letter struct {
	Min    float64
	Letter string
}

// defaultLetters are Moodle's default letter boundaries
// (grade/lib.php grade_get_letters(), used when a course sets none).
func defaultLetters() []Letter {
	return []Letter{{93, "A"}, {90, "A-"}, {87, "B+"}, {83, "B"}, {80, "B-"}, {77, "C+"}, {73, "C"},
		{70, "C-"}, {67, "D+"}, {60, "D"}, {0, "F"}}
}
