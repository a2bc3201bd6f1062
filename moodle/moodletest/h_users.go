package moodletest

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

func createUserFields() spec {
	o := func(t ptype) spec { return opt(val(t)) }
	return single(
		f("username", val(pUsername)), f("auth", def(val(pAuth), "manual")), f("password", o(pRaw)),
		f("createpassword", o(pBool)), f("firstname", val(pNoTags)), f("lastname", val(pNoTags)),
		f("email", val(pRawTrimmed)), f("maildisplay", o(pInt)), f("city", o(pNoTags)), f("country", o(pAlpha)),
		f("timezone", o(pTimezone)), f("description", o(pRaw)), f("firstnamephonetic", o(pNoTags)),
		f("lastnamephonetic", o(pNoTags)), f("middlename", o(pNoTags)), f("alternatename", o(pNoTags)),
		f("interests", o(pText)), f("idnumber", def(val(pRaw), "")), f("institution", o(pText)),
		f("department", o(pText)), f("phone1", o(pNoTags)), f("phone2", o(pNoTags)), f("address", o(pText)),
		f("lang", def(val(pPlugin), "en")), f("calendartype", def(val(pPlugin), "gregorian")),
		f("theme", o(pPlugin)), f("mailformat", o(pInt)), f("customfields", typeValueList()),
		f("preferences", typeValueList()),
	)
}

func updateUserFields() spec {
	o := func(t ptype) spec { return opt(val(t)) }
	return single(
		f("id", val(pInt)), f("username", o(pUsername)), f("auth", o(pAuth)), f("suspended", o(pBool)),
		f("password", o(pRaw)), f("firstname", o(pNoTags)), f("lastname", o(pNoTags)), f("email", o(pRawTrimmed)),
		f("maildisplay", o(pInt)), f("city", o(pNoTags)), f("country", o(pAlpha)), f("timezone", o(pTimezone)),
		f("description", o(pRaw)), f("userpicture", o(pInt)), f("firstnamephonetic", o(pNoTags)),
		f("lastnamephonetic", o(pNoTags)), f("middlename", o(pNoTags)), f("alternatename", o(pNoTags)),
		f("interests", o(pText)), f("idnumber", o(pRaw)), f("institution", o(pText)), f("department", o(pText)),
		f("phone1", o(pNoTags)), f("phone2", o(pNoTags)), f("address", o(pText)), f("lang", o(pPlugin)),
		f("calendartype", o(pPlugin)), f("theme", o(pPlugin)), f("mailformat", o(pInt)),
		f("customfields", typeValueList()), f("preferences", typeValueList()),
	)
}

// installedAuth are the auth plugins of a standard 4.5 install; mnet and
// webservice are refused by create_users (UNCONFIRMED: the exact list of
// a given site).
var installedAuth = []string{"manual", "nologin", "email", "ldap", "oauth2", "db", "cas", "shibboleth", "lti", "mnet", "webservice", "none"}

// internalAuth are plugins whose is_internal() is true, which need a
// password or createpassword. nologin is counted here to stay strict
// (UNCONFIRMED).
var internalAuth = []string{"manual", "email", "nologin", "none"}

func (s *Server) renderUser(u *User) map[string]any {
	return map[string]any{
		"id": u.ID, "username": u.Username, "firstname": u.FirstName, "lastname": u.LastName,
		"fullname": u.FirstName + " " + u.LastName, "email": u.Email, "idnumber": u.IDNumber,
		"firstaccess": u.FirstAccess, "lastaccess": u.LastAccess, "auth": u.Auth, "suspended": u.Suspended,
		"confirmed": true, "lang": "en", "calendartype": "gregorian", "theme": "", "timezone": u.Timezone,
		"mailformat": 1, "description": "", "descriptionformat": 1,
		"profileimageurlsmall": "https://moodle.invalid/theme/image.php/boost/core/1/u/f2",
		"profileimageurl":      "https://moodle.invalid/theme/image.php/boost/core/1/u/f1",
	}
}

// getUsersByField follows core_user_external::get_users_by_field: every
// value must survive the field's cleaning, matches in id order, unknown
// values left out.
func (s *Server) getUsersByField(_ *Token, p map[string]any) (any, *apiError) {
	field, values := str(p, "field"), strs(p, "values")
	var key func(*User) string
	var clean ptype
	switch field {
	case "id":
		key, clean = func(u *User) string { return fmt.Sprint(u.ID) }, pInt
	case "idnumber":
		key, clean = func(u *User) string { return u.IDNumber }, pRaw
	case "username":
		key, clean = func(u *User) string { return u.Username }, pUsername
	case "email":
		key, clean = func(u *User) string { return u.Email }, pRawTrimmed
	default:
		return nil, codingError("invalid field parameter")
	}
	want := map[string]bool{}
	for _, v := range values {
		if _, err := cleanScalar(clean, v); err != nil {
			return nil, invalidParameter(fmt.Sprintf("The field '%s' value is invalid: %s(cleaned value: %s)", field, v, strings.ToLower(strings.TrimSpace(v))))
		}
		want[v] = true
	}
	out := []any{}
	for _, id := range sortedKeys(s.users) {
		if u := s.users[id]; want[key(u)] {
			out = append(out, s.renderUser(u))
		}
	}
	return out, nil
}

