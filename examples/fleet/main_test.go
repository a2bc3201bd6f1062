package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet/pgtemp/pgtemptest"
)

// The demo runs end to end on a throwaway cluster: every provider's first
// run creates, its second changes nothing.
func TestDemo(t *testing.T) {
	pgtemptest.Require(t)
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, []string{"-providers", "3", "-workers", "2", "-latency", "0"}), out.String())
	text := out.String()
	for _, want := range []string{"Round 1: 3 providers", "Round 2: 3 providers", "rto-001", "rto-002", "rto-003",
		"occurrence_groups", "unit"} {
		assert.Contains(t, text, want)
	}
	var rows int
	for line := range strings.Lines(text) {
		if strings.HasPrefix(line, "rto-") {
			rows++
			assert.Contains(t, line, "succeeded", line)
		}
	}
	assert.Equal(t, 6, rows, "two runs per provider:\n%s", text)
	assert.NotContains(t, text, "password")
}

func TestFlags(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"-providers", "0"}, {"-workers", "0"}, {"-rounds", "0"}, {"-nope"}} {
		assert.Error(t, run(t.Context(), &out, args), "%v", args)
	}
}
