package moodle

import "context"

// CompletionService calls core_completion_get_course_completion_status
// (completion/classes/external.php core_completion_external).
type CompletionService service

// Course completion criteria types (completion/criteria/completion_criteria.php).
const (
	CriteriaSelf     = 1
	CriteriaDate     = 2
	CriteriaUnenrol  = 3
	CriteriaActivity = 4
	CriteriaDuration = 5
	CriteriaGrade    = 6
	CriteriaRole     = 7
	CriteriaCourse   = 8
)

// CompletionStatus is one learner's course completion.
type CompletionStatus struct {
	// Completed is course_completions.timecompleted being set, which
	// Moodle's cron (completion_regular_task) writes: it lags the
	// criteria until cron runs.
	Completed bool `json:"completed"`
	// Aggregation is 1 (all criteria) or 2 (any).
	Aggregation int                   `json:"aggregation"`
	Completions []CompletionCriterion `json:"completions"`
}

// CompletionCriterion is one criterion's state for the learner.
type CompletionCriterion struct {
	Type          int    `json:"type"`
	Title         string `json:"title"`
	Status        string `json:"status"`
	Complete      bool   `json:"complete"`
	TimeCompleted *int64 `json:"timecompleted"`
	Details       struct {
		Type        string `json:"type"`
		Criteria    string `json:"criteria"`
		Requirement string `json:"requirement"`
		Status      string `json:"status"`
	} `json:"details"`
}

