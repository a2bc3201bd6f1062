package canvastest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// DefaultTermID is the ID of the fake's default enrollment term.
const DefaultTermID int64 = 2

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// sorted returns a map's values ordered by ID.
func sorted[T any](m map[int64]*T, id func(*T) int64, keep func(*T) bool) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *T) int { return cmp.Compare(id(a), id(b)) })
	return out
}

func (s *Server) findAccount(p string) *Account {
	if p == "self" || p == "default" {
		return s.accounts[RootAccountID]
	}
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	if r.field == "" {
		return s.accounts[r.id]
	}
	if r.field != "sis_account_id" {
		return nil
	}
	for _, a := range s.accounts {
		if a.SISAccountID == r.value {
			return a
		}
	}
	return nil
}

// underAccount reports whether account id is acct or one of its
// descendants.
func (s *Server) underAccount(id, acct int64) bool {
	for depth := 0; id != 0 && depth < 64; depth++ {
		if id == acct {
			return true
		}
		a := s.accounts[id]
		if a == nil {
			return false
		}
		id = a.ParentID
	}
	return false
}

func (s *Server) findTerm(p string) (int64, bool) {
	if p == "default" {
		return DefaultTermID, true
	}
	r, ok := parseRef(p)
	if !ok {
		return 0, false
	}
	if r.field == "" {
		if r.id == DefaultTermID || s.terms[r.id] != nil {
			return r.id, true
		}
		return 0, false
	}
	if r.field != "sis_term_id" {
		return 0, false
	}
	for _, t := range s.terms {
		if t.SISTermID == r.value {
			return t.ID, true
		}
	}
	return 0, false
}

// findCourse resolves a course reference; deleted courses are found only
// with withDeleted.
func (s *Server) findCourse(p string, withDeleted bool) *Course {
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	var found *Course
	switch r.field {
	case "":
		found = s.courses[r.id]
	case "sis_course_id", "sis_integration_id":
		for _, c := range s.courses {
			v := c.SISCourseID
			if r.field == "sis_integration_id" {
				v = c.IntegrationID
			}
			if v == r.value && (found == nil || found.WorkflowState == "deleted") {
				found = c
			}
		}
	}
	if found == nil || (!withDeleted && found.WorkflowState == "deleted") {
		return nil
	}
	return found
}

// findLiveCourse is findCourse without deleted courses.
func (s *Server) findLiveCourse(p string) *Course { return s.findCourse(p, false) }

func (s *Server) findSection(p string) *Section {
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	var found *Section
	switch r.field {
	case "":
		found = s.sections[r.id]
	case "sis_section_id", "sis_integration_id":
		for _, sec := range s.sections {
			v := sec.SISSectionID
			if r.field == "sis_integration_id" {
				v = sec.IntegrationID
			}
			if v == r.value && sec.WorkflowState != "deleted" {
				found = sec
			}
		}
	}
	if found == nil || found.WorkflowState == "deleted" {
		return nil
	}
	if c := s.courses[found.CourseID]; c == nil || c.WorkflowState == "deleted" {
		return nil
	}
	return found
}

func (s *Server) adminRecord() *User {
	return &User{ID: s.adminUser, Name: "Fake Admin", ShortName: "Fake Admin", SortableName: "Admin, Fake",
		LoginID: "admin", WorkflowState: "registered"}
}

func (s *Server) findUser(p string) *User {
	if p == "self" {
		return s.adminRecord()
	}
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	var found *User
	switch r.field {
	case "":
		found = s.users[r.id]
	case "sis_user_id", "sis_login_id", "sis_integration_id":
		for _, u := range s.users {
			var v string
			switch r.field {
			case "sis_user_id":
				v = u.SISUserID
			case "sis_login_id":
				v = u.LoginID
				if strings.EqualFold(v, r.value) {
					v = r.value
				}
			default:
				v = u.IntegrationID
			}
			if v == r.value && u.WorkflowState != "deleted" {
				found = u
			}
		}
	}
	if found == nil || found.WorkflowState == "deleted" {
		return nil
	}
	return found
}

func (s *Server) findCategory(p string) *GroupCategory {
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	if r.field == "" {
		return s.categories[r.id]
	}
	if r.field != "sis_group_category_id" {
		return nil
	}
	for _, c := range s.categories {
		if c.SISGroupCategoryID == r.value {
			return c
		}
	}
	return nil
}

func (s *Server) findGroup(p string) *Group {
	r, ok := parseRef(p)
	if !ok {
		return nil
	}
	var found *Group
	switch r.field {
	case "":
		found = s.groups[r.id]
	case "sis_group_id":
		for _, g := range s.groups {
			if g.SISGroupID == r.value && g.WorkflowState != "deleted" {
				found = g
			}
		}
	}
	if found == nil || found.WorkflowState == "deleted" {
		return nil
	}
	return found
}

func (s *Server) findSubmission(assignmentID, userID int64) *Submission {
	for _, sub := range s.submissions {
		if sub.AssignmentID == assignmentID && sub.UserID == userID {
			return sub
		}
	}
	return nil
}

// defaultSection returns the course's default section, creating it the
// first time an enrollment needs one (Canvas names it after the course).
func (s *Server) defaultSection(c *Course) *Section {
	for _, sec := range sorted(s.sections, func(v *Section) int64 { return v.ID }, nil) {
		if sec.CourseID == c.ID && sec.WorkflowState != "deleted" && sec.SISSectionID == "" && sec.Name == c.Name {
			return sec
		}
	}
	sec := &Section{ID: s.nextID(), CourseID: c.ID, Name: c.Name, WorkflowState: "active"}
	s.sections[sec.ID] = sec
	return sec
}
