package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestGroupsWorkflow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		terms string
	}{
		{"groups", nil, `4 groups \(category "VETtrak occurrences"\) and 0 sections carry SIS IDs`},
		{"sections", []string{"-sections"}, `0 groups \(category "VETtrak occurrences"\) and 4 sections carry SIS IDs`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			demotest.Tells(t, demotest.Story(t, run, tc.args...), []string{
				"create courses   no",
				`made by hand: adopt it by giving it a SIS ID`,
				`no LMS course has code IST103 and course creation is off`,
				// a programme occurrence gets a group in each unit's course
				`create_group     group "Winter intensive" of IST101`,
				`create_group     group "Winter intensive" of IST102`,
				"LMS: created 4 groups, 7 users, 9 enrolments, 6 memberships; updated 2 courses.",
				// the late enrolment adds exactly one learner
				"6 operations: 2 add_member, 1 create_user, 2 enrol, 1 mark_enrolment.",
				"Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.",
				"Reporting again writes 0 results",
			}, []string{
				`VETtrak occurrence IST101-1\s+flagged as in the LMS`,
				`VETtrak occurrence ISTSS-W\s+flagged as in the LMS`,
				`group "Term 1"\s+John Smith, Julie Nguyen`,
				`group "Winter intensive"\s+Carla Diaz, Dev Sharma`,
				`3001\s+John Smith\s+IST101\s+Competent \(20\)\s+20 Mar 2026\s+LMS commencement: 2026-02-03`,
				`Carla Diaz\s+IST101\s+Competent \(20\)\s+8 Jul 2026`,
				`Carla Diaz\s+IST102\s+Continuing \(70\)`,
				`Barbara Jones\s+IST101\s+Continuing \(70\)`,
				`Erin Cole\s+IST103\s+\(none yet\)`,
				tc.terms,
			})
		})
	}
}

func TestGroupsBadFlag(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"-nope"}))
}
