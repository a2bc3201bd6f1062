package canvastest

import (
	"fmt"
	"strings"
	"time"
)

// Applying one row of each SIS CSV file (doc/api/sis_csv.md). A row that
// cannot be applied is refused with a warning naming its file and line,
// and the rest of the import goes on; the warnings' wording is the fake's
// own where the reference gives none (see the package doc).

// sisRow is one CSV row being applied.
type sisRow struct {
	imp    *sisImport
	file   string
	line   int
	v      map[string]string // the row's values by column
	status string            // the status column, lower case
}

// warn records a warning for the row without refusing it.
func (r sisRow) warn(msg string) { r.imp.warn(r.file, r.line, msg) }

// bad refuses the row with a warning; it returns false for importRow.
func (r sisRow) bad(format string, args ...any) bool {
	r.warn(fmt.Sprintf(format, args...))
	return false
}

// importRow applies one row; false means it was rejected with a warning.
func (s *Server) importRow(imp *sisImport, f *csvFile, row csvRow) bool {
	r := sisRow{imp: imp, file: f.name, line: row.line, v: row.v, status: strings.ToLower(row.v["status"])}
	switch f.kind {
	case "users":
		return s.importUser(r)
	case "courses":
		return s.importCourse(r)
	case "sections":
		return s.importSection(r)
	case "enrollments":
		return s.importEnrollment(r)
	case "group_categories":
		return s.importGroupCategory(r)
	case "groups":
		return s.importGroup(r)
	case "group_memberships":
		return s.importGroupMembership(r)
	}
	return false
}

// importUser applies a users.csv row.
func (s *Server) importUser(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	id, login := v["user_id"], v["login_id"]
	if id == "" {
		return bad("No user_id given for a user")
	}
	u, _ := s.userBySIS(id)
	if status != "deleted" && login == "" {
		return bad("No login_id given for user %s", id)
	}
	switch status {
	case "active", "deleted", "suspended":
	default:
		return bad("Improper status %q for user %s", v["status"], id)
	}
	if status == "deleted" {
		if u == nil {
			return bad("User %s cannot be deleted because it does not exist", id)
		}
		u.WorkflowState, u.SISImportID = "deleted", r.imp.ID
		for _, e := range s.enrollments {
			if e.UserID == u.ID {
				e.State = "deleted"
			}
		}
		return true
	}
	var except int64
	if u != nil {
		except = u.ID
	}
	if s.loginTaken(login, except) != nil {
		return bad("An existing Canvas user with the login id %s already exists (SIS ID %s)", login, id)
	}
	if u == nil {
		u = &User{ID: s.nextID(), LoginRecordID: s.nextID(), SISUserID: id}
		s.users[u.ID] = u
	}
	name := v["full_name"]
	if name == "" {
		name = strings.TrimSpace(v["first_name"] + " " + v["last_name"])
	}
	u.Name, u.LoginID, u.WorkflowState, u.SISImportID = name, login, "registered", r.imp.ID
	u.ShortName = orDefault(v["short_name"], name)
	u.SortableName = orDefault(v["sortable_name"], sortableName(name))
	if v["last_name"] != "" && v["sortable_name"] == "" {
		u.SortableName = strings.TrimSpace(v["last_name"] + ", " + v["first_name"])
	}
	if e := v["email"]; e != "" {
		u.Email = e
	}
	if i := v["integration_id"]; i != "" {
		u.IntegrationID = i
	}
	return true
}

// importCourse applies a courses.csv row.
func (s *Server) importCourse(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	id := v["course_id"]
	if id == "" {
		return bad("No course_id given for a course")
	}
	c := s.sisCourseTaken(id, 0)
	if status != "deleted" && (v["short_name"] == "" || v["long_name"] == "") {
		return bad("No short_name or long_name given for course %s", id)
	}
	var state string
	switch status {
	case "active":
		state = "unpublished"
		if c != nil && c.WorkflowState != "deleted" && c.WorkflowState != "completed" {
			state = c.WorkflowState
		}
	case "unpublished":
		state = "unpublished"
	case "published":
		// doc/api/sis_csv.md: courses.csv status accepts published.
		state = "available"
	case "completed", "deleted":
		state = status
	default:
		return bad("Improper status %q for course %s", v["status"], id)
	}
	if c == nil && status == "deleted" {
		return bad("Course %s cannot be deleted because it does not exist", id)
	}
	acct := int64(RootAccountID)
	if a := v["account_id"]; a != "" {
		found := s.findAccount("sis_account_id:" + a)
		if found == nil {
			return bad("Account not found %q for course %s", a, id)
		}
		acct = found.ID
	}
	var term int64
	if t := v["term_id"]; t != "" {
		tid, ok := s.findTerm("sis_term_id:" + t)
		if !ok {
			r.warn(fmt.Sprintf("Term not found %q for course %s", t, id))
		}
		term = tid
	}
	if c == nil {
		c = &Course{ID: s.nextID(), SISCourseID: id, CreatedAt: s.now()}
		s.courses[c.ID] = c
	}
	if status != "deleted" {
		c.Name, c.CourseCode, c.AccountID = v["long_name"], v["short_name"], acct
		if term != 0 {
			c.TermID = term
		}
		for _, d := range []struct {
			col string
			dst **time.Time
		}{{"start_date", &c.StartAt}, {"end_date", &c.EndAt}} {
			if raw, ok := v[d.col]; ok && raw != "" {
				if t, ok := parseTime(raw); ok {
					*d.dst = t
				} else {
					r.warn(fmt.Sprintf("Bad date format %q for course %s", raw, id))
				}
			}
		}
		if i := v["integration_id"]; i != "" {
			c.IntegrationID = i
		}
	}
	c.WorkflowState, c.SISImportID = state, r.imp.ID
	return true
}

