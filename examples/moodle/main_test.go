package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The walkthrough converges on Moodle: the first run adopts the course and
// builds the groups, the second writes nothing, and completion in Moodle
// becomes results in VETtrak.
func TestMoodleWalkthrough(t *testing.T) {
	got := demotest.Story(t, run)
	demotest.Tells(t, got, []string{
		`ok   Connected to VETtrak`,
		`ok   connected to "Fake Moodle" (Moodle 4.5.5+`,
		`the token's service holds the 20 functions the sync calls`,
		`made by hand: adopt it by giving it a SIS ID`,
		`25 operations: 4 add_member, 2 create_group, 6 create_user, 6 enrol, 4 mark_enrolment, 2 mark_occurrence, 1 update_course.`,
		`LMS: created 2 groups, 6 users, 6 enrolments, 4 memberships; updated 1 course.`,
		`Second run: 0 operations, 0 Moodle writes.`,
		`VETtrak: 2 results written, 2 comments written`,
	}, []string{
		`3001\s+John Smith\s+IST101\s+Competent \(20\)\s+20 Mar 2026\s+LMS commencement: 2026-02-03`,
		`3003\s+Bob Brown\s+IST101\s+Continuing \(70\)\s+3 Jul 2026\s+LMS commencement: 2026-04-28`,
		`3002\s+Julie Nguyen\s+IST101\s+\(none yet\)`,
		`group "Term 1"\s+\[vt-u-10001 vt-u-10002\]`,
		`group "Term 2"\s+\[vt-u-10003 vt-u-10004\]`,
	})
	assert.NotContains(t, got, vettraktest.DefaultCredentials().Password, "the VETtrak password never prints")
	assert.NotContains(t, got, "Failures: 1")
}

func TestMoodleBadArgs(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}

func TestMoodleCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.Error(t, run(ctx, &bytes.Buffer{}, nil))
}
