package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

func TestScopedRules(t *testing.T) {
	got := demotest.Story(t, run)
	demotest.Tells(t, got, []string{
		"Reporting again writes 0 results: each is written once.",
		"ok   Result rules: 2 provider-wide rule(s) and 2 scope(s) match VETtrak's result types.",
	}, []string{
		// the configuration shows each scope in words
		`scope short-courses\s+programme code "INDUCT": completed@1: all_assessments_passed → Satisfactorily Completed \(81\)`,
		`scope term2-pass-mark\s+occurrence \d+: pass mark 80%`,
		// each learner gets the result its scope says, and the plan says which scope decided it
		`Mia Nguyen\s+BSBLDR411\s+Competent \(20\)\s+all-passed@1\s+\(provider-wide\)`,
		`Olivia Singh\s+BSBLDR411\s+Continuing \(70\)\s+first-activity@1\s+term2-pass-mark`,
		`Jack Taylor\s+BSBLDR411\s+Competent \(20\)\s+all-passed@1\s+term2-pass-mark`,
		`Zara Ahmed\s+INDUCT01\s+Satisfactorily Completed \(81\)\s+short-courses/completed@1\s+short-courses`,
		// and VETtrak holds exactly that
		`Mia Nguyen\s+BSBLDR411\s+Competent \(20\)`,
		`Olivia Singh\s+BSBLDR411\s+Continuing \(70\)`,
		`Zara Ahmed\s+INDUCT01\s+Satisfactorily Completed \(81\)`,
		`Leo Rossi\s+INDUCT01\s+\(none yet\)`,
		`VETtrak: 5 results written`,
	})
}

func TestScopedRejectsArguments(t *testing.T) {
	assert.Error(t, run(t.Context(), &bytes.Buffer{}, []string{"extra"}))
}

func TestScopedConfigIsValid(t *testing.T) {
	s, err := dataset()
	require.NoError(t, err)
	require.NoError(t, config(s).Results.ValidateRules())
}
