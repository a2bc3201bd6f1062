package mapping

import (
	"testing"
	"time"
)

// The benchmark snapshot: 20,000 learners with 3 enrolled units each
// (60,000 enrolled units) in 800 occurrences.
func benchSnapshot() (genParams, Snapshot) {
	p := defaultGen(42, 20000)
	return p, genSnapshot(p)
}

func BenchmarkStructure(b *testing.B) {
	p, snap := benchSnapshot()
	existing := existingFor(p)
	for _, w := range Workflows() {
		b.Run(string(w), func(b *testing.B) {
			cfg := genConfig(w)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Structure(cfg, snap, existing); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkResults(b *testing.B) {
	p, snap := benchSnapshot()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, syd)
	for _, w := range []Workflow{WorkflowUnit, WorkflowModule, WorkflowOccurrenceGroups} {
		b.Run(string(w), func(b *testing.B) {
			cfg := genConfig(w)
			d, err := Structure(cfg, snap, existingFor(p))
			if err != nil {
				b.Fatal(err)
			}
			in := ResultInput{Snapshot: snap, Desired: d, Evidence: genEvidence(5, d, now), ResultTypes: resultTypes(), Now: now}
			rc := DefaultResultConfig(w, syd)
			b.ReportAllocs()
			for b.Loop() {
				Results(cfg, rc, in)
			}
		})
	}
}
