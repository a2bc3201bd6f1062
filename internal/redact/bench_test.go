package redact

import (
	"strings"
	"testing"
)

// BenchmarkString masks texts against a password and four session
// tokens: a 5 KiB body with escapes (the slow path), one without (the fast
// path), and hostile texts built to make matching expensive.
func BenchmarkString(b *testing.B) {
	var s Secrets
	s.Add(`'&7%+>-"6(+!56$0>345`, `a7&!"x0%+q9-'z>2#4(1`, "b1c2d3e4f5g6h7i8j9k0", "hunter2-hunter2", "tok-<>&'\"-tok-0001")
	var slashes Secrets
	slashes.Add(strings.Repeat(`\`, 40))
	b.Run("backslash secret", func(b *testing.B) {
		text := strings.Repeat(`\`, 4<<10)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			_ = slashes.String(text)
		}
	})
	for _, bc := range []struct{ name, text string }{
		{"escaped", strings.Repeat(`{"errors":[{"message":"a \u0026 b &amp; c 100% + more text"}]} `, 80)},
		{"plain", strings.Repeat(`{"errors":[{"message":"a and b or c: 100 percent more text"}]} `, 80)},
		{"backslashes", strings.Repeat(`\`, 64<<10)},
		{"references", strings.Repeat(`&amp;`, 13<<10)},
		{"percent", strings.Repeat(`%25`, 21<<10)},
		{"near misses", strings.Repeat(`'&amp;7%+&gt;-"6(+!56$0`, 3<<10)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				_ = s.String(bc.text)
			}
		})
	}
}
