package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Issue 18, smaller: name cleaning keeps emoji sequences whole (and the
// joiners scripts need), and still removes control and stray format
// characters.
func TestCleanText(t *testing.T) {
	const flagScotland = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
	tests := []struct{ name, in, want string }{
		{"plain", "  Julie ", "Julie"},
		{"control", "Ju\x01lie", "Julie"},
		{"invalid utf-8", "Ju\xfflie", "Julie"},
		{"zero-width space", "Ju\u200blie", "Julie"},
		{"bidi override", "\u202eeilu J", "eilu J"},
		{"family emoji", "Kim \U0001F468\u200d\U0001F469\u200d\U0001F467", "Kim \U0001F468\u200d\U0001F469\u200d\U0001F467"},
		{"emoji with selector", "\u2764\ufe0f\u200d\U0001F525 Lee", "\u2764\ufe0f\u200d\U0001F525 Lee"},
		{"scientist", "Dr \U0001F469\U0001F3FD\u200d\U0001F52C", "Dr \U0001F469\U0001F3FD\u200d\U0001F52C"},
		{"subdivision flag", "Ewan " + flagScotland, "Ewan " + flagScotland},
		{"persian zwnj", "می\u200cخواهم", "می\u200cخواهم"},
		{"trailing joiner", "Ana\u200d", "Ana"},
		{"leading joiner", "\u200dAna", "Ana"},
		{"joiner before space", "Ana\u200d Lee", "Ana Lee"},
		{"joiner beside control", "Ana\u200d\x01Lee", "AnaLee"},
		{"stray tags", "x\U000E0067\U000E0062", "x"},
		{"tags without cancel", "\U0001F3F4\U000E0067\U000E0062", "\U0001F3F4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cleanText(tt.in))
		})
	}
}
