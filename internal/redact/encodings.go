package redact

import (
	"encoding/base64"
	"slices"
	"strings"
	"unicode/utf8"
)

// A secret reaches text in many encodings, often one inside another: the
// VETtrak password XML-escaped in a SOAP fault (the .NET way, `&amp;` with
// raw quotes, or `&quot;`/`&#34;`/`&#x22;`), a token Go-quoted in a decode
// error (`strconv.ParseInt: parsing "…\"…"`), JSON-escaped in a Canvas
// body (`\"`, `\u0026`), percent-encoded in a URL, base64-encoded in a
// header, and then quoted once more by %q or a JSON report. Listing whole
// encoded strings cannot keep up with mixtures, so a secret is matched one
// character at a time: each character may appear in any form that decodes
// to it (see ends), whatever form its neighbours took.
//
// Over-matching is harmless (a few extra backslashes masked); missing a
// form leaks the secret, so the forms are generous:
//
//	verbatim, behind any number of backslashes   "  \"  \\\"
//	XML/HTML numeric references, any zeros, either case   &#39; &#x00027;
//	XML/HTML named references (HTML5 names, any case)     &amp; &quot; &apos; &plus;
//	  with the & itself escaped again                     &amp;amp;  \u0026amp;  %26amp%3B
//	JSON/Go escapes                                       \u0026 \U0001F600 \uD83D\uDE00 \n
//	Go byte escapes                                       \x26 \046
//	percent-encoding, once or twice, either case          %26 %2526 %2f
//	'+' for a space (forms and query strings), or %2B once escaped again

// introducers are the bytes that open an escaped form of a character. Text
// without any of them can only hold a secret verbatim.
const introducers = `\&%+`

func isIntroducer(c byte) bool { return strings.IndexByte(introducers, c) >= 0 }

// entityNames are the HTML5 named references (HTML5 §13.5) of characters a
// token may hold, XML's five included. Matched case-insensitively.
var entityNames = map[rune][]string{
	'\t': {"tab"}, '\n': {"newline"}, '!': {"excl"}, '"': {"quot"}, '#': {"num"},
	'$': {"dollar"}, '%': {"percnt"}, '&': {"amp"}, '\'': {"apos"}, '(': {"lpar"},
	')': {"rpar"}, '*': {"ast", "midast"}, '+': {"plus"}, ',': {"comma"}, '.': {"period"},
	'/': {"sol"}, ':': {"colon"}, ';': {"semi"}, '<': {"lt"}, '=': {"equals"}, '>': {"gt"},
	'?': {"quest"}, '@': {"commat"}, '[': {"lsqb", "lbrack"}, '\\': {"bsol"},
	']': {"rsqb", "rbrack"}, '^': {"hat"}, '_': {"lowbar", "underbar"},
	'`': {"grave", "diacriticalgrave"}, '{': {"lcub", "lbrace"},
	'|': {"verbar", "vert", "verticalline"}, '}': {"rcub", "rbrace"}, 0xA0: {"nbsp"},
}

