package mapping

import (
	"strconv"
	"testing"
)

// BenchmarkStructureBySize maps providers of the benchmark's three learner
// counts (examples/bench small, medium, large) in the unit and course
// workflows, so time and allocations per learner can be read off as the
// provider grows (they should stay flat: no quadratic step).
//
//	go test ./mapping -run '^$' -bench BenchmarkStructureBySize -benchmem
func BenchmarkStructureBySize(b *testing.B) {
	for _, learners := range []int{100, 400, 20000} {
		p := defaultGen(42, learners)
		snap := genSnapshot(p)
		existing := existingFor(p)
		for _, w := range []Workflow{WorkflowUnit, WorkflowCourse} {
			b.Run(string(w)+"/learners="+strconv.Itoa(learners), func(b *testing.B) {
				cfg := genConfig(w)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Structure(cfg, snap, existing); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(learners), "ns/learner")
			})
		}
	}
}
