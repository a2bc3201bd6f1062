package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The bulk path's time target holds the run to the VETtrak reads at the
// fake's latency on the Syncer's workers plus the import's own time, and
// says when it cannot judge.
func TestBulkTimeTarget(t *testing.T) {
	run := func(seconds, apply float64) scenarioResult {
		return scenarioResult{Name: scBulk, Seconds: seconds, ApplySeconds: apply,
			VETtrak: side{Bound: bound{Reads: 400}}} // 400 calls × 25 ms / 4 workers = 2.5 s
	}
	for _, tt := range []struct {
		name    string
		sc      scenarioResult
		latency float64
		want    string
	}{
		{"reads and import only", run(4.5, 2), 25, statusMet},
		{"just within 1.2×", run(5.3, 2), 25, statusMet},
		{"reads done one at a time", run(12, 2), 25, statusNotMet},
		{"no apply time", run(4.5, 0), 25, statusNotEval},
		{"no latency", run(4.5, 2), 0, statusNotEval},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &report{Settings: settings{LatencyMS: tt.latency, Concurrency: 4},
				Sizes: []sizeResult{{Name: "small", Scenarios: []scenarioResult{tt.sc}}}}
			got := r.bulkTime()
			assert.Equal(t, tt.want, got.Status, got.Detail)
		})
	}
	assert.Equal(t, statusNotEval, (&report{}).bulkTime().Status, "initial-bulk not run")
}
