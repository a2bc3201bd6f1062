package canvas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// ID is a Canvas object ID. Canvas IDs are int64 and arrive as JSON numbers,
// or as strings when the server stringifies IDs; both decode, and null
// decodes as 0. An ID is also a reference to an object of any kind, so
// canvas.ID(42) can be passed wherever a CourseRef, UserRef, ... is asked for.
type ID int64

// String returns the decimal form.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// UnmarshalJSON accepts a number, a string of digits or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("canvas: bad ID %.40q: %w", b, err)
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Floats such as 1e3 are not IDs: reject rather than round.
		return fmt.Errorf("canvas: bad ID %.40q: not an integer", s)
	}
	*id = ID(v)
	return nil
}

// The reference interfaces below say which kinds of object a path may name.
// They are closed (unexported methods) so the compiler stops a SIS user ID
// from being passed where a course is expected.

// AccountRef names an account: ID, SISAccount or AccountSelf.
type AccountRef interface{ accountRef() string }

// CourseRef names a course: ID or SISCourse.
type CourseRef interface{ courseRef() string }

// SectionRef names a course section: ID or SISSection.
type SectionRef interface{ sectionRef() string }

// UserRef names a user: ID, SISUser, SISLogin or UserSelf.
type UserRef interface{ userRef() string }

// GroupRef names a group: ID or SISGroup.
type GroupRef interface{ groupRef() string }

// GroupCategoryRef names a group category: ID or SISGroupCategory.
type GroupCategoryRef interface{ groupCategoryRef() string }

// TermRef names an enrollment term: ID or SISTerm.
type TermRef interface{ termRef() string }

func (id ID) accountRef() string       { return id.String() }
func (id ID) courseRef() string        { return id.String() }
func (id ID) sectionRef() string       { return id.String() }
func (id ID) userRef() string          { return id.String() }
func (id ID) groupRef() string         { return id.String() }
func (id ID) groupCategoryRef() string { return id.String() }
func (id ID) termRef() string          { return id.String() }

// SISAccount addresses an account by its SIS ID.
type SISAccount string

// SISCourse addresses a course by its SIS ID.
type SISCourse string

// SISSection addresses a section by its SIS ID.
type SISSection string

// SISUser addresses a user by the SIS user ID of one of their logins.
type SISUser string

// SISLogin addresses a user by a login's unique_id (the login ID).
type SISLogin string

// SISGroup addresses a group by its SIS ID.
type SISGroup string

// SISGroupCategory addresses a group category by its SIS ID.
type SISGroupCategory string

// SISTerm addresses an enrollment term by its SIS ID.
type SISTerm string

func (s SISAccount) accountRef() string             { return "sis_account_id:" + string(s) }
func (s SISCourse) courseRef() string               { return "sis_course_id:" + string(s) }
func (s SISSection) sectionRef() string             { return "sis_section_id:" + string(s) }
func (s SISUser) userRef() string                   { return "sis_user_id:" + string(s) }
func (s SISLogin) userRef() string                  { return "sis_login_id:" + string(s) }
func (s SISGroup) groupRef() string                 { return "sis_group_id:" + string(s) }
func (s SISGroupCategory) groupCategoryRef() string { return "sis_group_category_id:" + string(s) }
func (s SISTerm) termRef() string                   { return "sis_term_id:" + string(s) }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISAccount) String() string { return s.accountRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISCourse) String() string { return s.courseRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISSection) String() string { return s.sectionRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISUser) String() string { return s.userRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISLogin) String() string { return s.userRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISGroup) String() string { return s.groupRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISGroupCategory) String() string { return s.groupCategoryRef() }

// String returns the form Canvas reads in paths and ID parameters.
func (s SISTerm) String() string { return s.termRef() }

type selfRef string

func (s selfRef) accountRef() string { return string(s) }
func (s selfRef) userRef() string    { return string(s) }
func (s selfRef) String() string     { return string(s) }

// Self is the token's own user (as a UserRef) or the domain's root account
// (as an AccountRef).
const Self selfRef = "self"

// EscapeSegment escapes one path segment the way Canvas documents for SIS
// IDs: UTF-8, then every byte other than ASCII letters, digits, "-", "_",
// "~" and ":" percent-encoded. "." is escaped too (CS/101.11é becomes
// CS%2F101%2E11%C3%A9): Rails would otherwise read ".11" as a response
// format and look up "CS/101".
func EscapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '~', c == ':':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// refString returns the raw (unescaped) form of any reference, for use as a
// form or query parameter value; Canvas resolves "sis_user_id:X" there too.
func refString(r any) string {
	switch v := r.(type) {
	case nil:
		return ""
	case ID:
		return v.String()
	case AccountRef:
		return v.accountRef()
	case CourseRef:
		return v.courseRef()
	case SectionRef:
		return v.sectionRef()
	case UserRef:
		return v.userRef()
	case GroupRef:
		return v.groupRef()
	case GroupCategoryRef:
		return v.groupCategoryRef()
	case TermRef:
		return v.termRef()
	}
	return fmt.Sprint(r)
}

// Int64 returns the ID as an int64.
func (id ID) Int64() int64 { return int64(id) }
