package vettrak

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// toUTF8 rewrites a body whose XML declaration names a single-byte Western
// charset (ISO-8859-1, windows-1252, US-ASCII) as UTF-8 with a UTF-8
// declaration: gowsdl's decoder has no CharsetReader and would fail (G9).
// UTF-8 and undeclared bodies are returned unchanged; other charsets are an
// error.
func toUTF8(body []byte) ([]byte, error) {
	b := bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return body, nil
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return body, nil
	}
	decl := string(b[:end])
	enc := ""
	if i := strings.Index(decl, "encoding="); i >= 0 && i+len("encoding=")+1 < len(decl) {
		rest := decl[i+len("encoding="):]
		if q := rest[0]; q == '"' || q == '\'' {
			if j := strings.IndexByte(rest[1:], q); j >= 0 {
				enc = strings.ToLower(rest[1 : j+1])
			}
		}
	}
	var table []rune
	switch enc {
	case "", "utf-8", "utf8":
		return body, nil
	case "iso-8859-1", "latin1", "latin-1", "iso_8859-1", "us-ascii", "ascii":
	case "windows-1252", "cp1252":
		table = []rune(cp1252)
	default:
		return nil, fmt.Errorf("unsupported response charset %q", enc)
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	out = append(out, `<?xml version="1.0" encoding="utf-8"`...)
	for _, c := range b[end:] {
		switch {
		case c < 0x80:
			out = append(out, c)
		case table != nil && c < 0xa0:
			out = utf8.AppendRune(out, table[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out, nil
}

// cp1252 is windows-1252's 0x80..0x9F (32 runes); the rest equals
// ISO-8859-1.
const cp1252 = "€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ"
