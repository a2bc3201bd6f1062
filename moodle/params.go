package moodle

import (
	"strconv"
	"strings"
)

// Params are a function's parameters in Moodle's form encoding: PHP
// bracket keys for nested structures ("users[0][username]"), lists of
// scalars as "values[0]", booleans as 0/1
// (webservice/renderer.php rest_param_description_html). Moodle rejects
// unknown keys at every level (external_api::validate_parameters), so
// only keys the function declares are ever set.
type Params map[string][]string

// Key builds a bracket key: Key("users", 0, "username") is
// "users[0][username]".
func Key(name string, parts ...any) string {
	var b strings.Builder
	b.WriteString(name)
	for _, p := range parts {
		b.WriteByte('[')
		switch v := p.(type) {
		case int:
			b.WriteString(strconv.Itoa(v))
		case string:
			b.WriteString(v)
		}
		b.WriteByte(']')
	}
	return b.String()
}

// Set sets one key.
func (p Params) Set(key, value string) { p[key] = []string{value} }

// SetInt sets an integer key.
func (p Params) SetInt(key string, v int64) { p.Set(key, strconv.FormatInt(v, 10)) }

// SetBool sets a PARAM_BOOL key as 0 or 1, the only spellings Moodle
// accepts besides JSON booleans ("true" fails validation).
func (p Params) SetBool(key string, v bool) {
	if v {
		p.Set(key, "1")
	} else {
		p.Set(key, "0")
	}
}

// optString sets key when v is not nil: Moodle tells an absent optional
// key from an empty one.
func (p Params) optString(key string, v *string) {
	if v != nil {
		p.Set(key, *v)
	}
}

func (p Params) optInt(key string, v *int64) {
	if v != nil {
		p.SetInt(key, *v)
	}
}

func (p Params) optBool(key string, v *bool) {
	if v != nil {
		p.SetBool(key, *v)
	}
}

// ints sets a list of integers: name[0]=…, name[1]=….
func (p Params) ints(name string, ids []int64) {
	for i, id := range ids {
		p.SetInt(Key(name, i), id)
	}
}

// NameValue is a name/value pair, the shape Moodle uses for open-ended
// options (core_enrol_get_enrolled_users options[i][name]/[value]).
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (p Params) nameValues(name string, nv []NameValue) {
	for i, x := range nv {
		p.Set(Key(name, i, "name"), x.Name)
		p.Set(Key(name, i, "value"), x.Value)
	}
}
