package console

import (
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"
)

// funcs are the templates' helpers. Everything shown from an error goes
// through mask.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(s.opts.Location).Format("Mon 2 Jan 2006 15:04 MST")
		},
		"whenp": func(t *time.Time) string {
			if t == nil || t.IsZero() {
				return "—"
			}
			return t.In(s.opts.Location).Format("Mon 2 Jan 2006 15:04 MST")
		},
		"plural": Plural,
		"mulf":   func(f float64) float64 { return f * 100 },
		"secs":   func(f float64) string { return fmt.Sprintf("%.1f s", f) },
		"mask":   s.opts.Secrets,
		"counts": func(m map[string]int) string {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if m[k] != 0 {
					parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
				}
			}
			if len(parts) == 0 {
				return "nothing"
			}
			return strings.Join(parts, ", ")
		},
		"kindWords": func(k string) string {
			return strings.ReplaceAll(k, "_", " ")
		},
	}
}

// Plural is "1 run", "2 runs", "3 matches".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "s") || strings.HasSuffix(word, "ch") {
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
