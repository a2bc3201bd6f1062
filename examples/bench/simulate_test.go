package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var simulate = flag.String("simulate", "", "run the benchmark with these flags in simulated time (TestSimulated)")

// TestSimulated runs the benchmark with the flags of -simulate on one
// virtual clock (simulate.go), from the module root so output paths are
// the same as go run's:
//
//	go test ./examples/bench -run '^TestSimulated$' -count=1 -timeout 0 -args -simulate='-sizes medium -md docs/bench/simulated.md'
//
// Without -simulate it runs the small size's scenarios up to result
// passback throttled at a cost of 2 a request (so the initial sync's calls
// overflow the bucket's high water): its simulated time must be at least
// what the bucket allows, with no throttled answer, and passback (whose
// fresh reads once held a sync.Once no bubble can wait on) must write
// every graded result.
func TestSimulated(t *testing.T) {
	args := strings.Fields(*simulate)
	check := len(args) == 0
	if check {
		args = []string{"-sizes", "small", "-scenarios", scInitial + "," + scResults, "-throttle-cost", "2", "-progress", "0", "-json", filepath.Join(t.TempDir(), "sim.json")}
	} else {
		t.Chdir("../..")
	}
	var out bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		require.NoError(t, runWith(t.Context(), &out, os.Stderr, args, true))
	})
	if !check {
		os.Stdout.Write(out.Bytes())
		return
	}
	raw, err := os.ReadFile(args[len(args)-1])
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(raw, &rep))
	require.Len(t, rep.Sizes, 1)
	require.Len(t, rep.Sizes[0].Scenarios, 2)
	sc := rep.Sizes[0].Scenarios[0]
	assert.Zero(t, sc.Failures, sc.FailureSamples)
	assert.Zero(t, sc.Throttled, "the SDK's pacing keeps off the throttle")
	assert.Positive(t, sc.ThrottleSeconds)
	assert.GreaterOrEqual(t, sc.Seconds, sc.ThrottleSeconds, "simulated time at least what the bucket allows")
	res := rep.Sizes[0].Scenarios[1]
	assert.Equal(t, scResults, res.Name)
	assert.Zero(t, res.Failures, res.FailureSamples)
	assert.Empty(t, res.RunError)
	assert.Positive(t, res.ResultsWritten)
	assert.Equal(t, res.VETtrak.Bound.Writes, res.VETtrak.Measured.Writes, "every graded unit's result and comment written")
	assert.Contains(t, rep.Commands[0], "-run '^TestSimulated$'")
	assert.True(t, rep.Settings.Simulated)
	assert.NotContains(t, rep.Generated, "2000-01-01", "the machine's date, not the bubble's")
}
