package canvastest

import (
	"net/http"
	"slices"
	"strconv"
)

func (x *rctx) renderCategory(g *GroupCategory) map[string]any {
	m := map[string]any{
		"id": x.id(g.ID), "name": g.Name, "role": strOrNull(g.Role), "self_signup": strOrNull(g.SelfSignup),
		"auto_leader": strOrNull(g.AutoLeader), "context_type": "Course", "course_id": x.id(g.CourseID),
		"group_limit": nil, "progress": nil,
	}
	if g.GroupLimit != nil {
		m["group_limit"] = *g.GroupLimit
	}
	return x.sis(m, "sis_group_category_id", strOrNull(g.SISGroupCategoryID), "sis_import_id", nil)
}

func (x *rctx) renderGroup(g *Group) map[string]any {
	members := 0
	for _, m := range x.s.memberships {
		if m.GroupID == g.ID && m.WorkflowState == "accepted" {
			members++
		}
	}
	m := map[string]any{
		"id": x.id(g.ID), "name": g.Name, "description": strOrNull(g.Description), "is_public": g.IsPublic,
		"join_level": g.JoinLevel, "members_count": members, "context_type": "Course",
		"course_id": x.id(g.CourseID), "group_category_id": x.id(g.CategoryID), "role": nil,
		"storage_quota_mb": 50, "followed_by_user": false,
	}
	// No workflow_state: lib/api/v1/group.rb (API_GROUP_JSON_OPTS) does
	// not serialise it, and deleted groups answer 404 instead.
	return x.sis(m, "sis_group_id", strOrNull(g.SISGroupID), "sis_import_id", nil)
}

func (x *rctx) renderMembership(m *Membership) map[string]any {
	return map[string]any{"id": x.id(m.ID), "group_id": x.id(m.GroupID), "user_id": x.id(m.UserID),
		"workflow_state": m.WorkflowState, "moderator": false, "just_created": false, "sis_import_id": nil}
}

func (s *Server) listCategories(x *rctx, c *Course) {
	all := sorted(s.categories, func(v *GroupCategory) int64 { return v.ID }, func(v *GroupCategory) bool { return v.CourseID == c.ID })
	writePage(x, all, func(v *GroupCategory) int64 { return v.ID }, numbered, x.renderCategory)
}

// categoryFields applies name, self_signup, auto_leader, group_limit and
// sis_group_category_id; setting the SIS ID without manage_sis is refused
// with 401, as group_categories_controller does.
func (s *Server) categoryFields(x *rctx, g *GroupCategory) bool {
	if x.has("sis_group_category_id") {
		if !x.manageSIS() {
			x.message(http.StatusUnauthorized, "You must have manage_sis permission to set sis attributes")
			return false
		}
		sisID := x.param("sis_group_category_id")
		for _, o := range s.categories {
			if sisID != "" && o.ID != g.ID && o.SISGroupCategoryID == sisID {
				x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
				return false
			}
		}
		g.SISGroupCategoryID = sisID
	}
	if x.has("name") {
		g.Name = x.param("name")
	}
	if g.Name == "" {
		x.validation("name", "blank", "can't be blank")
		return false
	}
	for _, o := range s.categories {
		if o.ID != g.ID && o.CourseID == g.CourseID && o.Name == g.Name {
			x.validation("name", "taken", g.Name+" is already in use.")
			return false
		}
	}
	if x.has("self_signup") {
		switch v := x.param("self_signup"); v {
		case "enabled", "restricted", "":
			g.SelfSignup = v
		default:
			x.validation("self_signup", "invalid", "self_signup must be enabled or restricted")
			return false
		}
	}
	if x.has("auto_leader") {
		g.AutoLeader = x.param("auto_leader")
	}
	if x.has("group_limit") {
		if v := x.param("group_limit"); v == "" {
			g.GroupLimit = nil
		} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
			g.GroupLimit = &n
		} else {
			x.validation("group_limit", "invalid", "group_limit must be a positive number")
			return false
		}
	}
	return true
}

