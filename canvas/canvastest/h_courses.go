package canvastest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

func (s *Server) listAccounts(x *rctx) {
	all := sorted(s.accounts, func(a *Account) int64 { return a.ID }, nil)
	writePage(x, all, func(a *Account) int64 { return a.ID }, numbered, x.renderAccount)
}

func (s *Server) getAccount(x *rctx, a *Account) {
	x.json(http.StatusOK, x.renderAccount(a))
}

func (s *Server) listSubAccounts(x *rctx, a *Account) {
	rec, _ := x.boolParam("recursive")
	subs := sorted(s.accounts, func(v *Account) int64 { return v.ID }, func(v *Account) bool {
		if v.ID == a.ID {
			return false
		}
		if rec {
			return s.underAccount(v.ID, a.ID)
		}
		return v.ParentID == a.ID
	})
	writePage(x, subs, func(v *Account) int64 { return v.ID }, numbered, x.renderAccount)
}

// parseTime reads an ISO-8601 parameter; "" clears (nil, true).
func parseTime(v string) (*time.Time, bool) {
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t, true
		}
	}
	return nil, false
}

// courseFields applies course[...] parameters; it answers a validation
// error itself and returns false.
func (s *Server) courseFields(x *rctx, c *Course) bool {
	if x.has("course[name]") {
		c.Name = x.param("course[name]")
	}
	if utf8.RuneCountInString(c.Name) > 255 {
		x.validation("name", "too_long", "is too long (maximum is 255 characters)")
		return false
	}
	if x.has("course[course_code]") {
		c.CourseCode = x.param("course[course_code]")
	}
	if utf8.RuneCountInString(c.CourseCode) > 255 {
		x.validation("course_code", "too_long", "is too long (maximum is 255 characters)")
		return false
	}
	for _, f := range []struct {
		key string
		dst **time.Time
	}{{"course[start_at]", &c.StartAt}, {"course[end_at]", &c.EndAt}} {
		if !x.has(f.key) {
			continue
		}
		t, ok := parseTime(x.param(f.key))
		if !ok {
			x.validation(strings.TrimSuffix(strings.TrimPrefix(f.key, "course["), "]"), "invalid", "is not a valid date")
			return false
		}
		*f.dst = t
	}
	if x.has("course[restrict_enrollments_to_course_dates]") {
		b, _ := x.boolParam("course[restrict_enrollments_to_course_dates]")
		switch strings.ToLower(x.param("course[restrict_enrollments_to_course_dates]")) {
		case "true", "false", "1", "0":
		default:
			x.validation("restrict_enrollments_to_course_dates", "invalid", "The argument provided is expected to be of type boolean.")
			return false
		}
		c.RestrictEnrollmentsToCourseDates = b
	}
	if x.has("course[time_zone]") {
		tz := x.param("course[time_zone]")
		if _, err := time.LoadLocation(tz); err != nil || tz == "" {
			x.validation("time_zone", "invalid", "'"+tz+"' is not a recognized time zone")
			return false
		}
		c.TimeZone = tz
	}
	termKey := "course[term_id]"
	if !x.has(termKey) {
		termKey = "course[enrollment_term_id]"
	}
	if x.has(termKey) {
		id, ok := s.findTerm(x.param(termKey))
		if !ok {
			x.notFound()
			return false
		}
		c.TermID = id
	}
	return true
}

// sisCourseTaken reports the course holding a SIS ID, deleted ones
// included: Canvas keeps the ID reserved (course.rb verify_unique_ids).
func (s *Server) sisCourseTaken(sisID string, except int64) *Course {
	for _, c := range s.courses {
		if c.ID != except && c.SISCourseID == sisID {
			return c
		}
	}
	return nil
}

func sisInUse(id string) string { return fmt.Sprintf("SIS ID %q is already in use", id) }

