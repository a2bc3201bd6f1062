package vettrak

import (
	"bytes"
	"strconv"
)

// dropIllegalChars removes from a response body the characters XML 1.0
// cannot carry: control characters other than tab, newline and carriage
// return, written raw or as numeric character references (&#x1;, &#11;),
// and references to surrogates, U+FFFE, U+FFFF or beyond U+10FFFF.
//
// ASMX services do not check the strings they serialise: a control
// character typed into a name in VETtrak goes out as a character reference
// ("the web service stub (server) routines implemented in .NET framework
// do not bother about the invalid characters when encoding the XML
// response. They encode the invalid characters as numeric character
// reference": S. Gossner, Microsoft, "How to deal with invalid characters
// in SOAP responses from ASP.NET web services", 2009). Go's decoder, like
// .NET's own client, rejects the whole document, so one stray character in
// a learner's name made the enrolment list of the whole occurrence
// unreadable on every run. Dropping the character cleans the field and
// keeps the record; no value the SDK relies on can contain one.
func dropIllegalChars(body []byte) []byte {
	if !bytes.Contains(body, []byte("&#")) && bytes.IndexFunc(body, illegalControl) < 0 {
		return body
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c < 0x20 && illegalControl(rune(c)) {
			i++
			continue
		}
		if c == '&' && i+2 < len(body) && body[i+1] == '#' {
			if n, ok := charRef(body[i:]); ok && n > 0 {
				i += n
				continue
			}
		}
		out = append(out, c)
		i++
	}
	return out
}

func illegalControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }

// charRef returns the length of the numeric character reference at the
// start of b when it names a character XML 1.0 does not allow, 0 when it
// names an allowed one, and ok false when b does not start with a
// well-formed reference (left for the decoder to judge).
func charRef(b []byte) (n int, ok bool) {
	end := bytes.IndexByte(b, ';')
	if end < 3 || end > 12 {
		return 0, false
	}
	digits, base := string(b[2:end]), 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return 0, false
	}
	r := rune(v)
	legal := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
	if legal {
		return 0, true
	}
	return end + 1, true
}
