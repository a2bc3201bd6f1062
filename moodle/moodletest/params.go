package moodletest

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// node is the PHP array a form decodes to: "users[0][username]=x" becomes
// users → 0 → username → "x" (PHP's own bracket parsing, which Moodle's
// REST server receives as $_POST).
type node struct {
	val  *string
	kids map[string]*node
}

// parseForm builds the tree of a function's parameters.
func parseForm(form map[string][]string) (*node, error) {
	root := &node{kids: map[string]*node{}}
	for key, vs := range form {
		if len(vs) == 0 {
			continue
		}
		parts, err := splitKey(key)
		if err != nil {
			return nil, err
		}
		n := root
		for _, p := range parts {
			if n.val != nil {
				return nil, fmt.Errorf("key %q mixes a value and an array", key)
			}
			if n.kids == nil {
				n.kids = map[string]*node{}
			}
			k, ok := n.kids[p]
			if !ok {
				k = &node{}
				n.kids[p] = k
			}
			n = k
		}
		if n.kids != nil {
			return nil, fmt.Errorf("key %q mixes a value and an array", key)
		}
		v := vs[len(vs)-1] // PHP keeps the last of repeated keys
		n.val = &v
	}
	return root, nil
}

func splitKey(key string) ([]string, error) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}, nil
	}
	parts := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, fmt.Errorf("bad key %q", key)
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, fmt.Errorf("bad key %q", key)
		}
		parts = append(parts, rest[1:j])
		rest = rest[j+1:]
	}
	return parts, nil
}

// ptype is a Moodle PARAM_* type (lib/classes/param.php).
type ptype int

const (
	pInt ptype = iota
	pBool
	pRaw
	pRawTrimmed
	pText
	pNoTags
	pAlpha
	pAlphaNum
	pAlphaNumExt
	pUsername
	pTimezone
	pAuth
	pPlugin
)

var ptypeNames = map[ptype]string{pInt: "int", pBool: "bool", pRaw: "raw", pRawTrimmed: "raw_trimmed",
	pText: "text", pNoTags: "notags", pAlpha: "alpha", pAlphaNum: "alphanum", pAlphaNumExt: "alphanumext",
	pUsername: "username", pTimezone: "timezone", pAuth: "auth", pPlugin: "plugin"}

// presence is VALUE_REQUIRED, VALUE_OPTIONAL or VALUE_DEFAULT.
type presence int

const (
	required presence = iota
	optional
	withDefault
)

// spec describes a parameter: a scalar, a single structure or a multiple
// structure (lib/external/classes/external_value.php and friends).
type spec struct {
	kind   byte // 'v' value, 's' single structure, 'm' multiple structure
	typ    ptype
	pres   presence
	def    any
	fields []field
	item   *spec
}

type field struct {
	name string
	spec spec
}

func val(t ptype) spec            { return spec{kind: 'v', typ: t} }
func opt(s spec) spec             { s.pres = optional; return s }
func def(s spec, d any) spec      { s.pres = withDefault; s.def = d; return s }
func single(fs ...field) spec     { return spec{kind: 's', fields: fs} }
func multiple(item spec) spec     { return spec{kind: 'm', item: &item} }
func f(name string, s spec) field { return field{name: name, spec: s} }
func params(fs ...field) spec     { return single(fs...) }
func nameValueList(t ptype) spec {
	return def(multiple(single(f("name", val(t)), f("value", val(pRaw)))), []any{})
}
func typeValueList() spec {
	return opt(multiple(single(f("type", val(pAlphaNumExt)), f("value", val(pRaw)))))
}
func shortnameValueList() spec {
	return opt(multiple(single(f("shortname", val(pAlphaNumExt)), f("value", val(pRaw)))))
}
func badParam(debug string) *apiError { return invalidParameter(debug) }

