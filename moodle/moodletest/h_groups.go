package moodletest

import (
	"fmt"
	"slices"
	"strings"
)

func createGroupFields() spec {
	return single(f("courseid", val(pInt)), f("name", val(pText)), f("description", val(pRaw)),
		f("descriptionformat", def(val(pInt), "1")), f("enrolmentkey", opt(val(pRaw))), f("idnumber", opt(val(pRaw))),
		f("visibility", def(val(pInt), "0")), f("participation", def(val(pBool), true)),
		f("customfields", shortnameValueList()))
}

func updateGroupFields() spec {
	return single(f("id", val(pInt)), f("name", val(pText)), f("description", opt(val(pRaw))),
		f("descriptionformat", def(val(pInt), "1")), f("enrolmentkey", opt(val(pRaw))), f("idnumber", opt(val(pRaw))),
		f("visibility", opt(val(pInt))), f("participation", opt(val(pBool))), f("customfields", shortnameValueList()))
}

func memberFields() spec { return single(f("groupid", val(pInt)), f("userid", val(pInt))) }

func createGroupingFields() spec {
	return single(f("courseid", val(pInt)), f("name", val(pText)), f("description", val(pRaw)),
		f("descriptionformat", def(val(pInt), "1")), f("idnumber", opt(val(pRaw))), f("customfields", shortnameValueList()))
}

// insert commits a batch the handler has checked in full (one
// transaction): each record gets the next id and is stored in table; the
// answer lists them rendered, in order.
func insert[V any](s *Server, table map[int64]*V, made []*V, id func(*V) *int64, render func(*V) map[string]any) []any {
	out := []any{}
	for _, v := range made {
		*id(v) = s.nextID()
		table[*id(v)] = v
		out = append(out, render(v))
	}
	return out
}

func renderGroup(g *Group) map[string]any {
	return map[string]any{"id": g.ID, "courseid": g.CourseID, "name": formatted(g.Name), "description": g.Description,
		"descriptionformat": 1, "enrolmentkey": "", "idnumber": g.IDNumber, "visibility": g.Visibility,
		"participation": g.Visibility < 2}
}

// createGroups follows core_group_external::create_groups and
// group/lib.php groups_create_group(): one transaction; name unique per
// course (exact match), non-empty idnumber (trimmed) unique per course.
func (s *Server) createGroups(_ *Token, p map[string]any) (any, *apiError) {
	var made []*Group
	taken := func(course int64, pred func(*Group) bool) bool {
		for _, g := range s.groups {
			if g.CourseID == course && pred(g) {
				return true
			}
		}
		for _, g := range made {
			if g.CourseID == course && pred(g) {
				return true
			}
		}
		return false
	}
	for _, it := range list(p, "groups") {
		course := num(it, "courseid")
		if strings.TrimSpace(str(it, "name")) == "" {
			return nil, invalidParameter("Invalid group name")
		}
		if taken(course, func(g *Group) bool { return g.Name == str(it, "name") }) {
			return nil, invalidParameter("Group with the same name already exists in the course")
		}
		if _, ok := s.courses[course]; !ok {
			// The name checks come first; validate_context() on the
			// missing context is rethrown as errorcoursecontextnotvalid.
			return nil, courseContextError(course)
		}
		if v := num(it, "visibility"); v < 0 || v > 3 {
			return nil, invalidParameter("Invalid group visibility option")
		}
		idnum := strings.TrimSpace(str(it, "idnumber"))
		if idnum != "" && taken(course, func(g *Group) bool { return g.IDNumber == idnum }) {
			return nil, moodleError("idnumbertaken", "This ID number is already in use")
		}
		made = append(made, &Group{CourseID: course, Name: str(it, "name"), Description: str(it, "description"),
			IDNumber: idnum, Visibility: num(it, "visibility"), Members: map[int64]bool{}})
	}
	return insert(s, s.groups, made, func(g *Group) *int64 { return &g.ID }, renderGroup), nil
}

// updateGroups follows core_group_external::update_groups: one
// transaction, name required, clashes refused.
func (s *Server) updateGroups(_ *Token, p map[string]any) (any, *apiError) {
	items := list(p, "groups")
	for _, it := range items {
		g, ok := s.groups[num(it, "id")]
		if !ok {
			return nil, invalidParameter(fmt.Sprintf("Group %d does not exist", num(it, "id")))
		}
		if strings.TrimSpace(str(it, "name")) == "" {
			return nil, invalidParameter("Invalid group name")
		}
		for _, o := range s.groups {
			if o.ID == g.ID || o.CourseID != g.CourseID {
				continue
			}
			if o.Name == str(it, "name") {
				return nil, invalidParameter("A different group with the same name already exists in the course")
			}
			if v := strings.TrimSpace(str(it, "idnumber")); has(it, "idnumber") && v != "" && o.IDNumber == v {
				return nil, moodleError("idnumbertaken", "This ID number is already in use")
			}
		}
	}
	for _, it := range items {
		g := s.groups[num(it, "id")]
		g.Name = str(it, "name")
		if has(it, "description") {
			g.Description = str(it, "description")
		}
		if has(it, "idnumber") {
			g.IDNumber = strings.TrimSpace(str(it, "idnumber"))
		}
	}
	return nil, nil
}

