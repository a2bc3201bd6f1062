package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileSecrets look like what VETtrak and Canvas hand out, and worse:
// every XML, JSON, URL and Go metacharacter, non-ASCII, an astral rune.
var hostileSecrets = []string{
	`'&7%+>-"6(+!56$0>345`, // a real-looking VETtrak session token
	`p\ä$$w"ö<r>d 😀&#;`,
	"7~AbCdEfGh+/=IjKl;%25",
	"tab\there\nnewline",
}

func xmlEscapeGo(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// dotNetEscape is XmlWriter text content: &, <, > only; quotes stay raw.
func dotNetEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func eachRune(s string, f func(r rune) string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(f(r))
	}
	return b.String()
}

func eachByte(s string, f func(c byte) string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString(f(s[i]))
	}
	return b.String()
}

func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	return strings.TrimSpace(b.String())
}

func jsonAllEscaped(s string) string {
	return eachRune(s, func(r rune) string {
		if r >= 0x10000 {
			r1, r2 := utf16Pair(r)
			return fmt.Sprintf(`\u%04X\u%04x`, r1, r2)
		}
		return fmt.Sprintf(`\u%04x`, r)
	})
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + r>>10, 0xDC00 + r&0x3FF
}

// encoders are the ways a secret reaches text, alone and nested.
var encoders = []struct {
	name string
	enc  func(string) string
}{
	{"raw", func(s string) string { return s }},
	{"xml escaped by Go", xmlEscapeGo},
	{"xml escaped the .NET way (quotes raw)", dotNetEscape},
	{"xml named entities", func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
	}},
	{"xml decimal references", func(s string) string {
		return eachRune(s, func(r rune) string { return "&#" + strconv.Itoa(int(r)) + ";" })
	}},
	{"xml hex references, zero padded, upper case", func(s string) string {
		return eachRune(s, func(r rune) string { return fmt.Sprintf("&#X%06X;", r) })
	}},
	{"html", html.EscapeString},
	{"html5 named entities", func(s string) string {
		return strings.NewReplacer("!", "&excl;", "$", "&dollar;", "%", "&percnt;", "(", "&lpar;", "+", "&plus;", "&", "&AMP;", "<", "&LT;").Replace(s)
	}},
	{"xml escaped twice", func(s string) string { return dotNetEscape(dotNetEscape(s)) }},
	{"json", func(s string) string { return jsonString(s, true) }},
	{"json without html escaping", func(s string) string { return jsonString(s, false) }},
	{"json every character \\u", jsonAllEscaped},
	{"json of xml escaped", func(s string) string { return jsonString(xmlEscapeGo(s), true) }},
	{"go quoted", strconv.Quote},
	{"go quoted ascii", strconv.QuoteToASCII},
	{"go quoted twice", func(s string) string { return strconv.Quote(strconv.Quote(s)) }},
	{"go quoted json", func(s string) string { return strconv.Quote(jsonString(s, true)) }},
	{"strconv error", func(s string) string {
		return (&strconv.NumError{Func: "ParseInt", Num: s, Err: strconv.ErrSyntax}).Error()
	}},
	{"%q of an error", func(s string) string { return fmt.Sprintf("%q", fmt.Errorf("bad value %q", s).Error()) }},
	{"go \\x bytes", func(s string) string { return eachByte(s, func(c byte) string { return fmt.Sprintf(`\x%02x`, c) }) }},
	{"go octal bytes", func(s string) string { return eachByte(s, func(c byte) string { return fmt.Sprintf(`\%03o`, c) }) }},
	{"query escaped", url.QueryEscape},
	{"path escaped", url.PathEscape},
	{"query escaped twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }},
	{"every byte percent-encoded, lower case", func(s string) string { return eachByte(s, func(c byte) string { return fmt.Sprintf("%%%02x", c) }) }},
	{"query of xml escaped", func(s string) string { return url.QueryEscape(dotNetEscape(s)) }},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64 url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"base64 raw url", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
	{"base64 at offset 1", func(s string) string { return base64.StdEncoding.EncodeToString([]byte("u" + s))[2:] }},
	{"base64 at offset 2 (basic auth)", func(s string) string { return base64.StdEncoding.EncodeToString([]byte("u:" + s))[3:] }},
	{"base64 then query escaped", func(s string) string { return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(s))) }},
	{"base64 then json", func(s string) string { return jsonString(base64.StdEncoding.EncodeToString([]byte(s)), true) }},
}

// placeholder survives every encoder unchanged.
const placeholder = "QZXJQZXJ"

func TestStringMasksEveryEncoding(t *testing.T) {
	var s Secrets
	s.Add(hostileSecrets...)
	for _, secret := range hostileSecrets {
		for _, e := range encoders {
			t.Run(e.name+"/"+strconv.QuoteToASCII(secret), func(t *testing.T) {
				encoded := e.enc(secret)
				in := "before: " + encoded + " :after"
				out := s.String(in)
				assert.Contains(t, out, Mask)
				assert.NotContains(t, out, encoded, "encoded secret survived")
				assert.NotContains(t, out, secret)
				assert.True(t, strings.HasPrefix(out, "before: ") && strings.HasSuffix(out, " :after"),
					"text around the secret is kept: %q", out)
				if strings.HasPrefix(e.name, "base64") {
					// Only the boundary characters (partly made of the
					// neighbours' bits) and padding may remain.
					rest := strings.TrimSuffix(strings.TrimPrefix(out, "before: "), " :after")
					assert.LessOrEqual(t, len(strings.ReplaceAll(rest, Mask, "")), 8, "left over: %q", rest)
					return
				}
				// Exactly the secret goes: whatever the encoder wrapped
				// around it (quotes, an error's words) stays.
				want := Mask
				if wrapped := e.enc(placeholder); strings.Contains(wrapped, placeholder) {
					want = strings.ReplaceAll(wrapped, placeholder, Mask)
				}
				assert.Equal(t, "before: "+want+" :after", out)
			})
		}
	}
}

