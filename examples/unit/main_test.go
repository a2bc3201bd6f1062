package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestUnitWorkflow(t *testing.T) {
	got := demotest.Story(t, run)
	demotest.Tells(t, got, []string{
		"sections         one per trainer: <course>-trn-<staff code>",
		"any-failed@1: all_graded_any_failed → Not Yet Competent (30)",
		// one unit fails, the other goes on, the next run finishes the job
		"41 operations: 2 create_course, 4 create_section, 9 create_user, 26 enrol.",
		"Failures: 1.",
		`failed create_course:vt-unit-BSBLDR411: canvaslms: CreateCourse: course "vt-unit-BSBLDR411": canvas: POST`,
		"500 Internal Server Error",
		"16 operations: 1 create_course, 2 create_section, 13 enrol.",
		"Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.",
		"Reporting again writes 0 results",
	}, []string{
		// trainer sections: a staff link covers the whole occurrence, so
		// Priya (both terms) and Sam (Term 1) each have a section in both units
		`section "Priya Patel"\s+Aisha Khan, Ben O'Connor, Chloé Martin, Dinh Tran, Ella Roberts, Farid Haddad, Priya Patel \(teacher\)`,
		`section "Sam Wilson"\s+Aisha Khan, Ben O'Connor, Chloé Martin, Dinh Tran, Sam Wilson \(teacher\)`,
		`staff \(whole course\):\s+Alex Chen \(teacher\)`,
		// results: all passed, one failed, started only
		`Aisha Khan\s+BSBLDR411\s+Competent \(20\)\s+27 Mar 2026`,
		`Aisha Khan\s+BSBTWK401\s+Competent \(20\)\s+2 Apr 2026`,
		`Chloé Martin\s+BSBLDR411\s+Not Yet Competent \(30\)\s+30 Mar 2026`,
		`Ben O'Connor\s+BSBLDR411\s+Continuing \(70\)`,
		`Ella Roberts\s+BSBLDR411\s+\(none yet\)`,
		`VETtrak: \d+ results written`,
	})
	assert.Equal(t, 1, strings.Count(got, "failed create_course"), "exactly one unit failed")
}

func TestUnitRejectsArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}

func TestDataset(t *testing.T) {
	d, err := dataset()
	require.NoError(t, err)
	c := d.Counts()
	assert.Equal(t, 2, c.Occurrences)
	assert.Equal(t, 6, c.Enrolments)
}