// passwordPolicy is check_password_policy() with the default settings:
// length 8, one digit, one lower, one upper, one non-alphanumeric.
func passwordPolicy(pw string) string {
	var errs []string
	if len([]rune(pw)) < 8 {
		errs = append(errs, "<div>Passwords must be at least 8 characters long.</div>")
	}
	count := func(pred func(rune) bool) int {
		n := 0
		for _, r := range pw {
			if pred(r) {
				n++
			}
		}
		return n
	}
	if count(unicode.IsDigit) < 1 {
		errs = append(errs, "<div>Passwords must have at least 1 digit(s).</div>")
	}
	if count(unicode.IsLower) < 1 {
		errs = append(errs, "<div>Passwords must have at least 1 lower case letter(s).</div>")
	}
	if count(unicode.IsUpper) < 1 {
		errs = append(errs, "<div>Passwords must have at least 1 upper case letter(s).</div>")
	}
	if count(func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 1 {
		errs = append(errs, "<div>The password must have at least 1 special character(s) such as as *, -, or #.</div>")
	}
	return strings.Join(errs, "")
}

// createUsers follows core_user_external::create_users: one transaction,
// every check an invalid_parameter_exception with the reason in debuginfo.
func (s *Server) createUsers(_ *Token, p map[string]any) (any, *apiError) {
	names, emails := map[string]bool{}, map[string]bool{}
	for _, u := range s.users {
		names[u.Username] = true
		emails[strings.ToLower(u.Email)] = true
	}
	var made []*User
	for _, it := range list(p, "users") {
		for _, k := range []string{"username", "firstname", "lastname"} {
			if strings.TrimSpace(str(it, k)) == "" {
				return nil, invalidParameter("The field " + k + " cannot be blank")
			}
		}
		name, auth, email := str(it, "username"), str(it, "auth"), str(it, "email")
		if names[name] {
			return nil, invalidParameter("Username already exists: " + name)
		}
		if !slices.Contains(installedAuth, auth) || auth == "mnet" || auth == "webservice" {
			return nil, invalidParameter("Invalid authentication type: " + auth)
		}
		if slices.Contains(internalAuth, auth) && !has(it, "password") && !boolean(it, "createpassword") {
			return nil, invalidParameter("Invalid password: you must provide a password, or set createpassword.")
		}
		if !validEmail(email) {
			return nil, invalidParameter("Email address is invalid: " + email)
		}
		if emails[strings.ToLower(email)] {
			return nil, invalidParameter("Email address already exists: " + email)
		}
		if has(it, "password") && slices.Contains(internalAuth, auth) {
			if msg := passwordPolicy(str(it, "password")); msg != "" {
				return nil, &apiError{class: clsMoodle, code: msg, message: "error/" + msg}
			}
		}
		names[name], emails[strings.ToLower(email)] = true, true
		tz := "99"
		if has(it, "timezone") {
			tz = str(it, "timezone")
		}
		made = append(made, &User{Username: name, FirstName: str(it, "firstname"), LastName: str(it, "lastname"),
			Email: email, IDNumber: str(it, "idnumber"), Auth: auth, Password: str(it, "password"), Timezone: tz})
	}
	out := []any{}
	for _, u := range made {
		u.ID = s.nextID()
		s.users[u.ID] = u
		out = append(out, map[string]any{"id": u.ID, "username": u.Username})
	}
	return out, nil
}

// updateUsers follows core_user_external::update_users (4.5, after
// MDL-69194): each user on its own, failures as warnings.
func (s *Server) updateUsers(_ *Token, p map[string]any) (any, *apiError) {
	warnings := []any{}
	warn := func(id int64, code, msg string) {
		warnings = append(warnings, map[string]any{"item": "user", "itemid": id, "warningcode": code, "message": msg})
	}
	for _, it := range list(p, "users") {
		id := num(it, "id")
		u, ok := s.users[id]
		if !ok {
			warn(id, "invaliduserid", "Invalid user ID")
			continue
		}
		if has(it, "email") && !strings.EqualFold(str(it, "email"), u.Email) {
			e := str(it, "email")
			if !validEmail(e) {
				warn(id, "useremailinvalid", "Invalid email address")
				continue
			}
			if s.userBy(func(x *User) bool { return x.ID != id && strings.EqualFold(x.Email, e) }) != nil {
				warn(id, "useremailduplicate", "Duplicate email address")
				continue
			}
		}
		if has(it, "username") && str(it, "username") != u.Username {
			n := str(it, "username")
			if s.userBy(func(x *User) bool { return x.ID != id && x.Username == n }) != nil {
				// The unique (mnethostid, username) index refuses the
				// write (UNCONFIRMED code: a DB write error).
				warn(id, "dmlwriteexception", "Error writing to database")
				continue
			}
			u.Username = n
		}
		for k, dst := range map[string]*string{"firstname": &u.FirstName, "lastname": &u.LastName, "email": &u.Email,
			"idnumber": &u.IDNumber, "timezone": &u.Timezone, "auth": &u.Auth} {
			if has(it, k) {
				*dst = str(it, k)
			}
		}
		if has(it, "suspended") {
			u.Suspended = boolean(it, "suspended")
		}
	}
	return map[string]any{"warnings": warnings}, nil
}

func (s *Server) userBy(pred func(*User) bool) *User { return firstBy(s.users, pred) }
