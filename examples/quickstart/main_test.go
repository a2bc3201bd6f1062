package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/examples/internal/demotest"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The quickstart tells its whole story and exits cleanly; the lines a
// newcomer relies on are all there.
func TestQuickstart(t *testing.T) {
	got := demotest.Story(t, run)
	demotest.Tells(t, got, []string{
		// the data and the connection test
		`learners: John Smith, Julie Nguyen`,
		`learners: Bob Brown, Barbara Jones`,
		`ok   Connected to VETtrak`,
		`ok   connected to http://127.0.0.1:`,
		// the plan, as a table with reasons
		`made by hand: adopt it by giving it a SIS ID`,
		`create_group     group "Term 1" of IST101`,
		`add_member       Barbara Jones in group "Term 2" of IST101`,
		`25 operations: 4 add_member, 2 create_group, 6 create_user, 6 enrol, 4 mark_enrolment, 2 mark_occurrence, 1 update_course.`,
		// progress and the report
		`applied 25/25`,
		`LMS: created 2 groups, 6 users, 6 enrolments, 4 memberships; updated 1 course.`,
		// the second run
		`Second run: 0 operations, 0 LMS changes, 0 VETtrak writes.`,
		// results, once
		`VETtrak: 2 results written, 2 comments written`,
		`Reporting again writes 0 results`,
	}, []string{
		// what landed on each side
		`group "Term 1"\s+John Smith, Julie Nguyen`,
		`group "Term 2"\s+Barbara Jones, Bob Brown`,
		`John Smith\s+john\.smith@example\.edu\.au\s+vt-u-10001\s+Australia/Sydney`,
		`3001\s+John Smith\s+IST101\s+Competent \(20\)\s+20 Mar 2026\s+LMS commencement: 2026-02-03`,
		`3003\s+Bob Brown\s+IST101\s+Continuing \(70\)`,
		`3002\s+Julie Nguyen\s+IST101\s+\(none yet\)`,
	})
	assert.NotContains(t, got, vettraktest.DefaultCredentials().Password, "the VETtrak password never prints")
	assert.NotContains(t, got, "fake~", "the Canvas token never prints")
	assert.NotContains(t, got, "Failures: 1")
}

func TestQuickstartJSON(t *testing.T) {
	assert.Contains(t, demotest.Story(t, run, "-json"), `"workflow": "occurrence_groups"`)
}

func TestQuickstartBadFlag(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"-nope"}))
}

// A cancelled context stops the story with an error, not a panic.
func TestQuickstartCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.Error(t, run(ctx, &bytes.Buffer{}, nil))
}
