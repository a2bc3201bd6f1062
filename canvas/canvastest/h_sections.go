package canvastest

import (
	"net/http"
	"time"
)

func (s *Server) listSections(x *rctx, c *Course) {
	all := sorted(s.sections, func(v *Section) int64 { return v.ID }, func(v *Section) bool {
		return v.CourseID == c.ID && v.WorkflowState != "deleted"
	})
	writePage(x, all, func(v *Section) int64 { return v.ID }, numbered, x.renderSection)
}

func (s *Server) sisSectionTaken(sisID string, except int64) *Section {
	for _, v := range s.sections {
		if v.ID != except && v.SISSectionID == sisID {
			return v
		}
	}
	return nil
}

func (s *Server) sectionFields(x *rctx, sec *Section) bool {
	if x.has("course_section[name]") {
		sec.Name = x.param("course_section[name]")
	}
	for _, f := range []struct {
		key string
		dst **time.Time
	}{{"course_section[start_at]", &sec.StartAt}, {"course_section[end_at]", &sec.EndAt}} {
		if !x.has(f.key) {
			continue
		}
		t, ok := parseTime(x.param(f.key))
		if !ok {
			x.validation(f.key[len("course_section["):len(f.key)-1], "invalid", "is not a valid date")
			return false
		}
		*f.dst = t
	}
	return true
}

func (s *Server) createSection(x *rctx, c *Course) {
	sec := &Section{CourseID: c.ID, Name: c.Name, WorkflowState: "active"}
	if !s.sectionFields(x, sec) {
		return
	}
	if sisID := x.param("course_section[sis_section_id]"); sisID != "" && x.manageSIS() {
		if old := s.sisSectionTaken(sisID, 0); old != nil {
			// sections_controller.rb#create revives a deleted section
			// only within the same course.
			reactivate, _ := x.boolParam("enable_sis_reactivation")
			if old.WorkflowState != "deleted" || !reactivate || old.CourseID != c.ID {
				x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
				return
			}
			old.WorkflowState = "active"
			if !s.sectionFields(x, old) {
				return
			}
			sec = old
		}
		sec.SISSectionID = sisID
	}
	if v := x.param("course_section[integration_id]"); v != "" && x.manageSIS() {
		sec.IntegrationID = v
	}
	if sec.ID == 0 {
		sec.ID = s.nextID()
		s.sections[sec.ID] = sec
	}
	x.json(http.StatusOK, x.renderSection(sec))
}

func (s *Server) getSection(x *rctx, sec *Section) {
	x.json(http.StatusOK, x.renderSection(sec))
}

func (s *Server) getCourseSection(x *rctx) {
	c := s.findCourse(x.params[0], false)
	sec := s.findSection(x.params[1])
	if c == nil || sec == nil || sec.CourseID != c.ID {
		x.notFound()
		return
	}
	x.json(http.StatusOK, x.renderSection(sec))
}

func (s *Server) updateSection(x *rctx, sec *Section) {
	sisChange := x.has("course_section[sis_section_id]") || x.has("course_section[integration_id]")
	if sisChange && !x.manageSIS() {
		x.message(http.StatusUnauthorized, "You must have manage_sis permission to update sis attributes")
		return
	}
	upd := *sec
	if !s.sectionFields(x, &upd) {
		return
	}
	if x.has("course_section[sis_section_id]") {
		sisID := x.param("course_section[sis_section_id]")
		if sisID != "" && s.sisSectionTaken(sisID, sec.ID) != nil {
			x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
			return
		}
		upd.SISSectionID = sisID
	}
	if x.has("course_section[integration_id]") {
		upd.IntegrationID = x.param("course_section[integration_id]")
	}
	*sec = upd
	x.json(http.StatusOK, x.renderSection(sec))
}

func (s *Server) deleteSection(x *rctx, sec *Section) {
	sec.WorkflowState = "deleted"
	x.json(http.StatusOK, x.renderSection(sec))
}
