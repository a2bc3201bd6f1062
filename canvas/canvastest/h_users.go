package canvastest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// userErrors writes the 400 body of a failed user create:
// {"errors":{"user":{…},"pseudonym":{…},"observee":{},"pairing_code":{},"recaptcha":null}}.
func (x *rctx) userErrors(user, pseudonym map[string]any) {
	if user == nil {
		user = map[string]any{}
	}
	if pseudonym == nil {
		pseudonym = map[string]any{}
	}
	x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{
		"user": user, "pseudonym": pseudonym, "observee": map[string]any{}, "pairing_code": map[string]any{}, "recaptcha": nil,
	}})
}

func fieldErr(attr, typ, msg string) []any {
	return []any{map[string]any{"attribute": attr, "type": typ, "message": msg}}
}

// loginTaken finds a live user with the login ID (case-insensitive).
func (s *Server) loginTaken(login string, except int64) *User {
	for _, u := range s.users {
		if u.ID != except && u.WorkflowState != "deleted" && strings.EqualFold(u.LoginID, login) {
			return u
		}
	}
	return nil
}

// sisUserTaken finds any user, deleted ones included, holding a SIS user ID.
func (s *Server) sisUserTaken(sisID string, except int64) *User {
	for _, u := range s.users {
		if u.ID != except && u.SISUserID == sisID {
			return u
		}
	}
	return nil
}

// sortableName turns "Ada King Lovelace" into "Lovelace, Ada King".
func sortableName(name string) string {
	f := strings.Fields(name)
	if len(f) < 2 {
		return name
	}
	return f[len(f)-1] + ", " + strings.Join(f[:len(f)-1], " ")
}

func (s *Server) createUser(x *rctx) {
	if s.findAccount(x.params[0]) == nil {
		x.notFound()
		return
	}
	login := strings.TrimSpace(x.param("pseudonym[unique_id]"))
	if login == "" {
		x.userErrors(nil, map[string]any{"unique_id": fieldErr("unique_id", "blank", "can't be blank")})
		return
	}
	if len(login) > 100 {
		x.userErrors(nil, map[string]any{"unique_id": fieldErr("unique_id", "too_long", "is too long (maximum is 100 characters)")})
		return
	}
	sisID, integ := "", ""
	if x.manageSIS() {
		sisID, integ = x.param("pseudonym[sis_user_id]"), x.param("pseudonym[integration_id]")
	}
	var revive *User
	if sisID != "" {
		if old := s.sisUserTaken(sisID, 0); old != nil {
			reactivate, _ := x.boolParam("enable_sis_reactivation")
			if old.WorkflowState != "deleted" || !reactivate {
				x.userErrors(nil, map[string]any{"sis_user_id": fieldErr("sis_user_id", "taken", sisInUse(sisID))})
				return
			}
			revive = old
		}
	}
	var exceptID int64
	if revive != nil {
		exceptID = revive.ID
	}
	if s.loginTaken(login, exceptID) != nil {
		x.userErrors(map[string]any{"pseudonyms": fieldErr("pseudonyms", "invalid", "is invalid")},
			map[string]any{"unique_id": fieldErr("unique_id", "taken", "ID already in use for this account and authentication provider")})
		return
	}
	if integ != "" {
		for _, u := range s.users {
			if u.IntegrationID == integ && u != revive {
				x.userErrors(nil, map[string]any{"integration_id": fieldErr("integration_id", "taken",
					fmt.Sprintf("Integration ID %q is already in use", integ))})
				return
			}
		}
	}
	tz := x.param("user[time_zone]")
	if tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			x.userErrors(map[string]any{"time_zone": fieldErr("time_zone", "inclusion", "is not included in the list")}, nil)
			return
		}
	}
	u := revive
	if u == nil {
		u = &User{ID: s.nextID(), LoginRecordID: s.nextID()}
	}
	name := x.param("user[name]")
	if name == "" {
		name = login
	}
	u.Name, u.LoginID, u.SISUserID, u.IntegrationID, u.TimeZone = name, login, sisID, integ, tz
	u.ShortName = orDefault(x.param("user[short_name]"), name)
	u.SortableName = orDefault(x.param("user[sortable_name]"), sortableName(name))
	u.Locale = x.param("user[locale]")
	u.Email = x.param("communication_channel[address]")
	if u.Email == "" && strings.Contains(login, "@") {
		u.Email = login
	}
	u.WorkflowState = "pre_registered"
	if skip, _ := x.boolParam("user[skip_registration]"); skip {
		u.WorkflowState = "registered"
	}
	s.users[u.ID] = u
	x.json(http.StatusOK, x.renderUser(u, true))
}

