package moodle

import (
	"context"
	"errors"
)

// UsersService calls the core_user_* functions (user/externallib.php
// core_user_external).
type UsersService service

// User is a user as core_user_get_users_by_field and
// core_enrol_get_enrolled_users return it (user_description() /
// user_get_user_details()). Which optional fields arrive depends on the
// caller's capabilities: username and idnumber need
// moodle/user:viewalldetails.
type User struct {
	ID               int64  `json:"id"`
	Username         string `json:"username"`
	FirstName        string `json:"firstname"`
	LastName         string `json:"lastname"`
	FullName         string `json:"fullname"`
	Email            string `json:"email"`
	IDNumber         string `json:"idnumber"`
	Auth             string `json:"auth"`
	Suspended        bool   `json:"suspended"`
	Timezone         string `json:"timezone"`
	FirstAccess      int64  `json:"firstaccess"`
	LastAccess       int64  `json:"lastaccess"`
	LastCourseAccess int64  `json:"lastcourseaccess"`
	// Groups and Roles are filled by core_enrol_get_enrolled_users only.
	Groups []UserGroup `json:"groups"`
	Roles  []UserRole  `json:"roles"`
}

// UserGroup is a group the user belongs to in the course read.
type UserGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// UserRole is a role the user holds in the course context. Name is ""
// for the standard roles (their names are language strings); use
// ShortName.
type UserRole struct {
	RoleID    int64  `json:"roleid"`
	Name      string `json:"name"`
	ShortName string `json:"shortname"`
	SortOrder int64  `json:"sortorder"`
}

// TimezoneServer is the user timezone meaning "the server's" (the column
// default, '99').
const TimezoneServer = "99"

// User lookup fields of core_user_get_users_by_field.
const (
	UserByID       = "id"
	UserByIDNumber = "idnumber"
	UserByUsername = "username"
	UserByEmail    = "email"
)

// GetUsersByField calls core_user_get_users_by_field (user/externallib.php
// get_users_by_field). Unknown values are left out. idnumber is not
// unique in Moodle, so one value may return several users. Moodle needs
// at least one value; an empty list returns nothing without a call.
func (s *UsersService) GetUsersByField(ctx context.Context, field string, values []string) ([]User, error) {
	if len(values) == 0 {
		return nil, nil
	}
	p := Params{}
	p.Set("field", field)
	for i, v := range values {
		p.Set(Key("values", i), v)
	}
	var out []User
	err := s.client.do(ctx, call{fn: "core_user_get_users_by_field", params: p, idem: true}, &out)
	return out, err
}

// NewUser is one user for core_user_create_users. Username must be
// lowercase (PARAM_USERNAME); Email is required; an internal auth
// (manual) needs Password or CreatePassword.
type NewUser struct {
	Username       string
	FirstName      string
	LastName       string
	Email          string
	Auth           string // "" sends nothing: Moodle's default "manual"
	Password       *string
	CreatePassword *bool
	IDNumber       string
	Timezone       *string
}

// CreatedUser is what core_user_create_users returns per user.
type CreatedUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// CreateUsers calls core_user_create_users (user/externallib.php
// create_users). One transaction: a duplicate username or email, a bad
// auth or a missing password fails the whole batch with invalidparameter
// (the reason only in DebugInfo).
func (s *UsersService) CreateUsers(ctx context.Context, users []NewUser) ([]CreatedUser, error) {
	p := Params{}
	for i, u := range users {
		p.Set(Key("users", i, "username"), u.Username)
		p.Set(Key("users", i, "firstname"), u.FirstName)
		p.Set(Key("users", i, "lastname"), u.LastName)
		p.Set(Key("users", i, "email"), u.Email)
		if u.Auth != "" {
			p.Set(Key("users", i, "auth"), u.Auth)
		}
		p.optString(Key("users", i, "password"), u.Password)
		p.optBool(Key("users", i, "createpassword"), u.CreatePassword)
		p.Set(Key("users", i, "idnumber"), u.IDNumber)
		p.optString(Key("users", i, "timezone"), u.Timezone)
	}
	var out []CreatedUser
	err := s.client.do(ctx, call{fn: "core_user_create_users", params: p, write: true}, &out)
	return out, err
}

// UserUpdate is one user for core_user_update_users: ID and the fields to
// change.
type UserUpdate struct {
	ID        int64
	Username  *string
	FirstName *string
	LastName  *string
	Email     *string
	IDNumber  *string
	Timezone  *string
	Suspended *bool
}

// UpdateUsers calls core_user_update_users (user/externallib.php
// update_users). Each user is updated in its own transaction; failures
// come back as warnings (item "user"). Sites older than MDL-69194 return
// null and skip bad users silently, which reads here as no warnings.
func (s *UsersService) UpdateUsers(ctx context.Context, users []UserUpdate) ([]Warning, error) {
	if len(users) == 0 {
		return nil, &OperationError{Service: "moodle", Operation: "core_user_update_users", Err: errors.New("no users")}
	}
	p := Params{}
	for i, u := range users {
		p.SetInt(Key("users", i, "id"), u.ID)
		p.optString(Key("users", i, "username"), u.Username)
		p.optString(Key("users", i, "firstname"), u.FirstName)
		p.optString(Key("users", i, "lastname"), u.LastName)
		p.optString(Key("users", i, "email"), u.Email)
		p.optString(Key("users", i, "idnumber"), u.IDNumber)
		p.optString(Key("users", i, "timezone"), u.Timezone)
		p.optBool(Key("users", i, "suspended"), u.Suspended)
	}
	var out *struct {
		Warnings []Warning `json:"warnings"`
	}
	if err := s.client.do(ctx, call{fn: "core_user_update_users", params: p, write: true, idem: true}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	return out.Warnings, nil
}
