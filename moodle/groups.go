package moodle

import "context"

// GroupsService calls the core_group_* functions (group/externallib.php
// core_group_external). Every one needs moodle/course:managegroups.
type GroupsService service

// Group is a course group.
type Group struct {
	ID                int64  `json:"id"`
	CourseID          int64  `json:"courseid"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	DescriptionFormat int    `json:"descriptionformat"`
	EnrolmentKey      string `json:"enrolmentkey"`
	IDNumber          string `json:"idnumber"`
	Visibility        int    `json:"visibility"`
	Participation     bool   `json:"participation"`
}

// NewGroup is one group for core_group_create_groups. Moodle requires a
// description (send "" for none); names are unique per course and a
// non-empty idnumber is unique per course (trimmed).
type NewGroup struct {
	CourseID    int64
	Name        string
	Description string
	IDNumber    string
}

// CreateGroups calls core_group_create_groups (group/externallib.php
// create_groups). One transaction: a blank or duplicate name
// (invalidparameter) or a taken idnumber (idnumbertaken) fails the batch.
func (s *GroupsService) CreateGroups(ctx context.Context, groups []NewGroup) ([]Group, error) {
	p := Params{}
	for i, g := range groups {
		p.SetInt(Key("groups", i, "courseid"), g.CourseID)
		p.Set(Key("groups", i, "name"), g.Name)
		p.Set(Key("groups", i, "description"), g.Description)
		p.Set(Key("groups", i, "idnumber"), g.IDNumber)
	}
	var out []Group
	err := s.client.do(ctx, call{fn: "core_group_create_groups", params: p, write: true}, &out)
	return out, err
}

// GroupUpdate is one group for core_group_update_groups. Moodle requires
// the name even when it does not change.
type GroupUpdate struct {
	ID          int64
	Name        string
	Description *string
	IDNumber    *string
}

// UpdateGroups calls core_group_update_groups (group/externallib.php
// update_groups), one transaction.
func (s *GroupsService) UpdateGroups(ctx context.Context, groups []GroupUpdate) error {
	p := Params{}
	for i, g := range groups {
		p.SetInt(Key("groups", i, "id"), g.ID)
		p.Set(Key("groups", i, "name"), g.Name)
		p.optString(Key("groups", i, "description"), g.Description)
		p.optString(Key("groups", i, "idnumber"), g.IDNumber)
	}
	return s.client.do(ctx, call{fn: "core_group_update_groups", params: p, write: true, idem: true}, nil)
}

// GetCourseGroups calls core_group_get_course_groups (group/externallib.php
// get_course_groups): every group of the course, by name.
func (s *GroupsService) GetCourseGroups(ctx context.Context, courseID int64) ([]Group, error) {
	p := Params{}
	p.SetInt("courseid", courseID)
	var out []Group
	err := s.client.do(ctx, call{fn: "core_group_get_course_groups", params: p, idem: true}, &out)
	return out, err
}

// GroupMembers is one group's members as core_group_get_group_members
// returns them.
type GroupMembers struct {
	GroupID int64   `json:"groupid"`
	UserIDs []int64 `json:"userids"`
}

// GetGroupMembers calls core_group_get_group_members (group/externallib.php
// get_group_members). A missing group fails the call (invalidrecord).
func (s *GroupsService) GetGroupMembers(ctx context.Context, groupIDs []int64) ([]GroupMembers, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	p := Params{}
	p.ints("groupids", groupIDs)
	var out []GroupMembers
	err := s.client.do(ctx, call{fn: "core_group_get_group_members", params: p, idem: true}, &out)
	return out, err
}

// Member is one (group, user) pair.
type Member struct {
	GroupID int64
	UserID  int64
}

func memberParams(ms []Member) Params {
	p := Params{}
	for i, m := range ms {
		p.SetInt(Key("members", i, "groupid"), m.GroupID)
		p.SetInt(Key("members", i, "userid"), m.UserID)
	}
	return p
}

// AddGroupMembers calls core_group_add_group_members (group/externallib.php
// add_group_members). An existing member is a no-op; a user not enrolled
// in the course (in any state) fails the batch with invalidparameter
// ("Only enrolled users may be members of groups"): enrol first.
func (s *GroupsService) AddGroupMembers(ctx context.Context, ms []Member) error {
	return s.client.do(ctx, call{fn: "core_group_add_group_members", params: memberParams(ms), write: true, idem: true}, nil)
}

// DeleteGroupMembers calls core_group_delete_group_members
// (group/externallib.php delete_group_members). A non-member is a no-op.
func (s *GroupsService) DeleteGroupMembers(ctx context.Context, ms []Member) error {
	return s.client.do(ctx, call{fn: "core_group_delete_group_members", params: memberParams(ms), write: true, idem: true}, nil)
}

// Grouping is a course grouping (a set of groups).
type Grouping struct {
	ID                int64  `json:"id"`
	CourseID          int64  `json:"courseid"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	DescriptionFormat int    `json:"descriptionformat"`
	IDNumber          string `json:"idnumber"`
}

// NewGrouping is one grouping for core_group_create_groupings (description
// required by Moodle).
type NewGrouping struct {
	CourseID    int64
	Name        string
	Description string
	IDNumber    string
}

// CreateGroupings calls core_group_create_groupings (group/externallib.php
// create_groupings), one transaction.
func (s *GroupsService) CreateGroupings(ctx context.Context, gs []NewGrouping) ([]Grouping, error) {
	p := Params{}
	for i, g := range gs {
		p.SetInt(Key("groupings", i, "courseid"), g.CourseID)
		p.Set(Key("groupings", i, "name"), g.Name)
		p.Set(Key("groupings", i, "description"), g.Description)
		p.Set(Key("groupings", i, "idnumber"), g.IDNumber)
	}
	var out []Grouping
	err := s.client.do(ctx, call{fn: "core_group_create_groupings", params: p, write: true}, &out)
	return out, err
}

// GetCourseGroupings calls core_group_get_course_groupings
// (group/externallib.php get_course_groupings).
func (s *GroupsService) GetCourseGroupings(ctx context.Context, courseID int64) ([]Grouping, error) {
	p := Params{}
	p.SetInt("courseid", courseID)
	var out []Grouping
	err := s.client.do(ctx, call{fn: "core_group_get_course_groupings", params: p, idem: true}, &out)
	return out, err
}

// GroupingAssignment puts a group in a grouping.
type GroupingAssignment struct {
	GroupingID int64
	GroupID    int64
}

// AssignGrouping calls core_group_assign_grouping (group/externallib.php
// assign_grouping). An existing assignment is skipped. Moodle does not
// check that group and grouping share a course: callers must.
func (s *GroupsService) AssignGrouping(ctx context.Context, as []GroupingAssignment) error {
	p := Params{}
	for i, a := range as {
		p.SetInt(Key("assignments", i, "groupingid"), a.GroupingID)
		p.SetInt(Key("assignments", i, "groupid"), a.GroupID)
	}
	return s.client.do(ctx, call{fn: "core_group_assign_grouping", params: p, write: true, idem: true}, nil)
}
