package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestCourseWorkflow(t *testing.T) {
	demotest.Tells(t, demotest.Story(t, run), []string{
		"course SIS IDs   vt-occ-<occurrence ID>",
		"18 operations: 2 create_course, 7 create_user, 9 enrol.",
		// the withdrawal changes exactly one enrolment, to inactive
		"1 operations: 1 unenrol.",
		"Zoe Baker as student in course FA-0418  VETtrak says withdrawn → inactive",
		"LMS: removed 1 enrolment.",
		"Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.",
	}, []string{
		`Course FA-0314 "First Aid, Sat 14 March, Sydney" \(SIS ID vt-occ-\d+\)\n\s+runs 14 Mar 2026 to 14 Mar 2026`,
		`students \(no section\): Adam Fox\n`, // Zoe is no longer active
		`Wendy Price\s+HLTAID011\s+Competent \(20\)\s+14 Mar 2026`,
		`Yasmin Ali\s+HLTAID011\s+Continuing \(70\)`,
		`Zoe Baker\s+HLTAID011\s+\(none yet\)`,
		`VETtrak: \d+ results written`,
	})
}

func TestCourseRejectsArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}
