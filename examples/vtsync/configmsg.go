package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// friendlyDecodeError rewrites encoding/json's decode errors for people:
// no "json: " prefix and no Go type names, the value given, and for an
// unknown field the field probably meant:
//
//	unknown field "workfow" — did you mean "workflow"?
//	vettrak.rate_limit: "fast" is not a number
//
// v is what was being decoded into, for the list of known field names.
func friendlyDecodeError(raw []byte, v any, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		given := valueAt(raw, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the config"
		}
		return &friendlyError{fmt.Sprintf("%s: %s is not %s", field, given, kindWords(typ.Type)), err}
	}
	msg := err.Error()
	const unknown = `json: unknown field "`
	if strings.HasPrefix(msg, unknown) {
		name := strings.TrimSuffix(strings.TrimPrefix(msg, unknown), `"`)
		out := fmt.Sprintf("unknown field %q", name)
		if best := closest(name, fieldNames(reflect.TypeOf(v))); best != "" {
			out += fmt.Sprintf(" — did you mean %q?", best)
		}
		return &friendlyError{out, err}
	}
	if s, ok := strings.CutPrefix(msg, "json: "); ok {
		return &friendlyError{s, err}
	}
	return err
}

// friendlyError is a decode error in words; it unwraps to the decoder's
// error, which jsonError reads the position from.
type friendlyError struct {
	msg string
	err error
}

func (e *friendlyError) Error() string { return e.msg }
func (e *friendlyError) Unwrap() error { return e.err }

// valueAt is the JSON value that ends at offset in raw, as written (cut
// to 40 characters); the decoder's offset points just past it.
func valueAt(raw []byte, offset int64) string {
	end := min(int(offset), len(raw))
	start := end
	depth := 0
	inString := false
	for start > 0 {
		c := raw[start-1]
		switch {
		case inString:
			if c == '"' && (start < 2 || raw[start-2] != '\\') {
				inString = false
				if depth == 0 {
					start--
					goto done
				}
			}
		case c == '"':
			inString = true
		case c == '}' || c == ']':
			depth++
		case c == '{' || c == '[':
			if depth == 0 {
				goto done
			}
			depth--
			if depth == 0 {
				start--
				goto done
			}
		case depth == 0 && (c == ':' || c == ','):
			goto done
		}
		start--
	}
done:
	s := strings.TrimSpace(string(raw[start:end]))
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return oneLine(s)
}

// kindWords names a Go type the way the config file's reader knows it.
func kindWords(t reflect.Type) string {
	if t == nil {
		return "the right kind of value"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "text in quotes"
	case reflect.Slice, reflect.Array:
		return "a list [...]"
	case reflect.Map, reflect.Struct:
		return "an object {...}"
	case reflect.Pointer:
		return kindWords(t.Elem())
	}
	return "the right kind of value"
}

// fieldNames lists the JSON names of every field of t and of the structs
// within it, for suggestions.
func fieldNames(t reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out = append(out, name)
			walk(f.Type)
		}
	}
	walk(t)
	slices.Sort(out)
	return slices.Compact(out)
}

// closest is the candidate nearest to s by edit distance, when near enough
// to be a typo (at most a third of its length, and at most 3 edits).
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD == 0 || bestD > 3 || bestD*3 > len(s) {
		if bestD == 0 {
			return best
		}
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