// importSection applies a sections.csv row.
func (s *Server) importSection(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	id, cid := v["section_id"], v["course_id"]
	if id == "" {
		return bad("No section_id given for a section in course %s", cid)
	}
	sec := s.sisSectionTaken(id, 0)
	if status != "deleted" && (cid == "" || v["name"] == "") {
		return bad("No course_id or name given for section %s", id)
	}
	if status != "active" && status != "deleted" {
		return bad("Improper status %q for section %s", v["status"], id)
	}
	if status == "deleted" {
		if sec == nil {
			return bad("Section %s cannot be deleted because it does not exist", id)
		}
		sec.WorkflowState, sec.SISImportID = "deleted", r.imp.ID
		return true
	}
	c := s.findCourse("sis_course_id:"+cid, false)
	if c == nil {
		return bad("Section %s references course %s which doesn't exist", id, cid)
	}
	if sec == nil {
		sec = &Section{ID: s.nextID(), SISSectionID: id}
		s.sections[sec.ID] = sec
	}
	sec.CourseID, sec.Name, sec.WorkflowState, sec.SISImportID = c.ID, v["name"], "active", r.imp.ID
	if i := v["integration_id"]; i != "" {
		sec.IntegrationID = i
	}
	return true
}

// importEnrollment applies an enrollments.csv row.
func (s *Server) importEnrollment(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	cid, sid, uid := v["course_id"], v["section_id"], v["user_id"]
	role := strings.ToLower(orDefault(v["role"], "student"))
	typ := map[string]string{"student": "StudentEnrollment", "teacher": "TeacherEnrollment", "ta": "TaEnrollment",
		"observer": "ObserverEnrollment", "designer": "DesignerEnrollment"}[role]
	if typ == "" {
		return bad("Improper role %q for an enrollment", v["role"])
	}
	state := status
	switch status {
	case "active", "deleted", "completed", "inactive":
	default:
		return bad("Improper status %q for an enrollment", v["status"])
	}
	var u *User
	if uid != "" {
		u = s.findUser("sis_user_id:" + uid)
	} else if iid := v["user_integration_id"]; iid != "" {
		u = s.findUser("sis_integration_id:" + iid)
	}
	if u == nil {
		return bad("User not found for enrollment (User ID: %s, Course ID: %s, Section ID: %s, Role: %s)", uid, cid, sid, role)
	}
	var c *Course
	var sec *Section
	if sid != "" {
		sec = s.findSection("sis_section_id:" + sid)
	}
	if cid != "" {
		c = s.findCourse("sis_course_id:"+cid, false)
	}
	if sec == nil && c == nil {
		return bad("Neither course nor section existed for user enrollment (Course ID: %s, Section ID: %s, User ID: %s)", cid, sid, uid)
	}
	if sec != nil && c != nil && sec.CourseID != c.ID {
		return bad("An enrollment listed a section (%s) and a course (%s) that are unrelated for user (%s)", sid, cid, uid)
	}
	if sec == nil {
		sec = s.defaultSection(c)
	}
	c = s.courses[sec.CourseID]
	e := s.findEnrollment(u.ID, sec.ID, typ, nil)
	now := s.now()
	if e == nil {
		if status == "deleted" {
			return bad("Enrollment for user %s in %s cannot be deleted because it does not exist", uid, cid+sid)
		}
		e = &Enrollment{ID: s.nextID(), CourseID: c.ID, SectionID: sec.ID, UserID: u.ID, Type: typ, Role: typ, CreatedAt: now}
		s.putEnrollment(e)
	}
	e.State, e.UpdatedAt, e.SISImportID = state, now, r.imp.ID
	return true
}

func (s *Server) userBySIS(id string) (*User, bool) {
	for _, u := range s.users {
		if u.SISUserID == id {
			return u, true
		}
	}
	return nil, false
}
