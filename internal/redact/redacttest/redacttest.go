// Package redacttest helps tests prove that no encoding of a secret reaches
// text: an error string, a log, a JSON report.
package redacttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vtsync/vtsync/internal/redact"
)

// Encodings returns the forms a secret takes on its way to text: raw, XML
// escaped (Go's way, .NET's, which leaves quotes raw, and with &quot;
// and &apos;), HTML, JSON
// escaped (with and without HTML escaping), Go-quoted, query and path
// escaped, base64 (standard and URL), and its first redact.MinPartial
// characters (what a cut message shows); and each of those once more
// JSON-escaped and Go-quoted, as a JSON report or a %q would show it.
func Encodings(secret string) []string {
	base := baseEncodings(secret)
	out := slices.Clone(base)
	for _, b := range base {
		for _, f := range []string{jsonInner(b, true), jsonInner(b, false), strings.Trim(strconv.Quote(b), `"`)} {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func baseEncodings(secret string) []string {
	var x bytes.Buffer
	_ = xml.EscapeText(&x, []byte(secret))
	dotNet := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(secret)
	named := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(secret)
	out := []string{
		secret, x.String(), dotNet, named, html.EscapeString(secret),
		jsonInner(secret, true), jsonInner(secret, false),
		strings.Trim(strconv.Quote(secret), `"`), strings.Trim(strconv.QuoteToASCII(secret), `"`),
		url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.URLEncoding.EncodeToString([]byte(secret)),
	}
	if r := []rune(secret); len(r) > redact.MinPartial {
		out = append(out, string(r[:redact.MinPartial]))
	}
	return out
}

func jsonInner(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	return strings.Trim(strings.TrimSpace(b.String()), `"`)
}

// AssertNoLeak fails t when text holds any encoding of any secret; what
// names the text in the failure message.
func AssertNoLeak(t testing.TB, what, text string, secrets ...string) bool {
	t.Helper()
	ok := true
	for _, s := range secrets {
		for _, enc := range Encodings(s) {
			if strings.Contains(text, enc) {
				t.Errorf("%s leaks the secret as %q:\n%s", what, enc, redact.Clip(text, 2<<10))
				ok = false
			}
		}
	}
	return ok
}