func TestStringLeavesOtherTextAlone(t *testing.T) {
	var s Secrets
	s.Add(hostileSecrets...)
	for _, in := range []string{
		"nothing here",
		`{"errors":[{"message":"a \u0026 b &amp; c 100% + \\ more"}]}`,
		"https://canvas.example/api/v1/courses?per_page=100&page=2",
		"&#39;&amp;7 %2B &quot;6(+!5", // a prefix of the token, escaped
		"7~AbCdEfGh+",                 // a prefix of a secret, shorter than MinPartial
		`\\\\\\\\&&&&%%%%%++++`,
		"ab",
	} {
		assert.Equal(t, in, s.String(in))
	}
}

func TestStringMasksASecretCutShort(t *testing.T) {
	var s Secrets
	token := "7~" + strings.Repeat("AbCdEfGh", 8)
	s.Add(token)
	for _, in := range []string{
		fmt.Sprintf("canvas: bad ID %.40q: not an integer", token),
		"…" + token[:MinPartial] + "…[truncated]",
		url.QueryEscape(token[:30]),
	} {
		out := s.String(in)
		assert.Contains(t, out, Mask, in)
		assert.NotContains(t, out, token[:MinPartial], in)
	}
	assert.Equal(t, token[:MinPartial-1]+"!", s.String(token[:MinPartial-1]+"!"))
}

func TestStringMasksEveryOccurrenceAndTheLongestSecret(t *testing.T) {
	var s Secrets
	s.Add("secret-one", "secret-one-and-more")
	assert.Equal(t, Mask+" "+Mask+" "+Mask, s.String(`secret-one secret-one-and-more secret%2Done`))
}

func TestShortSecretsIgnored(t *testing.T) {
	var s Secrets
	s.Add("ab", "")
	assert.Equal(t, "ab cd", s.String("ab cd"))
	var nilSet *Secrets
	assert.Equal(t, "x", nilSet.String("x"))
}

func TestExcerpt(t *testing.T) {
	var s Secrets
	token := hostileSecrets[0]
	s.Add(token)
	big := strings.Repeat("é", 1<<19) // 1 MiB
	tests := []struct {
		name, in string
		max      int
	}{
		{"a 1 MiB message", big, 0},
		{"a secret straddling the cut", strings.Repeat("x", MaxExcerpt-5) + dotNetEscape(token) + strings.Repeat("y", 100), 0},
		{"a secret straddling the window", strings.Repeat("x", MaxExcerpt+window-5) + token, 0},
		{"invalid UTF-8", "a\xff\xfeb" + token, 0},
		{"a smaller cap", strings.Repeat("z", 600), 512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := s.Excerpt(tt.in, tt.max)
			limit := tt.max
			if limit <= 0 {
				limit = MaxExcerpt
			}
			assert.LessOrEqual(t, len(out), limit+64)
			assert.True(t, utf8.ValidString(out))
			for i := 4; i <= len(token); i++ {
				assert.NotContains(t, out, dotNetEscape(token)[:i], "no prefix of the secret survives the cut")
			}
			if len(tt.in) > limit {
				assert.Contains(t, out, "…[truncated, "+strconv.Itoa(len(tt.in))+" bytes in all]")
			}
		})
	}
	assert.Equal(t, "short", s.Excerpt("short", 0))
}

func TestClip(t *testing.T) {
	assert.Equal(t, "abc", Clip("abc", 3))
	assert.Equal(t, "ab…[truncated, 4 bytes in all]", Clip("abcd", 2))
	assert.Equal(t, "…[truncated, 2 bytes in all]", Clip("é", 1), "never splits a character")
}

func TestErrorKeepsTheChain(t *testing.T) {
	var s Secrets
	s.Add("hunter22")
	base := fmt.Errorf("login with %q: %w", "hunter22", assert.AnError)
	err := s.Error(base)
	require.Error(t, err)
	assert.ErrorIs(t, err, assert.AnError)
	assert.NotContains(t, err.Error(), "hunter22")
	assert.NoError(t, s.Error(nil))
}

// FuzzString: whatever the secret and the text around it, no encoding of
// the secret survives, and nothing panics.
func FuzzString(f *testing.F) {
	for i, s := range hostileSecrets {
		f.Add(s, "before ", " after", uint8(i))
	}
	f.Add(`a\b"c`, `\`, `\\`, uint8(13))
	f.Add("%41%41x", "%2", "6", uint8(22))
	f.Add("&amp;&&", "&", ";", uint8(8))
	f.Fuzz(func(t *testing.T, secret, before, after string, which uint8) {
		if len(secret) < MinLen || !utf8.ValidString(secret) || strings.ContainsFunc(secret, func(r rune) bool {
			return r < 0x20 || r == 0x7f || r == utf8.RuneError || (r >= 0x80 && r < 0xA0)
		}) {
			t.Skip("secrets are printable text")
		}
		var s Secrets
		s.Add(secret)
		e := encoders[int(which)%len(encoders)]
		encoded := e.enc(secret)
		out := s.String(before + encoded + after)
		if strings.Contains(out, encoded) && !strings.Contains(before+after, encoded) {
			t.Fatalf("%s of %q survived in %q", e.name, secret, out)
		}
	})
}
