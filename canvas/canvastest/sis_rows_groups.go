package canvastest

// The group files: a row of group_categories.csv, groups.csv or
// group_memberships.csv (doc/api/sis_csv.md). Only course groups are
// imported (account-level rows are refused with a warning: the fake has
// no account groups). A membership saved here is exclusive in its
// category as any other (group_membership.rb). Whether the importer also
// requires an enrollment in the group's course, as the REST policy does
// (group.rb#can_join?), is UNCONFIRMED; the fake is strict and refuses
// such a row with a warning, so a sync that relies on the importer
// admitting unenrolled users fails here rather than in production. Rows
// are processed in Canvas's order, so enrollments of the same import
// count.

// importGroupCategory applies a group_categories.csv row.
func (s *Server) importGroupCategory(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	id := v["group_category_id"]
	if id == "" || (status != "deleted" && v["category_name"] == "") {
		return bad("No group_category_id or category_name given for a group category")
	}
	if status != "active" && status != "deleted" {
		return bad("Improper status %q for group category %s", v["status"], id)
	}
	cat := s.findCategory("sis_group_category_id:" + id)
	if status == "deleted" {
		if cat == nil {
			return bad("Group category %s cannot be deleted because it does not exist", id)
		}
		for _, g := range s.groups {
			if g.CategoryID == cat.ID {
				g.WorkflowState = "deleted"
			}
		}
		delete(s.categories, cat.ID)
		return true
	}
	c := s.findCourse("sis_course_id:"+v["course_id"], false)
	if c == nil {
		return bad("Course with course_id %s didn't exist for group category %s", v["course_id"], id)
	}
	if cat == nil {
		cat = &GroupCategory{ID: s.nextID(), CourseID: c.ID, SISGroupCategoryID: id}
		s.categories[cat.ID] = cat
	}
	cat.Name = v["category_name"]
	return true
}

// importGroup applies a groups.csv row.
func (s *Server) importGroup(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	id := v["group_id"]
	if id == "" || (status != "deleted" && v["name"] == "") {
		return bad("No group_id or name given for a group")
	}
	if status != "available" && status != "deleted" {
		return bad("Improper status %q for group %s", v["status"], id)
	}
	g := s.findGroup("sis_group_id:" + id)
	if status == "deleted" {
		if g == nil {
			return bad("Group %s cannot be deleted because it does not exist", id)
		}
		g.WorkflowState = "deleted"
		return true
	}
	cat := s.findCategory("sis_group_category_id:" + v["group_category_id"])
	if cat == nil {
		return bad("Group category %s not found for group %s", v["group_category_id"], id)
	}
	if g == nil {
		g = &Group{ID: s.nextID(), SISGroupID: id, JoinLevel: "invitation_only"}
		s.groups[g.ID] = g
	}
	g.CategoryID, g.CourseID, g.Name, g.WorkflowState = cat.ID, cat.CourseID, v["name"], "available"
	return true
}

// importGroupMembership applies a group_memberships.csv row.
func (s *Server) importGroupMembership(r sisRow) bool {
	v, status, bad := r.v, r.status, r.bad
	gid, uid := v["group_id"], v["user_id"]
	if status != "accepted" && status != "deleted" {
		return bad("Improper status %q for a group membership", v["status"])
	}
	g := s.findGroup("sis_group_id:" + gid)
	u := s.findUser("sis_user_id:" + uid)
	if g == nil || u == nil {
		return bad("Group %s or user %s not found for a group membership", gid, uid)
	}
	var m *Membership
	for _, o := range s.memberships {
		if o.GroupID == g.ID && o.UserID == u.ID {
			m = o
		}
	}
	if status == "accepted" && !s.canJoin(g, u.ID) {
		return bad("User %s has no enrollment in the course of group %s (UNCONFIRMED for imports; the fake is strict)", uid, gid)
	}
	if m == nil {
		if status == "deleted" {
			return bad("Group membership of user %s in group %s cannot be deleted because it does not exist", uid, gid)
		}
		m = &Membership{ID: s.nextID(), GroupID: g.ID, UserID: u.ID}
		s.memberships[m.ID] = m
	}
	m.WorkflowState = status
	s.exclusiveMembership(m)
	return true
}
