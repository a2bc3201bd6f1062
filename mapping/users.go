package mapping

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// person is a client the state places, with the fields a user needs. Fields
// come from the Client record when the snapshot has one, else from the
// first enrolment or staff link (in sorted order) that names them.
type person struct {
	code            string
	given, family   string
	email, username string
}

func (b *builder) personFor(code string) *person {
	p := b.people[code]
	if p == nil {
		p = &person{code: code}
		b.people[code] = p
	}
	return p
}

func (b *builder) notePersonFromEnrolment(e record.Enrolment) {
	p := b.personFor(e.ClientCode)
	if p.given == "" && p.family == "" {
		p.given, p.family = e.GivenName, e.Surname
	}
}

func (b *builder) notePersonFromStaff(l record.StaffLink) {
	p := b.personFor(strings.TrimSpace(l.StaffCode))
	if p.given == "" && p.family == "" {
		p.given, p.family = l.GivenName, l.Surname
	}
	// A staff link carries no email (TClie has none): it comes from the
	// staff member's client record.
}

// staffName names a trainer's section.
func (b *builder) staffName(l record.StaffLink) string {
	code := strings.TrimSpace(l.StaffCode)
	given, family := l.GivenName, l.Surname
	if c, ok := b.ix.clients[code]; ok {
		given, family = c.GivenName, c.Surname
	}
	if n := strings.TrimSpace(cleanText(given) + " " + cleanText(family)); n != "" {
		return n
	}
	return "Trainer " + code
}

// validEmail is a deliberately loose check: one '@', something on both
// sides, a dot in the domain, no spaces or control characters.
func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@") &&
		strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// buildUsers turns placed people into users and chooses their logins. It
// returns the SIS IDs of users left out (RequireEmail), whose enrolments
// are dropped.
func (b *builder) buildUsers() ([]lms.User, map[string]bool) {
	dropped := map[string]bool{}
	type cand struct {
		u      lms.User
		client record.Person
	}
	var list []*cand
	for _, code := range slices.Sorted(maps.Keys(b.people)) {
		uid := b.userIDs[code]
		if uid == "" {
			continue
		}
		p := b.people[code]
		c, known := b.ix.clients[code]
		if known {
			p.given, p.family, p.username = c.GivenName, c.Surname, c.Username
			if strings.TrimSpace(c.Email) != "" || p.email == "" {
				p.email = c.Email
			}
		} else {
			b.d.add(SeverityInfo, CodeNotInSnapshot, clientRecord(code), "no client record; the user is built from enrolment or staff fields")
			c = record.Person{Code: code, GivenName: p.given, Surname: p.family, Email: p.email}
		}
		given, family := cleanText(p.given), cleanText(p.family)
		if given != strings.TrimSpace(p.given) || family != strings.TrimSpace(p.family) {
			b.d.add(SeverityWarning, CodeInvalidText, clientRecord(code), "control characters removed from the name")
		}
		email := strings.TrimSpace(p.email)
		if email != "" && !validEmail(email) {
			b.d.add(SeverityWarning, CodeNoEmail, clientRecord(code), "email %q is not a usable address; it is left out", cleanText(email))
			email = ""
		} else if email == "" {
			sev := SeverityWarning
			if b.cfg.RequireEmail {
				sev = SeverityError
			}
			b.d.add(sev, CodeNoEmail, clientRecord(code), "the client has no email address")
		}
		if email == "" && b.cfg.RequireEmail {
			dropped[uid] = true
			continue
		}
		c.Email = email
		list = append(list, &cand{u: lms.User{SISID: uid, GivenName: given, FamilyName: family, Email: email, TimeZone: b.cfg.TimeZone}, client: c})
	}

	// Logins: each source in turn; a value claimed by several people goes
	// to none of them (they fall through to the next source), so the result
	// does not depend on who was read first.
	taken := map[string]bool{}
	pending := list
	for _, src := range b.cfg.Login {
		claims := map[string][]*cand{}
		for _, c := range pending {
			if v := loginFrom(src, c.client); v != "" {
				k := strings.ToLower(v)
				claims[k] = append(claims[k], c)
			}
		}
		var next []*cand
		for _, c := range pending {
			v := loginFrom(src, c.client)
			if v == "" {
				next = append(next, c)
				continue
			}
			k := strings.ToLower(v)
			if n := len(claims[k]); n > 1 || taken[k] {
				b.d.add(SeverityWarning, CodeDuplicateLogin, clientRecord(c.client.Code), "login %q (from %s) is shared by %d clients; trying the next login source", v, src, max(n, 2))
				next = append(next, c)
				continue
			}
			c.u.Login = v
		}
		for _, c := range pending {
			if c.u.Login != "" {
				taken[strings.ToLower(c.u.Login)] = true
			}
		}
		pending = next
	}
	for _, c := range pending {
		b.d.add(SeverityError, CodeNoLogin, clientRecord(c.client.Code), "no login source %v gives this client a unique login; the Syncer can place the user only if it already exists", b.cfg.Login)
	}

	users := make([]lms.User, 0, len(list))
	for _, c := range list {
		users = append(users, c.u)
	}
	slices.SortFunc(users, func(a, c lms.User) int { return strings.Compare(a.SISID, c.SISID) })
	return users, dropped
}

func loginFrom(src LoginSource, c record.Person) string {
	switch src {
	case LoginEmail:
		if e := strings.ToLower(strings.TrimSpace(c.Email)); validEmail(e) {
			return e
		}
	case LoginUsername:
		if u := cleanText(c.Username); u != "" && !strings.ContainsFunc(u, unicode.IsSpace) {
			return u
		}
	case LoginClientCode:
		if v := cleanText(c.Code); v == c.Code {
			return v
		}
	}
	return ""
}