// getCourseGroups follows core_group_external::get_course_groups: the
// course's groups by name.
func (s *Server) getCourseGroups(_ *Token, p map[string]any) (any, *apiError) {
	course := num(p, "courseid")
	if _, ok := s.courses[course]; !ok {
		return nil, courseContextError(course)
	}
	var gs []*Group
	for _, g := range s.groups {
		if g.CourseID == course {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	out := []any{}
	for _, g := range gs {
		out = append(out, renderGroup(g))
	}
	return out, nil
}

// getGroupMembers follows core_group_external::get_group_members: a
// missing group fails the call; members by last name, first name.
func (s *Server) getGroupMembers(_ *Token, p map[string]any) (any, *apiError) {
	out := []any{}
	for _, id := range ints(p, "groupids") {
		g, ok := s.groups[id]
		if !ok {
			return nil, missingRecord("groups")
		}
		var us []*User
		for uid := range g.Members {
			us = append(us, s.users[uid])
		}
		slices.SortFunc(us, func(a, b *User) int {
			return strings.Compare(a.LastName+"\x00"+a.FirstName, b.LastName+"\x00"+b.FirstName)
		})
		ids := []any{}
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		out = append(out, map[string]any{"groupid": id, "userids": ids})
	}
	return out, nil
}

// checkMembers checks a members batch as add/delete_group_members do:
// group MUST_EXIST, user exists; adding also needs an enrolment in any
// state (is_enrolled(..., onlyactive=false)).
func (s *Server) checkMembers(items []map[string]any, adding bool) *apiError {
	for _, it := range items {
		g, ok := s.groups[num(it, "groupid")]
		if !ok {
			return missingRecord("groups")
		}
		if _, ok := s.users[num(it, "userid")]; !ok {
			return missingRecord("user")
		}
		if _, ok := s.enrolments[ucKey{num(it, "userid"), g.CourseID}]; adding && !ok {
			return invalidParameter("Only enrolled users may be members of groups")
		}
	}
	return nil
}

func (s *Server) addGroupMembers(_ *Token, p map[string]any) (any, *apiError) {
	items := list(p, "members")
	if err := s.checkMembers(items, true); err != nil {
		return nil, err
	}
	for _, it := range items {
		s.groups[num(it, "groupid")].Members[num(it, "userid")] = true
	}
	return nil, nil
}

func (s *Server) deleteGroupMembers(_ *Token, p map[string]any) (any, *apiError) {
	items := list(p, "members")
	if err := s.checkMembers(items, false); err != nil {
		return nil, err
	}
	for _, it := range items {
		delete(s.groups[num(it, "groupid")].Members, num(it, "userid"))
	}
	return nil, nil
}

func renderGrouping(g *Grouping) map[string]any {
	return map[string]any{"id": g.ID, "courseid": g.CourseID, "name": formatted(g.Name), "description": g.Description,
		"descriptionformat": 1, "idnumber": g.IDNumber}
}

// createGroupings follows core_group_external::create_groupings.
func (s *Server) createGroupings(_ *Token, p map[string]any) (any, *apiError) {
	var made []*Grouping
	for _, it := range list(p, "groupings") {
		course := num(it, "courseid")
		if strings.TrimSpace(str(it, "name")) == "" {
			return nil, invalidParameter("Invalid grouping name")
		}
		if _, ok := s.courses[course]; !ok {
			// As create_groups (UNCONFIRMED for groupings).
			return nil, courseContextError(course)
		}
		idnum := strings.TrimSpace(str(it, "idnumber"))
		for _, g := range append(s.groupingList(course), made...) {
			if g.CourseID != course {
				continue
			}
			if g.Name == str(it, "name") {
				return nil, invalidParameter("Grouping with the same name already exists in the course")
			}
			if idnum != "" && g.IDNumber == idnum {
				return nil, moodleError("idnumbertaken", "This ID number is already in use")
			}
		}
		made = append(made, &Grouping{CourseID: course, Name: str(it, "name"), Description: str(it, "description"),
			IDNumber: idnum, Groups: map[int64]bool{}})
	}
	return insert(s, s.groupings, made, func(g *Grouping) *int64 { return &g.ID }, renderGrouping), nil
}

func (s *Server) groupingList(course int64) []*Grouping {
	return allBy(s.groupings, func(g *Grouping) bool { return g.CourseID == course })
}

func (s *Server) getCourseGroupings(_ *Token, p map[string]any) (any, *apiError) {
	course := num(p, "courseid")
	if _, ok := s.courses[course]; !ok {
		return nil, courseContextError(course)
	}
	out := []any{}
	for _, g := range s.groupingList(course) {
		out = append(out, renderGrouping(g))
	}
	return out, nil
}

// assignGrouping follows core_group_external::assign_grouping: both must
// exist; Moodle does not check they share a course, nor does the fake.
func (s *Server) assignGrouping(_ *Token, p map[string]any) (any, *apiError) {
	items := list(p, "assignments")
	for _, it := range items {
		if _, ok := s.groupings[num(it, "groupingid")]; !ok {
			return nil, missingRecord("groupings")
		}
		if _, ok := s.groups[num(it, "groupid")]; !ok {
			return nil, missingRecord("groups")
		}
	}
	for _, it := range items {
		s.groupings[num(it, "groupingid")].Groups[num(it, "groupid")] = true
	}
	return nil, nil
}
