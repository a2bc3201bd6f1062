package canvastest

import (
	"cmp"
	"math"
	"strings"
	"time"
)

// id renders an ID: a number, or a string with WithStringIDs.
func (x *rctx) id(v int64) any {
	if x.s.opts.stringIDs {
		return itoa(v)
	}
	return v
}

// idOrNull renders 0 as null.
func (x *rctx) idOrNull(v int64) any {
	if v == 0 {
		return nil
	}
	return x.id(v)
}

func strOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeOrNull(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// sis adds SIS fields only for tokens with manage_sis, as Canvas shows them
// only to callers who may read SIS data.
func (x *rctx) sis(m map[string]any, kv ...any) map[string]any {
	if !x.manageSIS() {
		return m
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func (x *rctx) renderAccount(a *Account) map[string]any {
	m := map[string]any{
		"id": x.id(a.ID), "name": a.Name, "uuid": uuidFor("account", a.ID),
		"parent_account_id": x.idOrNull(a.ParentID), "root_account_id": x.idOrNull(rootOf(a)),
		"workflow_state": "active", "default_time_zone": cmp.Or(a.DefaultTimeZone, DefaultAccountTimeZone),
	}
	return x.sis(m, "sis_account_id", strOrNull(a.SISAccountID), "integration_id", nil, "sis_import_id", nil)
}

func rootOf(a *Account) int64 {
	if a.ID == RootAccountID {
		return 0
	}
	return RootAccountID
}

func (x *rctx) renderCourse(c *Course) map[string]any {
	m := map[string]any{
		"id": x.id(c.ID), "name": c.Name, "course_code": c.CourseCode, "original_name": nil,
		"workflow_state": c.WorkflowState, "account_id": x.id(c.AccountID),
		"root_account_id": x.id(RootAccountID), "enrollment_term_id": x.id(termOr(c.TermID)),
		"uuid": uuidFor("course", c.ID), "start_at": timeOrNull(c.StartAt), "end_at": timeOrNull(c.EndAt),
		"created_at": ts(c.CreatedAt), "time_zone": orDefault(c.TimeZone, "Australia/Sydney"),
		"restrict_enrollments_to_course_dates": c.RestrictEnrollmentsToCourseDates,
		"course_format":                        nil, "is_public": false, "hide_final_grades": false,
		"apply_assignment_group_weights": false, "default_view": "modules", "blueprint": false,
	}
	if x.includes("total_students") {
		m["total_students"] = x.s.countStudents(c.ID, 0)
	}
	return x.sis(m, "sis_course_id", strOrNull(c.SISCourseID), "integration_id", strOrNull(c.IntegrationID),
		"sis_import_id", x.idOrNull(c.SISImportID))
}

// termOr gives courses without a term the default term's ID.
func termOr(id int64) int64 {
	if id == 0 {
		return DefaultTermID
	}
	return id
}

func (x *rctx) renderSection(sec *Section) map[string]any {
	m := map[string]any{
		"id": x.id(sec.ID), "name": sec.Name, "course_id": x.id(sec.CourseID),
		"start_at": timeOrNull(sec.StartAt), "end_at": timeOrNull(sec.EndAt),
		"restrict_enrollments_to_section_dates": false, "nonxlist_course_id": nil,
	}
	if x.includes("total_students") {
		m["total_students"] = x.s.countStudents(sec.CourseID, sec.ID)
	}
	var sisCourse any
	if c := x.s.courses[sec.CourseID]; c != nil {
		sisCourse = strOrNull(c.SISCourseID)
	}
	return x.sis(m, "sis_section_id", strOrNull(sec.SISSectionID), "integration_id", strOrNull(sec.IntegrationID),
		"sis_course_id", sisCourse, "sis_import_id", x.idOrNull(sec.SISImportID))
}

func (x *rctx) renderUser(u *User, email bool) map[string]any {
	m := map[string]any{
		"id": x.id(u.ID), "name": u.Name, "sortable_name": u.SortableName, "short_name": u.ShortName,
		"login_id": u.LoginID, "created_at": nil, "locale": strOrNull(u.Locale),
		"avatar_url": "https://canvas.invalid/images/messages/avatar-50.png",
	}
	if u.TimeZone != "" || x.includes("time_zone") {
		m["time_zone"] = strOrNull(u.TimeZone)
	}
	if email || x.includes("email") {
		m["email"] = strOrNull(u.Email)
	}
	return x.sis(m, "sis_user_id", strOrNull(u.SISUserID), "integration_id", strOrNull(u.IntegrationID),
		"sis_import_id", x.idOrNull(u.SISImportID))
}

// enrollmentState is the state Canvas renders: "deleted" when the
// enrollment's course or section is deleted, whatever its own state
// (lib/api/v1/user.rb#enrollment_json).
func enrollmentState(s *Server, e *Enrollment) string {
	if c := s.courses[e.CourseID]; c != nil && c.WorkflowState == "deleted" {
		return "deleted"
	}
	if sec := s.sections[e.SectionID]; sec != nil && sec.WorkflowState == "deleted" {
		return "deleted"
	}
	return e.State
}

func (x *rctx) renderEnrollment(e *Enrollment) map[string]any {
	s := x.s
	m := map[string]any{
		"id": x.id(e.ID), "user_id": x.id(e.UserID), "course_id": x.id(e.CourseID),
		"course_section_id": x.id(e.SectionID), "type": e.Type, "role": e.Role,
		"role_id": x.id(roleID(e.Type)), "enrollment_state": enrollmentState(s, e),
		"limit_privileges_to_course_section": e.LimitPrivilegesToCourseSection,
		"root_account_id":                    x.id(RootAccountID), "associated_user_id": nil,
		"created_at": ts(e.CreatedAt), "updated_at": ts(e.UpdatedAt),
		"start_at": timeOrNull(e.StartAt), "end_at": timeOrNull(e.EndAt),
		"last_activity_at": timeOrNull(e.LastActivityAt), "last_attended_at": nil,
		"total_activity_time": e.TotalActivityTime,
		"html_url":            "/courses/" + itoa(e.CourseID) + "/users/" + itoa(e.UserID),
	}
	if u := s.users[e.UserID]; u != nil {
		m["user"] = x.sis(map[string]any{"id": x.id(u.ID), "name": u.Name, "sortable_name": u.SortableName,
			"short_name": u.ShortName, "login_id": u.LoginID}, "sis_user_id", strOrNull(u.SISUserID),
			"integration_id", strOrNull(u.IntegrationID))
	}
	if e.Type == "StudentEnrollment" {
		cur, fin, pts := s.grades(e)
		g := map[string]any{
			"html_url":      "/courses/" + itoa(e.CourseID) + "/grades/" + itoa(e.UserID),
			"current_score": cur, "final_score": fin, "current_grade": nil, "final_grade": nil,
			"unposted_current_score": cur, "unposted_final_score": fin,
			"unposted_current_grade": nil, "unposted_final_grade": nil,
		}
		if x.includes("current_points") {
			g["current_points"] = pts
			g["unposted_current_points"] = pts
		}
		m["grades"] = g
	}
	var sisCourse, sisSection, sisUser any
	if c := s.courses[e.CourseID]; c != nil {
		sisCourse = strOrNull(c.SISCourseID)
	}
	if sec := s.sections[e.SectionID]; sec != nil {
		sisSection = strOrNull(sec.SISSectionID)
	}
	if u := s.users[e.UserID]; u != nil {
		sisUser = strOrNull(u.SISUserID)
	}
	return x.sis(m, "sis_course_id", sisCourse, "sis_section_id", sisSection, "sis_user_id", sisUser,
		"sis_account_id", nil, "sis_import_id", x.idOrNull(e.SISImportID),
		"course_integration_id", nil, "section_integration_id", nil)
}

// grades computes current and final scores (percent) from graded
// submissions to published assignments, unless the enrollment overrides
// them: current ignores ungraded work, final counts it as zero.
func (s *Server) grades(e *Enrollment) (cur, fin, pts any) {
	var got, gradedPossible, allPossible float64
	var graded int
	for _, a := range s.assignments {
		if a.CourseID != e.CourseID || !a.Published || a.GradingType == "not_graded" {
			continue
		}
		sub := s.findSubmission(a.ID, e.UserID)
		if sub != nil && sub.Excused {
			continue
		}
		allPossible += a.PointsPossible
		if sub != nil && sub.Score != nil && sub.WorkflowState == "graded" {
			got += *sub.Score
			gradedPossible += a.PointsPossible
			graded++
		}
	}
	if graded > 0 {
		pts = round2(got)
		if gradedPossible > 0 {
			cur = round2(got / gradedPossible * 100)
		}
	}
	if allPossible > 0 && graded > 0 {
		fin = round2(got / allPossible * 100)
	}
	if e.CurrentScore != nil {
		cur = *e.CurrentScore
	}
	if e.FinalScore != nil {
		fin = *e.FinalScore
	}
	return cur, fin, pts
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func (s *Server) countStudents(courseID, sectionID int64) int {
	n := 0
	for _, e := range s.enrollments {
		if e.CourseID == courseID && (sectionID == 0 || e.SectionID == sectionID) &&
			e.Type == "StudentEnrollment" && (e.State == "active" || e.State == "invited") {
			n++
		}
	}
	return n
}

// roleID returns the fake's ID for a base role. Real Canvas installs
// number their built-in roles differently.
func roleID(typ string) int64 {
	switch typ {
	case "StudentEnrollment":
		return 3
	case "TeacherEnrollment":
		return 4
	case "TaEnrollment":
		return 5
	case "DesignerEnrollment":
		return 6
	case "ObserverEnrollment":
		return 7
	}
	return 0
}

func typeForRoleID(id int64) string {
	for _, t := range []string{"StudentEnrollment", "TeacherEnrollment", "TaEnrollment", "DesignerEnrollment", "ObserverEnrollment"} {
		if roleID(t) == id {
			return t
		}
	}
	return ""
}

func uuidFor(kind string, id int64) string {
	return strings.ToUpper(kind[:1]) + "fake" + itoa(id) + "uuid"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
