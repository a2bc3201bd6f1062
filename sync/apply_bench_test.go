package sync_test

import (
	"context"
	"testing"

	"github.com/vtsync/vtsync/lms/memlms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
)

// BenchmarkApply applies the initial sync's plan (every course, section,
// user and enrolment created) into an empty in-memory LMS at the
// benchmark's small and medium sizes, one write at a time ("rest") and as
// one bulk write ("bulk", Config.Bulk.Threshold 1). Planning is outside
// the timer: each iteration plans afresh for a new LMS and store, then
// times Apply alone, so time and allocations are the apply path's (the
// Syncer's settling, ledger and store writes, and memlms's own).
//
//	go test ./sync -run '^$' -bench BenchmarkApply -benchmem
func BenchmarkApply(b *testing.B) {
	for _, sz := range benchSizes {
		api, clock := benchSource(b, sz.spec)
		for _, path := range []string{"rest", "bulk"} {
			b.Run(sz.name+"/"+path, func(b *testing.B) {
				cfg := benchConfig()
				cfg.Bulk = vtsync.Bulk{Off: path == "rest", Threshold: 1}
				ctx := context.Background()
				b.ReportAllocs()
				writes := 0
				for b.Loop() {
					b.StopTimer()
					dst := memlms.New()
					s, err := vtsync.New(api, dst, cfg, vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
					if err != nil {
						b.Fatal(err)
					}
					p, err := s.Plan(ctx)
					if err != nil {
						b.Fatal(err)
					}
					writes = len(p.Ops)
					b.StartTimer()
					rep, err := s.Apply(ctx, p)
					if err != nil {
						b.Fatal(err)
					}
					if len(rep.Failures) > 0 {
						b.Fatalf("%d failures, first %s: %s", len(rep.Failures), rep.Failures[0].Key, rep.Failures[0].Error)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(writes, 1)), "ns/write")
			})
		}
	}
}
