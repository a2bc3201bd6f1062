package redact

import (
	"strings"
	"testing"
)

// BenchmarkString masks a 5 KiB body with escapes (the slow path) against
// a password and four session tokens.
func BenchmarkString(b *testing.B) {
	var s Secrets
	s.Add(`'&7%+>-"6(+!56$0>345`, `a7&!"x0%+q9-'z>2#4(1`, "b1c2d3e4f5g6h7i8j9k0", "hunter2-hunter2", "tok-<>&'\"-tok-0001")
	text := strings.Repeat(`{"errors":[{"message":"a \u0026 b &amp; c 100% + more text"}]} `, 80)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = s.String(text)
	}
}
