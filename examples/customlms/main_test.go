package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/internal/demotest"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func TestSyncsTheWalkthroughIntoSQLite(t *testing.T) {
	got := demotest.Story(t, run)
	demotest.Tells(t, got, []string{
		"A teacher made course IST101 in the platform, with no SIS ID.",
		"25 operations: 4 add_member, 2 create_group, 6 create_user, 6 enrol, 4 mark_enrolment, 2 mark_occurrence, 1 update_course.",
		"LMS: created 2 groups, 6 users, 6 enrolments, 4 memberships; updated 1 course.",
		"A second plan has 0 operations.",
		"VETtrak: 2 results written, 2 comments written",
	}, []string{
		// the tables, read back with SQL
		`IST101\s+Introduction to Statistics\s+vt-unit-IST101`,
		`IST101\s+Term 1\s+John Smith\s+active`,
		`IST101\s+Term 2\s+Barbara Jones\s+active`,
		`IST101\s+Tina Taylor\s+teacher\s+active`,
		`vt-u-10001\s+john\.smith@example\.edu\.au\s+John Smith\s+Australia/Sydney`,
		// results from the platform's own first-activity and progress records
		`3001\s+John Smith\s+IST101\s+Competent \(20\)\s+20 Mar 2026\s+LMS commencement: 2026-02-03`,
		`3003\s+Bob Brown\s+IST101\s+Continuing \(70\)`,
	})
	assert.NotContains(t, got, vettraktest.DefaultCredentials().Password)
}

// Kept in a file, the platform's data outlives the process: a second run
// changes nothing in it.
func TestSecondRunOnTheSameFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lms.db")
	require.NoError(t, run(t.Context(), &bytes.Buffer{}, []string{"-db", db}))
	got := demotest.Story(t, run, "-db", db)
	assert.Contains(t, got, `already holds course IST101 (SIS ID "vt-unit-IST101")`)
	assert.NotContains(t, got, "create_user")
	assert.NotContains(t, got, "create_group")
	assert.NotContains(t, got, "LMS: created")
	assert.Regexp(t, `IST101\s+Term 1\s+John Smith\s+active`, got)
}

func TestBadArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"-nope"}))
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"-db", filepath.Join(t.TempDir(), "missing", "dir", "lms.db")}))
}
