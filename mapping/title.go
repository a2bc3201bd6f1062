package mapping

import (
	"strings"
	"unicode"
)

// NormalizeUnitCode is the form in which unit codes are compared and keyed:
// upper case with all white space removed ("bsbldr 501" → "BSBLDR501").
// VETtrak national codes are at most 12 characters of letters and digits.
func NormalizeUnitCode(code string) string {
	if isNormal(code) {
		return code
	}
	var b strings.Builder
	b.Grow(len(code))
	for _, r := range code {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// isNormal reports whether code is already upper-case ASCII without white
// space, as VETtrak codes usually are, so normalising need not allocate.
func isNormal(code string) bool {
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c >= 0x80 || c >= 'a' && c <= 'z' || c == ' ' || c >= '\t' && c <= '\r' {
			return false
		}
	}
	return true
}

// Unit-code shape: what a bracketed token must look like to be taken for a
// national code. Real codes: IST101, BSBLDR501, VU21234, 22334VIC,
// CPCCWHS1001. "(Part 2)" and "(Draft)" are not codes.
const (
	minUnitCodeLen    = 5
	maxUnitCodeLen    = 12
	minUnitCodeDigits = 3
)

// isUnitCodeShape reports whether a normalised token looks like a unit code:
// 5–12 ASCII letters and digits with at least one letter and three digits.
func isUnitCodeShape(code string) bool {
	if len(code) < minUnitCodeLen || len(code) > maxUnitCodeLen {
		return false
	}
	letters, digits := 0, 0
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		default:
			return false
		}
	}
	return letters > 0 && digits >= minUnitCodeDigits
}

// titleCode is one code-shaped token from a title; spaced says it had
// white space inside ("BSB LDR 501"), which prose such as "(Week 101)" also
// has, so such tokens count only when they name a known unit.
type titleCode struct {
	code   string
	spaced bool
}

// ParseUnitCodes returns the unit codes named in brackets in an assessment
// title, normalised (NormalizeUnitCode), in order of appearance, without
// repeats. Round and square brackets count; one bracket may hold several
// codes separated by ',', ';', '/', '&', '+', '|' or "and"; codes may be in
// any case and have spaces. A bracket whose content does not look like a
// unit code ("(Part 2)") is ignored. Codes are not checked against any unit
// list here; Bind and Lint do that.
//
//	ParseUnitCodes("Written Assessment (BSBLDR501)")         // [BSBLDR501]
//	ParseUnitCodes("Project (bsbldr501, BSBLDR 502) (Part 2)") // [BSBLDR501 BSBLDR502]
func ParseUnitCodes(title string) []string {
	var out []string
	for _, c := range parseTitle(title) {
		out = append(out, c.code)
	}
	return out
}

func parseTitle(title string) []titleCode {
	var out []titleCode
	seen := map[string]bool{}
	// Scan for innermost bracket groups: an opening bracket restarts the
	// group, so "(Part 2 (BSBLDR501))" yields the inner group.
	start := -1
	for i := 0; i < len(title); i++ {
		switch title[i] {
		case '(', '[':
			start = i + 1
		case ')', ']':
			if start < 0 {
				continue
			}
			for _, tok := range splitCodes(title[start:i]) {
				for _, c := range tokenCodes(tok) {
					if !seen[c.code] {
						seen[c.code] = true
						out = append(out, c)
					}
				}
			}
			start = -1
		}
	}
	return out
}

// splitCodes splits a bracket's content into candidate codes.
func splitCodes(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(",;/&+|", r)
	})
	var out []string
	for _, f := range fields {
		// Split on the word "and" (any case) between codes.
		words := strings.Fields(f)
		var cur []string
		for _, w := range words {
			if strings.EqualFold(w, "and") {
				if len(cur) > 0 {
					out = append(out, strings.Join(cur, " "))
				}
				cur = nil
				continue
			}
			cur = append(cur, w)
		}
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
		}
	}
	return out
}

// tokenCodes turns one separated token into codes: "BSB LDR 501" is one
// (spaced) code, "BSBLDR501 BSBLDR502" two codes written without a
// separator.
func tokenCodes(tok string) []titleCode {
	words := strings.Fields(tok)
	if len(words) > 1 {
		all := true
		for _, w := range words {
			if !isUnitCodeShape(NormalizeUnitCode(w)) {
				all = false
				break
			}
		}
		if all {
			out := make([]titleCode, 0, len(words))
			for _, w := range words {
				out = append(out, titleCode{code: NormalizeUnitCode(w)})
			}
			return out
		}
	}
	code := NormalizeUnitCode(tok)
	if !isUnitCodeShape(code) {
		return nil
	}
	return []titleCode{{code: code, spaced: len(words) > 1}}
}
