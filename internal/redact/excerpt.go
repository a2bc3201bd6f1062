package redact

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxExcerpt is how much text from a server (a status message, a fault
// string, an error body) an error keeps: enough to diagnose, small enough
// that a hostile or broken server cannot fill a report or a log line.
const MaxExcerpt = 1 << 10

// window is how far past the cut Excerpt still masks, so that a secret
// straddling the cut is recognised before the cut drops its tail. It is far
// longer than any encoded secret the SDK handles.
const window = 4 << 10

// Excerpt masks every secret in in and keeps at most max bytes of the
// result (MaxExcerpt when max <= 0), cut on a character boundary and
// marked with how long the original was. Invalid UTF-8 becomes U+FFFD.
// Masking comes first: cutting first could leave the start of a secret.
func (s *Secrets) Excerpt(in string, max int) string {
	if max <= 0 {
		max = MaxExcerpt
	}
	total := len(in)
	if len(in) > max+window {
		in = in[:max+window]
	}
	out := strings.ToValidUTF8(s.String(in), "\uFFFD")
	if len(out) <= max && total == len(in) {
		return out
	}
	return cut(out, max, total)
}

// Clip keeps at most max bytes of s (which must already be masked), cut on
// a character boundary and marked with s's length.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return cut(s, max, len(s))
}

func cut(s string, max, total int) string {
	if len(s) > max {
		n := max
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return s + "…[truncated, " + strconv.Itoa(total) + " bytes in all]"
}