func (s *Server) getUser(x *rctx, u *User) {
	x.json(http.StatusOK, x.renderUser(u, true))
}

func (s *Server) updateUser(x *rctx) {
	u := s.findUser(x.params[0])
	if u == nil || u.ID == s.adminUser {
		x.notFound()
		return
	}
	upd := *u
	if x.has("user[name]") {
		if strings.TrimSpace(x.param("user[name]")) == "" {
			x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{"name": fieldErr("name", "blank", "can't be blank")}})
			return
		}
		upd.Name = x.param("user[name]")
	}
	if x.has("user[short_name]") {
		upd.ShortName = x.param("user[short_name]")
	}
	if x.has("user[sortable_name]") {
		upd.SortableName = x.param("user[sortable_name]")
	}
	if x.has("user[email]") {
		upd.Email = x.param("user[email]")
	}
	if x.has("user[time_zone]") {
		tz := x.param("user[time_zone]")
		if _, err := time.LoadLocation(tz); err != nil || tz == "" {
			x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{"time_zone": fieldErr("time_zone", "inclusion", "is not included in the list")}})
			return
		}
		upd.TimeZone = tz
	}
	if x.has("user[locale]") {
		upd.Locale = x.param("user[locale]")
	}
	*u = upd
	x.json(http.StatusOK, x.renderUser(u, true))
}

func (s *Server) listAccountUsers(x *rctx, a *Account) {
	term := strings.ToLower(x.param("search_term"))
	if term != "" && len([]rune(term)) < 2 {
		x.errorsMessage(http.StatusBadRequest, "search_term of 2 or more characters is required")
		return
	}
	all := sorted(s.users, func(u *User) int64 { return u.ID }, func(u *User) bool {
		if u.WorkflowState == "deleted" {
			return false
		}
		if term == "" {
			return true
		}
		hay := strings.ToLower(u.Name + "\x00" + u.LoginID + "\x00" + u.Email)
		if x.manageSIS() {
			hay += "\x00" + strings.ToLower(u.SISUserID)
		}
		return strings.Contains(hay, term)
	})
	// Canvas lists account users without counting them: no rel="last".
	writePage(x, all, func(u *User) int64 { return u.ID }, numberedNoLast, func(u *User) map[string]any { return x.renderUser(u, false) })
}

func (x *rctx) renderLogin(u *User) map[string]any {
	m := map[string]any{
		"id": x.id(u.LoginRecordID), "user_id": x.id(u.ID), "account_id": x.id(RootAccountID),
		"unique_id": u.LoginID, "authentication_provider_id": nil, "authentication_provider_type": nil,
		"workflow_state": "active", "created_at": nil,
	}
	return x.sis(m, "sis_user_id", strOrNull(u.SISUserID), "integration_id", strOrNull(u.IntegrationID))
}

func (s *Server) listLogins(x *rctx) {
	u := s.findUser(x.params[0])
	if u == nil || u.ID == s.adminUser {
		x.notFound()
		return
	}
	writePage(x, []*User{u}, func(u *User) int64 { return u.LoginRecordID }, numbered, x.renderLogin)
}

func (s *Server) updateLogin(x *rctx) {
	if s.findAccount(x.params[0]) == nil {
		x.notFound()
		return
	}
	r, ok := parseRef(x.params[1])
	var u *User
	if ok && r.field == "" {
		for _, v := range s.users {
			if v.LoginRecordID == r.id && v.WorkflowState != "deleted" {
				u = v
			}
		}
	}
	if u == nil {
		x.notFound()
		return
	}
	if (x.has("login[sis_user_id]") || x.has("login[integration_id]")) && !x.manageSIS() {
		x.errorsMessage(http.StatusUnauthorized, "user not authorized to perform that action")
		return
	}
	upd := *u
	if x.has("login[unique_id]") {
		login := strings.TrimSpace(x.param("login[unique_id]"))
		if login == "" {
			x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{"unique_id": fieldErr("unique_id", "blank", "can't be blank")}})
			return
		}
		if s.loginTaken(login, u.ID) != nil {
			x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{"unique_id": fieldErr("unique_id", "taken", "ID already in use for this account and authentication provider")}})
			return
		}
		upd.LoginID = login
	}
	if x.has("login[sis_user_id]") {
		sisID := x.param("login[sis_user_id]")
		if sisID != "" && s.sisUserTaken(sisID, u.ID) != nil {
			x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{"sis_user_id": fieldErr("sis_user_id", "taken", sisInUse(sisID))}})
			return
		}
		upd.SISUserID = sisID
	}
	if x.has("login[integration_id]") {
		upd.IntegrationID = x.param("login[integration_id]")
	}
	*u = upd
	x.json(http.StatusOK, x.renderLogin(u))
}