// validate checks n against s the way external_api::validate_parameters
// does: unknown keys are refused at every level, required keys must be
// present, defaults are filled in, optional keys stay absent, and every
// scalar must survive its type's cleaning unchanged. The result is
// map[string]any, []any or string.
func validate(s spec, n *node) (any, *apiError) {
	switch s.kind {
	case 'v':
		if n == nil || n.val == nil {
			return nil, badParam("Scalar type expected, array or object received.")
		}
		return cleanScalar(s.typ, *n.val)
	case 's':
		if n == nil || n.val != nil {
			v := ""
			if n != nil {
				v = *n.val
			}
			return nil, badParam(fmt.Sprintf("Only arrays accepted. The bad value is: '%s'", v))
		}
		out := map[string]any{}
		var unexpected []string
		for k := range n.kids {
			if !slices.ContainsFunc(s.fields, func(x field) bool { return x.name == k }) {
				unexpected = append(unexpected, k)
			}
		}
		if len(unexpected) > 0 {
			slices.Sort(unexpected)
			return nil, badParam("Unexpected keys (" + strings.Join(unexpected, ", ") + ") detected in parameter array.")
		}
		for _, fl := range s.fields {
			kid, ok := n.kids[fl.name]
			if !ok {
				switch fl.spec.pres {
				case required:
					return nil, badParam("Missing required key in single structure: " + fl.name)
				case withDefault:
					out[fl.name] = fl.spec.def
				}
				continue
			}
			v, err := validate(fl.spec, kid)
			if err != nil {
				return nil, badParam(fl.name + " => " + err.message + ": " + err.debug)
			}
			out[fl.name] = v
		}
		return out, nil
	case 'm':
		if n == nil || n.val != nil {
			return nil, badParam("Only arrays accepted.")
		}
		type kv struct {
			i int
			n *node
		}
		var items []kv
		for k, kid := range n.kids {
			i, err := strconv.Atoi(k)
			if err != nil {
				// PHP would accept any key; lists this fake serves are
				// always indexed (UNCONFIRMED for other keys: refused).
				return nil, badParam("Only arrays accepted.")
			}
			items = append(items, kv{i, kid})
		}
		// Moodle keeps the order of appearance; url-encoded forms lose it
		// in Go, so the fake orders by index, which is the same for any
		// client that numbers its items in order.
		slices.SortFunc(items, func(a, b kv) int { return a.i - b.i })
		out := make([]any, 0, len(items))
		for _, it := range items {
			v, err := validate(*s.item, it.n)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, badParam("internal: bad spec")
}

var (
	reInt       = regexp.MustCompile(`^-?[0-9]+$`)
	reTag       = regexp.MustCompile(`<[a-zA-Z/!?][^>]*>`)
	reUsername  = regexp.MustCompile(`^[-.@_a-z0-9]+$`)
	reAlpha     = regexp.MustCompile(`^[a-zA-Z]*$`)
	reAlphaNum  = regexp.MustCompile(`^[a-zA-Z0-9]*$`)
	reAlphaExt  = regexp.MustCompile(`^[a-zA-Z0-9_-]*$`)
	rePlugin    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	reTZOffset  = regexp.MustCompile(`^[+-]?(1[0-4]|[0-9])(\.5)?$`)
	errExpected = func(v string, t ptype) *apiError {
		return badParam(fmt.Sprintf(`Invalid external api parameter: the value is "%s", the server was expecting "%s" type`, v, ptypeNames[t]))
	}
)

// cleanScalar applies param::validate_param: the value must equal its
// cleaned form. The cleaning rules are simplified to what a sync sends;
// where this fake cannot vouch for Moodle's exact cleaning it refuses
// more, never less (UNCONFIRMED for exotic input).
func cleanScalar(t ptype, v string) (any, *apiError) {
	ok := true
	switch t {
	case pInt:
		ok = reInt.MatchString(v)
	case pBool:
		// A form carries strings: only '0' and '1' survive
		// (external_api::validate_parameters' PARAM_BOOL case); "true" and
		// "false" clean to other strings. "" is refused too (UNCONFIRMED).
		ok = v == "0" || v == "1"
	case pRaw:
	case pRawTrimmed:
		ok = v == strings.TrimSpace(v)
	case pText, pNoTags:
		ok = !reTag.MatchString(v)
	case pAlpha:
		ok = reAlpha.MatchString(v)
	case pAlphaNum:
		ok = reAlphaNum.MatchString(v)
	case pAlphaNumExt:
		ok = reAlphaExt.MatchString(v)
	case pUsername:
		ok = reUsername.MatchString(v) && len(v) <= 100
	case pTimezone:
		ok = validTimezone(v)
	case pAuth, pPlugin:
		ok = rePlugin.MatchString(v)
	}
	if !ok {
		return nil, errExpected(v, t)
	}
	return v, nil
}

// validTimezone follows param::clean_param_value_timezone: "99", a
// numeric offset, or a zone name the server knows.
func validTimezone(v string) bool {
	if v == "99" || reTZOffset.MatchString(v) {
		return true
	}
	if v == "" || strings.ContainsAny(v, " .") || v == "Local" {
		return false
	}
	_, err := time.LoadLocation(v)
	return err == nil
}

// validEmail approximates validate_email(): one address, no display name.
func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && a.Name == ""
}

// Accessors for validated parameters.

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func num(m map[string]any, k string) int64 {
	switch v := m[k].(type) {
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case int64:
		return v
	case int:
		return int64(v)
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

func boolean(m map[string]any, k string) bool {
	switch v := m[k].(type) {
	case string:
		return v == "1"
	case bool:
		return v
	}
	return false
}

func list(m map[string]any, k string) []map[string]any {
	xs, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		if mm, ok := x.(map[string]any); ok {
			out = append(out, mm)
		}
	}
	return out
}

func ints(m map[string]any, k string) []int64 {
	xs, _ := m[k].([]any)
	out := make([]int64, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		n, _ := strconv.ParseInt(s, 10, 64)
		out = append(out, n)
	}
	return out
}

func strs(m map[string]any, k string) []string {
	xs, _ := m[k].([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