func (s *Server) createCategory(x *rctx, c *Course) {
	g := &GroupCategory{CourseID: c.ID}
	if !s.categoryFields(x, g) {
		return
	}
	g.ID = s.nextID()
	s.categories[g.ID] = g
	x.json(http.StatusOK, x.renderCategory(g))
}

func (s *Server) getCategory(x *rctx, g *GroupCategory) {
	x.json(http.StatusOK, x.renderCategory(g))
}

func (s *Server) updateCategory(x *rctx, g *GroupCategory) {
	upd := *g
	if !s.categoryFields(x, &upd) {
		return
	}
	*g = upd
	x.json(http.StatusOK, x.renderCategory(g))
}

func (s *Server) deleteCategory(x *rctx, g *GroupCategory) {
	for _, gr := range s.groups {
		if gr.CategoryID == g.ID {
			gr.WorkflowState = "deleted"
		}
	}
	delete(s.categories, g.ID)
	x.json(http.StatusOK, x.renderCategory(g))
}

func (s *Server) listGroups(x *rctx, keep func(*Group) bool) {
	all := sorted(s.groups, func(v *Group) int64 { return v.ID }, func(v *Group) bool {
		return v.WorkflowState != "deleted" && keep(v)
	})
	writePage(x, all, func(v *Group) int64 { return v.ID }, numbered, x.renderGroup)
}

func (s *Server) listCategoryGroups(x *rctx, g *GroupCategory) {
	s.listGroups(x, func(v *Group) bool { return v.CategoryID == g.ID })
}

func (s *Server) listCourseGroups(x *rctx, c *Course) {
	s.listGroups(x, func(v *Group) bool { return v.CourseID == c.ID })
}

func (s *Server) groupFields(x *rctx, g *Group) bool {
	if x.has("name") {
		g.Name = x.param("name")
	}
	if x.has("description") {
		g.Description = x.param("description")
	}
	if x.has("is_public") {
		g.IsPublic, _ = x.boolParam("is_public")
	}
	if x.has("join_level") {
		switch v := x.param("join_level"); v {
		case "parent_context_auto_join", "parent_context_request", "invitation_only":
			g.JoinLevel = v
		default:
			x.validation("join_level", "inclusion", "is not included in the list")
			return false
		}
	}
	if x.has("sis_group_id") {
		sisID := x.param("sis_group_id")
		if !x.manageSIS() {
			// groups_controller.rb#create/#update refuse it before saving,
			// so no group is left behind without its SIS ID.
			verb := "update"
			if g.ID == 0 {
				verb = "set"
			}
			x.message(http.StatusUnauthorized, "You must have manage_sis permission to "+verb+" sis attributes")
			return false
		}
		for _, o := range s.groups {
			if sisID != "" && o.ID != g.ID && o.SISGroupID == sisID {
				x.validation("sis_source_id", sisInUse(sisID), sisInUse(sisID))
				return false
			}
		}
		g.SISGroupID = sisID
	}
	return true
}

func (s *Server) createGroup(x *rctx, cat *GroupCategory) {
	g := &Group{CategoryID: cat.ID, CourseID: cat.CourseID, JoinLevel: "invitation_only", WorkflowState: "available"}
	if !s.groupFields(x, g) {
		return
	}
	g.ID = s.nextID()
	s.groups[g.ID] = g
	x.json(http.StatusOK, x.renderGroup(g))
}

func (s *Server) getGroup(x *rctx, g *Group) {
	x.json(http.StatusOK, x.renderGroup(g))
}

func (s *Server) updateGroup(x *rctx, g *Group) {
	upd := *g
	if !s.groupFields(x, &upd) {
		return
	}
	*g = upd
	x.json(http.StatusOK, x.renderGroup(g))
}

func (s *Server) deleteGroup(x *rctx, g *Group) {
	g.WorkflowState = "deleted"
	x.json(http.StatusOK, x.renderGroup(g))
}