// shortEscapes are the one-letter backslash escapes of Go and JSON.
var shortEscapes = map[rune]byte{'\a': 'a', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v'}

// MinPartial is how many leading characters of a secret are masked even
// when the rest is missing: a message cut short (%.40q, a capped body)
// must not show most of a secret either. Shorter secrets must match whole.
const MinPartial = 12

// matchForm returns the end of the longest encoding of form, or of its
// first MinPartial characters or more, that starts at t[i]; or -1.
func matchForm(t string, i int, form string) int {
	if c := t[i]; c != form[0] && !isIntroducer(c) {
		return -1
	}
	var buf [8]int
	cur := append(buf[:0], i)
	best := -1
	for k, units := 0, 0; k < len(form); units++ {
		r, n := utf8.DecodeRuneInString(form[k:])
		var next []int
		for _, p := range cur {
			next = ends(next, t, p, r, form[k:k+n])
		}
		if len(next) == 0 {
			if units >= MinPartial {
				return best
			}
			return -1
		}
		slices.Sort(next)
		cur = slices.Compact(next)
		best = cur[len(cur)-1]
		k += n
	}
	return best
}

// ends appends every j such that t[i:j] encodes the character r, whose
// UTF-8 bytes are raw (or raw is one byte that is not UTF-8).
func ends(out []int, t string, i int, r rune, raw string) []int {
	if i >= len(t) {
		return out
	}
	bs := run(t, i, '\\')
	// Verbatim, maybe behind backslashes.
	if r == '\\' {
		// Each layer of quoting doubles a backslash; extra ones before the
		// next character are absorbed by that character's own form.
		for k := 1; k <= bs; k *= 2 {
			out = append(out, i+k)
		}
	} else if strings.HasPrefix(t[i+bs:], raw) {
		out = append(out, i+bs+len(raw))
	}
	out = bytewise(out, t, i, raw)
	if r == utf8.RuneError && len(raw) == 1 {
		return out
	}
	if bs > 0 {
		out = backslashed(out, t, i+bs, r)
	}
	if r == ' ' {
		// Forms and query strings write a space as '+', which a second
		// round of escaping turns into %2B.
		if t[i] == '+' {
			out = append(out, i+1)
		} else if t[i] == '%' {
			out = percentEnds(out, t, i, '+')
		}
	}
	return references(out, t, i, r)
}

// backslashed appends the ends of JSON/Go escapes of r whose letter is at t[j].
func backslashed(out []int, t string, j int, r rune) []int {
	if j >= len(t) {
		return out
	}
	switch c := t[j]; {
	case c == 'u':
		v, ok := hexAt(t, j+1, 4)
		switch {
		case !ok:
		case rune(v) == r:
			out = append(out, j+5)
		case v >= 0xD800 && v < 0xDC00 && r >= 0x10000: // UTF-16 surrogate pair
			k := j + 5 + run(t, j+5, '\\')
			if k > j+5 && k < len(t) && t[k] == 'u' {
				if lo, ok := hexAt(t, k+1, 4); ok && lo >= 0xDC00 && lo < 0xE000 &&
					rune((v-0xD800)<<10|(lo-0xDC00))+0x10000 == r {
					out = append(out, k+5)
				}
			}
		}
	case c == 'U':
		if v, ok := hexAt(t, j+1, 8); ok && rune(v) == r {
			out = append(out, j+9)
		}
	case c == shortEscapes[r] && c != 0:
		out = append(out, j+1)
	}
	return out
}

// bytewise appends the ends of raw written byte by byte as %XX (maybe
// percent-encoded again: %25XX), \xXX or \ooo.
func bytewise(out []int, t string, i int, raw string) []int {
	if t[i] != '%' && t[i] != '\\' {
		return out
	}
	var buf, nbuf [8]int
	cur := append(buf[:0], i)
	for b := 0; b < len(raw) && len(cur) > 0; b++ {
		next := nbuf[:0]
		for _, p := range cur {
			next = byteEnds(next, t, p, raw[b])
		}
		cur = append(buf[:0], next...)
	}
	return append(out, cur...)
}

func byteEnds(out []int, t string, p int, b byte) []int {
	if p >= len(t) {
		return out
	}
	switch t[p] {
	case '%':
		return percentEnds(out, t, p, b)
	case '\\':
		q := p + run(t, p, '\\')
		if q < len(t) && (t[q] == 'x' || t[q] == 'X') {
			if v, ok := hexAt(t, q+1, 2); ok && byte(v) == b {
				out = append(out, q+3)
			}
		}
		if q+3 <= len(t) && isOctal(t[q]) && isOctal(t[q+1]) && isOctal(t[q+2]) &&
			int(t[q]-'0')<<6|int(t[q+1]-'0')<<3|int(t[q+2]-'0') == int(b) {
			out = append(out, q+3)
		}
	}
	return out
}

// percentEnds reads %XX at t[p], with XX itself percent-encoded any number
// of times (%25XX, %2525XX).
func percentEnds(out []int, t string, p int, b byte) []int {
	q := p + 1
	for range maxChain {
		v, ok := hexAt(t, q, 2)
		if !ok {
			return out
		}
		if byte(v) == b {
			out = append(out, q+2)
		}
		if v != 0x25 {
			return out
		}
		q += 2
	}
	return out
}

// maxChain bounds how often an escape may itself be escaped again
// (%252526, &amp;amp;amp;) so that hostile text cannot make matching slow.
const maxChain = 8

// references appends the ends of XML/HTML character references to r at
// t[i], the ampersand itself maybe escaped once more.
func references(out []int, t string, i int, r rune) []int {
	if c := t[i]; c != '&' && c != '\\' && c != '%' {
		return out
	}
	var buf [8]int
	for _, p := range ampEnds(buf[:0], t, i) {
		if p < len(t) && t[p] == '#' {
			p++
			base, maxDigits := 10, 8
			if p < len(t) && (t[p] == 'x' || t[p] == 'X') {
				p, base = p+1, 16
			}
			z := p + run(t, p, '0')
			q := z
			for q < len(t) && digit(t[q], base) >= 0 {
				q++
			}
			if q > p && q-z <= maxDigits && number(t[z:q], base) == int64(r) {
				if e, ok := semiAt(t, q); ok {
					out = append(out, e)
				}
			}
			continue
		}
		for _, name := range entityNames[r] {
			if len(t)-p >= len(name) && strings.EqualFold(t[p:p+len(name)], name) {
				if e, ok := semiAt(t, p+len(name)); ok {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// ampEnds returns the positions after an ampersand at t[i] (raw, \u0026,
// %26) followed by any number of "amp;": each is where a reference's name
// may start, since "&amp;amp;" may be "&" escaped twice or "&amp;" once.
func ampEnds(out []int, t string, i int) []int {
	var p int
	switch t[i] {
	case '&':
		p = i + 1
	case '\\':
		j := i + run(t, i, '\\')
		if !strings.HasPrefix(t[j:], "u0026") {
			return nil
		}
		p = j + 5
	case '%':
		var ebuf [2]int
		e := percentEnds(ebuf[:0], t, i, '&')
		if len(e) == 0 {
			return nil
		}
		p = e[0]
	default:
		return nil
	}
	out = append(out, p)
	for len(t)-p >= 3 && strings.EqualFold(t[p:p+3], "amp") && len(out) < maxChain {
		e, ok := semiAt(t, p+3)
		if !ok {
			break
		}
		p = e
		out = append(out, p)
	}
	return out
}

// semiAt reads the ';' closing a reference, maybe percent-encoded.
func semiAt(t string, p int) (int, bool) {
	if p < len(t) && t[p] == ';' {
		return p + 1, true
	}
	if p < len(t) && t[p] == '%' {
		var buf [2]int
		if e := percentEnds(buf[:0], t, p, ';'); len(e) > 0 {
			return e[0], true
		}
	}
	return 0, false
}

// maxRun bounds the backslashes read before an escape: a quote Go-quoted
// four times over is preceded by 15. Without a bound a long run of
// backslashes would cost time quadratic in its length.
const maxRun = 16

// run counts the c at t[i:], up to maxRun.
func run(t string, i int, c byte) int {
	n := 0
	for i+n < len(t) && t[i+n] == c && n < maxRun {
		n++
	}
	return n
}

func hexAt(t string, p, n int) (int64, bool) {
	if p+n > len(t) {
		return 0, false
	}
	for k := p; k < p+n; k++ {
		if digit(t[k], 16) < 0 {
			return 0, false
		}
	}
	return number(t[p:p+n], 16), true
}

func digit(c byte, base int) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func number(s string, base int) int64 {
	var v int64
	for i := 0; i < len(s); i++ {
		v = v*int64(base) + int64(digit(s[i], base))
	}
	return v
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// base64Cores are the parts of the base64 encodings (standard and URL
// alphabets) of v that do not depend on what surrounds it: v may sit at any
// of three offsets in a longer encoded value (a Basic auth header holds
// "user:password"), and only the characters made of v's bits alone are
// fixed. A few boundary bits stay visible; the rest is masked.
func base64Cores(v string) []string {
	var out []string
	for k := range 3 {
		buf := make([]byte, k, k+len(v))
		buf = append(buf, v...)
		first := (8*k + 5) / 6         // first character made only of v's bits
		last := (8 * (k + len(v))) / 6 // characters before this are complete
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			if s := enc.EncodeToString(buf); last-first >= MinLen && !slices.Contains(out, s[first:last]) {
				out = append(out, s[first:last])
			}
		}
	}
	return out
}
