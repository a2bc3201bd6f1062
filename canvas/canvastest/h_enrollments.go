package canvastest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

func validEnrollmentType(t string) bool { return roleID(t) != 0 }

func (s *Server) enrollCourse(x *rctx, c *Course) {
	s.enroll(x, c, nil)
}

func (s *Server) enrollSection(x *rctx, sec *Section) {
	s.enroll(x, s.courses[sec.CourseID], sec)
}

// enroll follows enrollments_api_controller#create and Course#enroll_user:
// an existing enrollment for the same user, section, type and role is
// re-used (its state updated) rather than duplicated.
func (s *Server) enroll(x *rctx, c *Course, sec *Section) {
	hasAny := false
	for k := range x.form {
		if strings.HasPrefix(k, "enrollment[") {
			hasAny = true
		}
	}
	if !hasAny {
		x.message(http.StatusBadRequest, "No parameters given")
		return
	}
	if x.param("enrollment[user_id]") == "" {
		x.message(http.StatusBadRequest, "Can't create an enrollment without a user. Include enrollment[user_id] to create an enrollment")
		return
	}
	if c.WorkflowState == "completed" {
		x.message(http.StatusBadRequest, "Can't add an enrollment to a concluded course.")
		return
	}
	u := s.findUser(x.param("enrollment[user_id]"))
	if u == nil || u.ID == s.adminUser {
		x.notFound()
		return
	}
	typ := x.param("enrollment[type]")
	if rid := x.param("enrollment[role_id]"); rid != "" {
		r, ok := parseRef(rid)
		rt := ""
		if ok && r.field == "" {
			rt = typeForRoleID(r.id)
		}
		if rt == "" {
			x.message(http.StatusBadRequest, "Invalid role")
			return
		}
		if typ != "" && typ != rt {
			x.message(http.StatusBadRequest, "The specified type must match the base type for the role")
			return
		}
		typ = rt
	}
	if typ == "" {
		typ = "StudentEnrollment"
	}
	if !validEnrollmentType(typ) {
		x.message(http.StatusBadRequest, "Invalid type")
		return
	}
	if sec == nil {
		if ref := x.param("enrollment[course_section_id]"); ref != "" {
			sec = s.findSection(ref)
			if sec == nil || sec.CourseID != c.ID {
				x.notFound()
				return
			}
		} else {
			sec = s.defaultSection(c)
		}
	}
	// course.rb#enroll_user: without a state, a new enrollment is invited
	// in an available course and creation_pending in any other, except
	// teachers, TAs and designers, who are invited.
	state := x.param("enrollment[enrollment_state]")
	switch state {
	case "active", "inactive":
	default:
		state = "invited"
		if c.WorkflowState != "available" && typ != "TeacherEnrollment" && typ != "TaEnrollment" && typ != "DesignerEnrollment" {
			state = "creation_pending"
		}
	}
	limit, _ := x.boolParam("enrollment[limit_privileges_to_course_section]")
	now := s.now()
	e := s.findEnrollment(u.ID, sec.ID, typ, func(v *Enrollment) bool { return v.Role == typ })
	if e == nil {
		e = &Enrollment{ID: s.nextID(), CourseID: c.ID, SectionID: sec.ID, UserID: u.ID, Type: typ, Role: typ, CreatedAt: now}
		s.putEnrollment(e)
	}
	// course.rb#enroll_user changes the state of an existing enrollment
	// only when it is not active: re-POSTing over an active one leaves it
	// active.
	if e.State != "active" {
		e.State = state
	}
	e.LimitPrivilegesToCourseSection, e.UpdatedAt = limit, now
	for _, f := range []struct {
		key string
		dst **time.Time
	}{{"enrollment[start_at]", &e.StartAt}, {"enrollment[end_at]", &e.EndAt}} {
		if x.has(f.key) {
			if t, ok := parseTime(x.param(f.key)); ok {
				*f.dst = t
			}
		}
	}
	x.json(http.StatusOK, x.renderEnrollment(e))
}

