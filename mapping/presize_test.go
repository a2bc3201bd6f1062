package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Structure sizes its output slices once: none holds spare room left by
// append's regrowth (which copies the slice each time it doubles).
func TestStructureOutputPreSized(t *testing.T) {
	p := defaultGen(42, 500)
	snap := genSnapshot(p)
	for _, w := range Workflows() {
		t.Run(string(w), func(t *testing.T) {
			d, err := Structure(genConfig(w), snap, existingFor(p))
			require.NoError(t, err)
			require.NotEmpty(t, d.State.Enrolments)
			assert.Equal(t, len(d.State.Courses), cap(d.State.Courses), "courses")
			assert.Equal(t, len(d.CourseSISIDs), cap(d.CourseSISIDs), "course SIS IDs")
			assert.Equal(t, len(d.State.Sections), cap(d.State.Sections), "sections")
			assert.Equal(t, len(d.State.Groups), cap(d.State.Groups), "groups")
			assert.Equal(t, len(d.State.Enrolments), cap(d.State.Enrolments), "enrolments")
			assert.Equal(t, len(d.State.Memberships), cap(d.State.Memberships), "memberships")
			assert.Equal(t, len(d.Provenance), cap(d.Provenance), "provenance")
		})
	}
}