func (s *Server) listMemberships(x *rctx, g *Group) {
	// group_memberships_controller.rb#index: every membership but deleted
	// ones (accepted, invited, requested), unless filter_states[] narrows.
	states := x.list("filter_states")
	all := sorted(s.memberships, func(v *Membership) int64 { return v.ID }, func(v *Membership) bool {
		if v.GroupID != g.ID || v.WorkflowState == "deleted" {
			return false
		}
		return len(states) == 0 || slices.Contains(states, v.WorkflowState)
	})
	writePage(x, all, func(v *Membership) int64 { return v.ID }, numbered, x.renderMembership)
}

// addMembership returns the existing membership when there is one, as
// Canvas does.
func (s *Server) addMembership(x *rctx, g *Group) {
	u := s.findUser(x.param("user_id"))
	if u == nil || u.ID == s.adminUser {
		x.notFound()
		return
	}
	if !s.canJoin(g, u.ID) {
		x.unauthorized()
		return
	}
	var m *Membership
	for _, v := range s.memberships {
		if v.GroupID == g.ID && v.UserID == u.ID && (m == nil || v.ID < m.ID) {
			m = v
		}
	}
	if m == nil {
		m = &Membership{ID: s.nextID(), GroupID: g.ID, UserID: u.ID}
		s.memberships[m.ID] = m
	}
	m.WorkflowState = "accepted"
	s.exclusiveMembership(m)
	x.json(http.StatusOK, x.renderMembership(m))
}

// canJoin follows group.rb#can_join? as the membership policy
// (group_membership.rb set_policy :create) uses it: a course group admits
// only a user with a non-deleted enrollment in the group's course (any
// state but deleted: Course#enrollments leaves deleted ones out).
func (s *Server) canJoin(g *Group, userID int64) bool {
	for _, e := range s.enrollments {
		if e.UserID == userID && e.CourseID == g.CourseID && e.State != "deleted" {
			return true
		}
	}
	return false
}

// exclusiveMembership follows group_membership.rb
// (ensure_mutually_exclusive_membership) with group.rb#peer_groups: saving
// an active membership removes the user's other active memberships in the
// category's other groups, unless the category allows several
// (group_category.rb#allows_multiple_memberships?: student-organised and
// community categories).
func (s *Server) exclusiveMembership(m *Membership) {
	g := s.groups[m.GroupID]
	if g == nil || m.WorkflowState != "accepted" {
		return
	}
	if cat := s.categories[g.CategoryID]; cat == nil || cat.allowsMultiple() {
		return
	}
	for _, o := range s.memberships {
		if o.ID == m.ID || o.UserID != m.UserID || o.WorkflowState == "deleted" {
			continue
		}
		if peer := s.groups[o.GroupID]; peer != nil && peer.ID != g.ID && peer.CategoryID == g.CategoryID && peer.WorkflowState != "deleted" {
			o.WorkflowState = "deleted"
		}
	}
}

func (s *Server) removeMembership(x *rctx) {
	g := s.findGroup(x.params[0])
	r, ok := parseRef(x.params[1])
	if g == nil || !ok || r.field != "" {
		x.notFound()
		return
	}
	m := s.memberships[r.id]
	if m == nil || m.GroupID != g.ID || m.WorkflowState == "deleted" {
		x.notFound()
		return
	}
	m.WorkflowState = "deleted"
	x.json(http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) removeMemberUser(x *rctx) {
	g := s.findGroup(x.params[0])
	u := s.findUser(x.params[1])
	if g == nil || u == nil {
		x.notFound()
		return
	}
	for _, m := range s.memberships {
		if m.GroupID == g.ID && m.UserID == u.ID && m.WorkflowState == "accepted" {
			m.WorkflowState = "deleted"
			x.json(http.StatusOK, map[string]any{"ok": true})
			return
		}
	}
	x.notFound()
}
