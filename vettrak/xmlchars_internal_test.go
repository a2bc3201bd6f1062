package vettrak

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDropIllegalChars(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<a>plain</a>", "<a>plain</a>"},
		{"<a>Ju&#x1;lie</a>", "<a>Julie</a>"},
		{"<a>Ju&#1;lie</a>", "<a>Julie</a>"},
		{"<a>tab&#x9;cr&#13;nl&#xA;</a>", "<a>tab&#x9;cr&#13;nl&#xA;</a>"},
		{"<a>v&#xB;t&#x1F;</a>", "<a>vt</a>"},
		{"<a>raw\x01\x0b</a>", "<a>raw</a>"},
		{"<a>&#xD800;&#xFFFE;&#xFFFF;&#x110000;</a>", "<a></a>"},
		{"<a>&amp;#x1; is text</a>", "<a>&amp;#x1; is text</a>"},
		{"<a>&#x1F600;&#233;</a>", "<a>&#x1F600;&#233;</a>"},
		{"<a>&#xZZ; &#", "<a>&#xZZ; &#"}, // malformed: left for the decoder
	}
	for _, tt := range tests {
		got := string(dropIllegalChars([]byte(tt.in)))
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
	var v struct {
		A string `xml:"a"`
	}
	assert.NoError(t, xml.Unmarshal(dropIllegalChars([]byte("<r><a>Ju&#x1;lie</a></r>")), &v))
	assert.Equal(t, "Julie", v.A)
}

func FuzzDropIllegalChars(f *testing.F) {
	for _, s := range []string{"<a>Ju&#x1;lie</a>", "&#", "&#x;", "&#99999999999;", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := dropIllegalChars([]byte(s))
		assert.LessOrEqual(t, len(out), len(s))
		for _, c := range out {
			assert.False(t, illegalControl(rune(c)), "raw control byte %#x left in %q", c, out)
		}
	})
}
