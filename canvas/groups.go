package canvas

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// GroupCategoriesService manages group categories (group sets).
type GroupCategoriesService service

// GroupsService manages groups and their memberships.
type GroupsService service

// GroupCategory is a set of groups in a course or account.
type GroupCategory struct {
	ID          ID     `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	SelfSignup  string `json:"self_signup"`
	AutoLeader  string `json:"auto_leader"`
	ContextType string `json:"context_type"`
	CourseID    ID     `json:"course_id"`
	AccountID   ID     `json:"account_id"`
	GroupLimit  *int   `json:"group_limit"`
	// SISGroupCategoryID is sent only to tokens that may read SIS data.
	SISGroupCategoryID string `json:"sis_group_category_id"`
	SISImportID        ID     `json:"sis_import_id"`
}

// GroupCategoryParams are the fields of a group category create or
// update; empty fields are not sent.
type GroupCategoryParams struct {
	// Name is required on create.
	Name string
	// SelfSignup is "enabled", "restricted" or "" (off).
	SelfSignup string
	// AutoLeader is "first", "random" or "" (none).
	AutoLeader string
	GroupLimit *int
	// SISGroupCategoryID needs manage_sis: Canvas refuses it with 401
	// otherwise (ErrForbidden).
	SISGroupCategoryID string
}

func (p GroupCategoryParams) form() url.Values {
	v := url.Values{}
	setNonEmpty(v, "name", p.Name)
	setNonEmpty(v, "self_signup", p.SelfSignup)
	setNonEmpty(v, "auto_leader", p.AutoLeader)
	if p.GroupLimit != nil {
		v.Set("group_limit", strconv.Itoa(*p.GroupLimit))
	}
	setNonEmpty(v, "sis_group_category_id", p.SISGroupCategoryID)
	return v
}

// ListByCourse returns the group categories of a course.
func (s *GroupCategoriesService) ListByCourse(ctx context.Context, course CourseRef) iter.Seq2[GroupCategory, error] {
	p, err := path("courses/{id}/group_categories", course)
	if err != nil {
		return errSeq[GroupCategory](err)
	}
	return list[GroupCategory](s.client, ctx, call{method: "GET", path: p}, "")
}

// Create makes a group category in a course.
func (s *GroupCategoriesService) Create(ctx context.Context, course CourseRef, p GroupCategoryParams) (*GroupCategory, error) {
	cp, err := path("courses/{id}/group_categories", course)
	if err != nil {
		return nil, err
	}
	var out GroupCategory
	if err := s.client.do(ctx, call{method: "POST", path: cp, form: p.form()}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns a group category.
func (s *GroupCategoriesService) Get(ctx context.Context, category GroupCategoryRef) (*GroupCategory, error) {
	p, err := path("group_categories/{id}", category)
	if err != nil {
		return nil, err
	}
	var out GroupCategory
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Update changes the set fields of a group category.
func (s *GroupCategoriesService) Update(ctx context.Context, category GroupCategoryRef, p GroupCategoryParams) (*GroupCategory, error) {
	cp, err := path("group_categories/{id}", category)
	if err != nil {
		return nil, err
	}
	var out GroupCategory
	if err := s.client.do(ctx, call{method: "PUT", path: cp, form: p.form(), idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete deletes a group category and its groups.
func (s *GroupCategoriesService) Delete(ctx context.Context, category GroupCategoryRef) error {
	p, err := path("group_categories/{id}", category)
	if err != nil {
		return err
	}
	return s.client.do(ctx, call{method: "DELETE", path: p, idem: true}, nil)
}

// Group is a group of users in a course or account.
type Group struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	IsPublic        bool   `json:"is_public"`
	JoinLevel       string `json:"join_level"`
	MembersCount    int    `json:"members_count"`
	ContextType     string `json:"context_type"`
	CourseID        ID     `json:"course_id"`
	AccountID       ID     `json:"account_id"`
	GroupCategoryID ID     `json:"group_category_id"`
	// SISGroupID is sent only to tokens that may read SIS data.
	SISGroupID    string `json:"sis_group_id"`
	SISImportID   ID     `json:"sis_import_id"`
	WorkflowState string `json:"workflow_state"`
}

// GroupParams are the fields of a group create or update; nil fields are
// not sent.
type GroupParams struct {
	Name        *string
	Description *string
	IsPublic    *bool
	// JoinLevel is parent_context_auto_join, parent_context_request or
	// invitation_only.
	JoinLevel *string
	// SISGroupID needs manage_sis.
	SISGroupID *string
}

func (p GroupParams) form() url.Values {
	v := url.Values{}
	setStr(v, "name", p.Name)
	setStr(v, "description", p.Description)
	setBool(v, "is_public", p.IsPublic)
	setStr(v, "join_level", p.JoinLevel)
	setStr(v, "sis_group_id", p.SISGroupID)
	return v
}

// ListByCourse returns the groups of a course, across its categories.
func (s *GroupsService) ListByCourse(ctx context.Context, course CourseRef) iter.Seq2[Group, error] {
	p, err := path("courses/{id}/groups", course)
	if err != nil {
		return errSeq[Group](err)
	}
	return list[Group](s.client, ctx, call{method: "GET", path: p}, "")
}

// ListByCategory returns the groups of a group category.
func (s *GroupsService) ListByCategory(ctx context.Context, category GroupCategoryRef) iter.Seq2[Group, error] {
	p, err := path("group_categories/{id}/groups", category)
	if err != nil {
		return errSeq[Group](err)
	}
	return list[Group](s.client, ctx, call{method: "GET", path: p}, "")
}

// Create makes a group in a category. A taken SIS group ID matches
// ErrSISIDTaken.
func (s *GroupsService) Create(ctx context.Context, category GroupCategoryRef, p GroupParams) (*Group, error) {
	cp, err := path("group_categories/{id}/groups", category)
	if err != nil {
		return nil, err
	}
	var out Group
	if err := s.client.do(ctx, call{method: "POST", path: cp, form: p.form()}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns a group.
func (s *GroupsService) Get(ctx context.Context, group GroupRef) (*Group, error) {
	p, err := path("groups/{id}", group)
	if err != nil {
		return nil, err
	}
	var out Group
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Update changes the set fields of a group (PUT groups/:id; the
// reference has not confirmed this path from source, it follows Canvas's
// public Groups API).
func (s *GroupsService) Update(ctx context.Context, group GroupRef, p GroupParams) (*Group, error) {
	gp, err := path("groups/{id}", group)
	if err != nil {
		return nil, err
	}
	var out Group
	if err := s.client.do(ctx, call{method: "PUT", path: gp, form: p.form(), idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete deletes a group.
func (s *GroupsService) Delete(ctx context.Context, group GroupRef) error {
	p, err := path("groups/{id}", group)
	if err != nil {
		return err
	}
	return s.client.do(ctx, call{method: "DELETE", path: p, idem: true}, nil)
}

// GroupMembership is a user's membership of a group.
type GroupMembership struct {
	ID            ID     `json:"id"`
	GroupID       ID     `json:"group_id"`
	UserID        ID     `json:"user_id"`
	WorkflowState string `json:"workflow_state"`
	Moderator     bool   `json:"moderator"`
	SISImportID   ID     `json:"sis_import_id"`
}

// ListMemberships returns a group's memberships.
func (s *GroupsService) ListMemberships(ctx context.Context, group GroupRef) iter.Seq2[GroupMembership, error] {
	p, err := path("groups/{id}/memberships", group)
	if err != nil {
		return errSeq[GroupMembership](err)
	}
	return list[GroupMembership](s.client, ctx, call{method: "GET", path: p}, "")
}

// AddMember adds a user to a group. Canvas returns the existing membership
// when there is one, so this is safe to repeat.
func (s *GroupsService) AddMember(ctx context.Context, group GroupRef, user UserRef) (*GroupMembership, error) {
	p, err := path("groups/{id}/memberships", group)
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	setRef(v, "user_id", user)
	if v.Get("user_id") == "" {
		return nil, refuse("POST groups/{id}/memberships", errMissingUser)
	}
	var out GroupMembership
	if err := s.client.do(ctx, call{method: "POST", path: p, form: v, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveMember removes a user from a group.
func (s *GroupsService) RemoveMember(ctx context.Context, group GroupRef, user UserRef) error {
	p, err := path("groups/{id}/users/{id}", group, user)
	if err != nil {
		return err
	}
	return s.client.do(ctx, call{method: "DELETE", path: p, idem: true}, nil)
}

// RemoveMembership removes a membership by its ID.
func (s *GroupsService) RemoveMembership(ctx context.Context, group GroupRef, membership ID) error {
	p, err := path("groups/{id}/memberships/{id}", group, membership)
	if err != nil {
		return err
	}
	return s.client.do(ctx, call{method: "DELETE", path: p, idem: true}, nil)
}
