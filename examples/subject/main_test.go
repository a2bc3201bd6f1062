package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestSubjectWorkflow(t *testing.T) {
	demotest.Tells(t, demotest.Story(t, run), []string{
		"course SIS IDs   vt-subj-<subject code>",
		"27 operations: 2 create_course, 4 create_section, 7 create_user, 14 enrol.",
		// the late enrolment adds exactly one learner
		"3 operations: 1 create_user, 2 enrol.",
		`Tessa Ng as student in section "Semester 1, evening class" of ACCT102`,
		"Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.",
	}, []string{
		`Course ACCT101 "Bookkeeping Fundamentals" \(SIS ID vt-subj-ACCT101\)`,
		`section "Semester 1, evening class"\s+Noah Davis \(teacher\), Ruby Scott, Sean Kelly, Tessa Ng`,
		`Olivia Evans\s+ACCT101\s+Competent \(20\)\s+22 May 2026`,
		`Peter Hughes\s+ACCT102\s+Competent \(20\)\s+12 Jun 2026`,
		`Tessa Ng\s+ACCT101\s+Continuing \(70\)`,
		`VETtrak: \d+ results written`,
	})
}

func TestSubjectRejectsArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}
