package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestModuleWorkflow(t *testing.T) {
	demotest.Tells(t, demotest.Story(t, run), []string{
		"course SIS IDs   vt-prog-<programme ID>",
		"19 operations: 1 create_course, 2 create_section, 8 create_user, 8 enrol.",
		"Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.",
		`warning: assessment "Welcome survey" assesses no unit of this course`,
		"Reporting again writes 0 results",
	}, []string{
		// one course, a section per occurrence, the assessor over both
		`Course BSB51918 "Diploma of Leadership and Management" \(SIS ID vt-prog-\d+\)`,
		`section "Online intake, March 2026"\s+Grace Lee \(teacher\), Hannah Wright, Isaac Brown, Jade Wilson`,
		`section "Evening class, Term 2"\s+Kai Thompson, Liam Murphy, Tom Nguyen \(teacher\)`,
		// titles bind assessments to units
		`Case Study \(BSBLDR501\)\s+BSBLDR501\s+title`,
		`Welcome survey\s+\(none\)\s+-`,
		// two assessments of one unit together decide its result
		`Hannah Wright\s+BSBLDR501\s+Competent \(20\)\s+2 Apr 2026`,
		`Hannah Wright\s+BSBLDR502\s+Competent \(20\)\s+15 May 2026`,
		`Isaac Brown\s+BSBLDR501\s+Continuing \(70\)`, // case study outstanding
		`Kai Thompson\s+BSBLDR501\s+Competent \(20\)\s+1 Jun 2026`,
		`Jade Wilson\s+BSBLDR501\s+\(none yet\)`,
		`VETtrak: \d+ results written`,
	})
}

func TestModuleRejectsArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}