// GetCourseCompletionStatus calls core_completion_get_course_completion_status
// (completion/classes/external.php get_course_completion_status). Moodle
// fails it, rather than answering "not complete", when the course has no
// criteria (nocriteriaset), completion is off (cannotviewreport) or the
// user is not a tracked learner with an active enrolment (usernotenroled):
// see IsNoCompletion.
func (s *CompletionService) GetCourseCompletionStatus(ctx context.Context, courseID, userID int64) (*CompletionStatus, error) {
	p := Params{}
	p.SetInt("courseid", courseID)
	p.SetInt("userid", userID)
	var out struct {
		CompletionStatus CompletionStatus `json:"completionstatus"`
		Warnings         []Warning        `json:"warnings"`
	}
	if err := s.client.do(ctx, call{fn: "core_completion_get_course_completion_status", params: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out.CompletionStatus, nil
}

// IsNoCompletion reports whether err says there is no completion to
// report for that learner in that course, as opposed to a failure.
func IsNoCompletion(err error) bool {
	return HasCode(err, "nocriteriaset", "usernotenroled")
}

// GradesService calls gradereport_user_get_grade_items
// (grade/report/user/classes/external/user.php).
type GradesService service

// UserGrades is one learner's grade report.
type UserGrades struct {
	CourseID       int64       `json:"courseid"`
	CourseIDNumber string      `json:"courseidnumber"`
	UserID         int64       `json:"userid"`
	UserFullName   string      `json:"userfullname"`
	UserIDNumber   string      `json:"useridnumber"`
	MaxDepth       int         `json:"maxdepth"`
	GradeItems     []GradeItem `json:"gradeitems"`
}

// Grade item types.
const (
	ItemTypeMod      = "mod"
	ItemTypeCourse   = "course"
	ItemTypeCategory = "category"
	ItemTypeManual   = "manual"
)

// GradeItem is one grade item with the learner's grade, as the user report
// fills it (grade/report/user/classes/report/user.php fill_table). Which
// optional columns arrive follows the site's user report settings (range,
// percentage, letter grade…). ScaleID carries the outcome id, a Moodle
// bug kept as is; do not use it.
type GradeItem struct {
	ID                   int64    `json:"id"`
	ItemName             *string  `json:"itemname"`
	ItemType             string   `json:"itemtype"`
	ItemModule           *string  `json:"itemmodule"`
	ItemInstance         int64    `json:"iteminstance"`
	ItemNumber           *int64   `json:"itemnumber"`
	IDNumber             string   `json:"idnumber"`
	CategoryID           *int64   `json:"categoryid"`
	OutcomeID            *int64   `json:"outcomeid"`
	ScaleID              *int64   `json:"scaleid"`
	CMID                 *int64   `json:"cmid"`
	GradeRaw             *float64 `json:"graderaw"`
	GradeDateSubmitted   *int64   `json:"gradedatesubmitted"`
	GradeDateGraded      *int64   `json:"gradedategraded"`
	GradeIsHidden        bool     `json:"gradeishidden"`
	GradeFormatted       string   `json:"gradeformatted"`
	GradeMin             *float64 `json:"grademin"`
	GradeMax             *float64 `json:"grademax"`
	RangeFormatted       string   `json:"rangeformatted"`
	PercentageFormatted  string   `json:"percentageformatted"`
	LetterGradeFormatted string   `json:"lettergradeformatted"`
}

// GetGradeItems calls gradereport_user_get_grade_items. userID 0 reads
// every graded learner of the course (needs moodle/grade:viewall; only
// active enrolments unless the caller may view suspended users). Moodle
// regrades the course first, which can be slow.
func (s *GradesService) GetGradeItems(ctx context.Context, courseID, userID int64) ([]UserGrades, error) {
	p := Params{}
	p.SetInt("courseid", courseID)
	p.SetInt("userid", userID)
	var out struct {
		UserGrades []UserGrades `json:"usergrades"`
		Warnings   []Warning    `json:"warnings"`
	}
	err := s.client.do(ctx, call{fn: "gradereport_user_get_grade_items", params: p, idem: true}, &out)
	return out.UserGrades, err
}

// AssignService calls mod_assign_get_assignments and
// mod_assign_get_submissions (mod/assign/externallib.php).
type AssignService service

// AssignCourse is a course with its assignments.
type AssignCourse struct {
	ID          int64        `json:"id"`
	FullName    string       `json:"fullname"`
	ShortName   string       `json:"shortname"`
	Assignments []Assignment `json:"assignments"`
}

// Assignment is an assign instance. ID equals the grade item's
// iteminstance (itemmodule "assign"); Grade < 0 means scale -Grade.
type Assignment struct {
	ID                       int64  `json:"id"`
	CMID                     int64  `json:"cmid"`
	Course                   int64  `json:"course"`
	Name                     string `json:"name"`
	DueDate                  int64  `json:"duedate"`
	AllowSubmissionsFromDate int64  `json:"allowsubmissionsfromdate"`
	CutoffDate               int64  `json:"cutoffdate"`
	Grade                    int64  `json:"grade"`
	TeamSubmission           int    `json:"teamsubmission"`
	MarkingWorkflow          int    `json:"markingworkflow"`
}

// GetAssignments calls mod_assign_get_assignments with
// includenotenrolledcourses=1, so a sync user who is not enrolled in the
// courses still sees them (without it Moodle drops each such course with
// warning code 2).
func (s *AssignService) GetAssignments(ctx context.Context, courseIDs []int64) ([]AssignCourse, []Warning, error) {
	p := Params{}
	p.ints("courseids", courseIDs)
	p.SetBool("includenotenrolledcourses", true)
	var out struct {
		Courses  []AssignCourse `json:"courses"`
		Warnings []Warning      `json:"warnings"`
	}
	err := s.client.do(ctx, call{fn: "mod_assign_get_assignments", params: p, idem: true}, &out)
	return out.Courses, out.Warnings, err
}

// Submission statuses (mod/assign/locallib.php ASSIGN_SUBMISSION_STATUS_*).
const (
	SubmissionNew       = "new"
	SubmissionDraft     = "draft"
	SubmissionSubmitted = "submitted"
	SubmissionReopened  = "reopened"
)

// AssignSubmissions is one assignment's latest submissions.
type AssignSubmissions struct {
	AssignmentID int64              `json:"assignmentid"`
	Submissions  []AssignSubmission `json:"submissions"`
}

// AssignSubmission is a learner's latest attempt.
type AssignSubmission struct {
	ID            int64  `json:"id"`
	UserID        int64  `json:"userid"`
	AttemptNumber int64  `json:"attemptnumber"`
	TimeCreated   int64  `json:"timecreated"`
	TimeModified  int64  `json:"timemodified"`
	Status        string `json:"status"`
	GroupID       int64  `json:"groupid"`
	GradingStatus string `json:"gradingstatus"`
}

// GetSubmissions calls mod_assign_get_submissions: the latest attempt of
// every learner. An assignment without submissions comes back with an
// empty list and a warning (code 3), which is not an error.
func (s *AssignService) GetSubmissions(ctx context.Context, assignmentIDs []int64) ([]AssignSubmissions, error) {
	if len(assignmentIDs) == 0 {
		return nil, nil
	}
	p := Params{}
	p.ints("assignmentids", assignmentIDs)
	var out struct {
		Assignments []AssignSubmissions `json:"assignments"`
		Warnings    []Warning           `json:"warnings"`
	}
	err := s.client.do(ctx, call{fn: "mod_assign_get_submissions", params: p, idem: true}, &out)
	return out.Assignments, err
}

// SiteService calls core_webservice_get_site_info
// (webservice/externallib.php), the connection test.
type SiteService service

// SiteInfo is the part of core_webservice_get_site_info a sync uses.
type SiteInfo struct {
	SiteName  string `json:"sitename"`
	Username  string `json:"username"`
	UserID    int64  `json:"userid"`
	SiteURL   string `json:"siteurl"`
	Release   string `json:"release"`
	Version   string `json:"version"`
	SiteID    int64  `json:"siteid"`
	Functions []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"functions"`
	UserIsSiteAdmin bool `json:"userissiteadmin"`
}

// GetSiteInfo calls core_webservice_get_site_info: who the token is and
// which functions its service may call.
func (s *SiteService) GetSiteInfo(ctx context.Context) (*SiteInfo, error) {
	var out SiteInfo
	if err := s.client.do(ctx, call{fn: "core_webservice_get_site_info", params: Params{}, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
