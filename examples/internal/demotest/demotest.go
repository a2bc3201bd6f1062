// Package demotest checks the story an example prints, for the examples'
// own tests.
package demotest

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Story runs an example with args and returns what it printed; the run
// must succeed.
func Story(t *testing.T, run func(ctx context.Context, w io.Writer, args []string) error, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, args), "output so far:\n%s", out.String())
	return out.String()
}

// Tells asserts that the story holds every line in lines (verbatim) and
// matches every pattern in patterns (regular expressions, for lines whose
// column widths or IDs vary).
func Tells(t *testing.T, story string, lines, patterns []string) {
	t.Helper()
	for _, l := range lines {
		assert.Contains(t, story, l)
	}
	for _, p := range patterns {
		assert.Regexp(t, regexp.MustCompile(p), story)
	}
}