// enrollmentFilter reads type[], role[], state[], user_id and sis_*[]
// filters. defaults are the states listed when state[] is absent.
func (s *Server) enrollmentFilter(x *rctx, defaults []string) (func(*Enrollment) bool, bool) {
	types, roles := x.list("type"), x.list("role")
	states := map[string]bool{}
	for _, st := range x.list("state") {
		switch st {
		case "current_and_invited":
			states["active"], states["invited"] = true, true
		case "current_and_future", "current_future_and_restricted":
			states["active"], states["invited"], states["creation_pending"] = true, true, true
		case "current_and_concluded":
			states["active"], states["completed"] = true, true
		default:
			states[st] = true
		}
	}
	if len(states) == 0 {
		// enrollments_api_controller.rb#user_index_enrollments: a
		// course listing filtered by user_id shows active and invited
		// ones only unless state[] says otherwise.
		if x.param("user_id") != "" {
			defaults = []string{"active", "invited"}
		}
		for _, st := range defaults {
			states[st] = true
		}
	}
	var userID int64
	if v := x.param("user_id"); v != "" {
		u := s.findUser(v)
		if u == nil {
			x.notFound()
			return nil, false
		}
		userID = u.ID
	}
	sisUsers, sisSections, sisCourses := x.list("sis_user_id"), x.list("sis_section_id"), x.list("sis_course_id")
	if (len(sisUsers)+len(sisSections)+len(sisCourses)) > 0 && !x.manageSIS() {
		// enrollments_api_controller.rb#check_sis_permissions.
		x.message(http.StatusBadRequest, "Insufficient permissions to filter by SIS fields")
		return nil, false
	}
	return func(e *Enrollment) bool {
		if !states[enrollmentState(s, e)] {
			return false
		}
		if len(types) > 0 && !slices.Contains(types, e.Type) {
			return false
		}
		if len(roles) > 0 && !slices.Contains(roles, e.Role) {
			return false
		}
		if userID != 0 && e.UserID != userID {
			return false
		}
		if len(sisUsers) > 0 {
			u := s.users[e.UserID]
			if u == nil || !slices.Contains(sisUsers, u.SISUserID) {
				return false
			}
		}
		if len(sisSections) > 0 {
			sec := s.sections[e.SectionID]
			if sec == nil || !slices.Contains(sisSections, sec.SISSectionID) {
				return false
			}
		}
		if len(sisCourses) > 0 {
			c := s.courses[e.CourseID]
			if c == nil || !slices.Contains(sisCourses, c.SISCourseID) {
				return false
			}
		}
		return true
	}, true
}

// listEnrollments answers with one bookmark page: Canvas always
// paginates enrollments with bookmarks (ShardedBookmarkedCollection,
// always_use_bookmarks), never with rel="last".
func (s *Server) listEnrollments(x *rctx, scope func(*Enrollment) bool, defaults []string) {
	filter, ok := s.enrollmentFilter(x, defaults)
	if !ok {
		return
	}
	all := sorted(s.enrollments, func(e *Enrollment) int64 { return e.ID }, func(e *Enrollment) bool {
		return scope(e) && filter(e)
	})
	writePage(x, all, func(e *Enrollment) int64 { return e.ID }, bookmarked, x.renderEnrollment)
}

// adminDefaultStates is what an admin sees when listing a course or
// section without state[]: active and invited, plus the inactive states
// (the reference: "course scope includes inactive states for admins").
func adminDefaultStates() []string {
	return []string{"active", "invited", "creation_pending", "inactive"}
}

func (s *Server) listCourseEnrollments(x *rctx, c *Course) {
	s.listEnrollments(x, func(e *Enrollment) bool { return e.CourseID == c.ID }, adminDefaultStates())
}

func (s *Server) listSectionEnrollments(x *rctx, sec *Section) {
	s.listEnrollments(x, func(e *Enrollment) bool { return e.SectionID == sec.ID }, adminDefaultStates())
}

func (s *Server) listUserEnrollments(x *rctx, u *User) {
	s.listEnrollments(x, func(e *Enrollment) bool {
		c := s.courses[e.CourseID]
		return e.UserID == u.ID && c != nil && c.WorkflowState != "deleted"
	}, []string{"active", "invited", "creation_pending"})
}

func (s *Server) getEnrollment(x *rctx) {
	a := s.findAccount(x.params[0])
	r, ok := parseRef(x.params[1])
	if a == nil || !ok || r.field != "" || s.enrollments[r.id] == nil {
		x.notFound()
		return
	}
	x.json(http.StatusOK, x.renderEnrollment(s.enrollments[r.id]))
}

func (s *Server) courseEnrollment(x *rctx) *Enrollment {
	c := s.findCourse(x.params[0], false)
	r, ok := parseRef(x.params[1])
	if c == nil || !ok || r.field != "" {
		return nil
	}
	e := s.enrollments[r.id]
	if e == nil || e.CourseID != c.ID {
		return nil
	}
	return e
}

func (s *Server) endEnrollment(x *rctx) {
	// enrollments_api_controller.rb#destroy finds only enrollments that
	// are not deleted, and concludes for any task other than delete,
	// inactivate or deactivate.
	e := s.courseEnrollment(x)
	if e == nil || e.State == "deleted" {
		x.notFound()
		return
	}
	switch x.param("task") {
	case "delete":
		e.State = "deleted"
	case "inactivate", "deactivate":
		e.State = "inactive"
	default:
		e.State = "completed"
	}
	e.UpdatedAt = s.now()
	x.json(http.StatusOK, x.renderEnrollment(e))
}

func (s *Server) reactivateEnrollment(x *rctx) {
	e := s.courseEnrollment(x)
	if e == nil {
		x.notFound()
		return
	}
	if e.State != "inactive" {
		x.errorString(http.StatusBadRequest, "enrollment not inactive")
		return
	}
	e.State, e.UpdatedAt = "active", s.now()
	x.json(http.StatusOK, x.renderEnrollment(e))
}