func (s *Server) createCourse(x *rctx, a *Account) {
	c := &Course{AccountID: a.ID, Name: "Unnamed Course", WorkflowState: "unpublished", CreatedAt: s.now()}
	if x.has("course[account_id]") {
		sub := s.findAccount(x.param("course[account_id]"))
		if sub == nil || !s.underAccount(sub.ID, a.ID) {
			x.notFound()
			return
		}
		c.AccountID = sub.ID
	}
	// courses_controller.rb#create deletes start_at and end_at from the
	// parameters unless restrict_enrollments_to_course_dates is true.
	if restrict, _ := x.boolParam("course[restrict_enrollments_to_course_dates]"); !restrict {
		x.form.Del("course[start_at]")
		x.form.Del("course[end_at]")
	}
	if !s.courseFields(x, c) {
		return
	}
	// Canvas drops SIS fields silently without manage_sis.
	if sisID := x.param("course[sis_course_id]"); sisID != "" && x.manageSIS() {
		if old := s.sisCourseTaken(sisID, 0); old != nil {
			reactivate, _ := x.boolParam("enable_sis_reactivation")
			if old.WorkflowState != "deleted" || !reactivate {
				x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
				return
			}
			// Revive the deleted course with the new fields.
			old.WorkflowState = "unpublished"
			if !s.courseFields(x, old) {
				return
			}
			c = old
		}
		c.SISCourseID = sisID
	}
	if v := x.param("course[integration_id]"); v != "" && x.manageSIS() {
		c.IntegrationID = v
	}
	if offer, _ := x.boolParam("offer"); offer {
		c.WorkflowState = "available"
	}
	if c.ID == 0 {
		c.ID = s.nextID()
		s.courses[c.ID] = c
	}
	x.json(http.StatusOK, x.renderCourse(c))
}

func (s *Server) getCourse(x *rctx, c *Course) {
	x.json(http.StatusOK, x.renderCourse(c))
}

func (s *Server) updateCourse(x *rctx) {
	event := x.param("course[event]")
	c := s.findCourse(x.params[0], event == "undelete")
	if c == nil {
		x.notFound()
		return
	}
	upd := *c
	if !s.courseFields(x, &upd) {
		return
	}
	if x.has("course[sis_course_id]") && x.manageSIS() {
		sisID := x.param("course[sis_course_id]")
		if sisID != "" && s.sisCourseTaken(sisID, c.ID) != nil {
			x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
			return
		}
		upd.SISCourseID = sisID
	}
	if x.has("course[integration_id]") && x.manageSIS() {
		upd.IntegrationID = x.param("course[integration_id]")
	}
	switch event {
	case "":
	case "offer":
		upd.WorkflowState = "available"
	case "claim":
		upd.WorkflowState = "unpublished"
	case "conclude":
		upd.WorkflowState = "completed"
	case "delete":
		upd.WorkflowState = "deleted"
	case "undelete":
		upd.WorkflowState = "unpublished"
	default:
		x.validation("event", "invalid", "invalid event")
		return
	}
	*c = upd
	x.json(http.StatusOK, x.renderCourse(c))
}

func (s *Server) deleteCourse(x *rctx, c *Course) {
	switch ev := x.param("event"); ev {
	case "delete":
		c.WorkflowState = "deleted"
		x.json(http.StatusOK, map[string]any{"delete": true})
	case "conclude":
		c.WorkflowState = "completed"
		x.json(http.StatusOK, map[string]any{"conclude": true})
	default:
		x.message(http.StatusBadRequest, `Only "delete" and "conclude" events are allowed.`)
	}
}

func (s *Server) listAccountCourses(x *rctx, a *Account) {
	states := map[string]bool{}
	for _, st := range x.list("state") {
		switch st {
		case "created", "claimed":
			states["unpublished"] = true
		case "all":
			for _, v := range []string{"unpublished", "available", "completed", "deleted"} {
				states[v] = true
			}
		default:
			states[st] = true
		}
	}
	if len(states) == 0 {
		states = map[string]bool{"unpublished": true, "available": true, "completed": true}
	}
	term := strings.ToLower(x.param("search_term"))
	published, hasPub := x.boolParam("published")
	completed, hasComp := x.boolParam("completed")
	var termID int64
	if v := x.param("enrollment_term_id"); v != "" {
		id, ok := s.findTerm(v)
		if !ok {
			x.notFound()
			return
		}
		termID = id
	}
	all := sorted(s.courses, func(c *Course) int64 { return c.ID }, func(c *Course) bool {
		if !s.underAccount(c.AccountID, a.ID) || !states[c.WorkflowState] {
			return false
		}
		if term != "" && !strings.Contains(strings.ToLower(c.Name+"\x00"+c.CourseCode+"\x00"+c.SISCourseID), term) {
			return false
		}
		if hasPub && published != (c.WorkflowState == "available" || c.WorkflowState == "completed") {
			return false
		}
		if hasComp && completed != (c.WorkflowState == "completed") {
			return false
		}
		return termID == 0 || termOr(c.TermID) == termID
	})
	writePage(x, all, func(c *Course) int64 { return c.ID }, numbered, x.renderCourse)
}
