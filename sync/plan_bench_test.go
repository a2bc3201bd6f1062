package sync_test

import (
	"context"
	"testing"
	"time"

	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// benchSizes are examples/bench's small and medium providers.
var benchSizes = []struct {
	name string
	spec vettraktest.GenSpec
}{
	{"small", vettraktest.GenSpec{Seed: 1, Occurrences: 10, Units: 5, Learners: 100, EnrolledUnits: 300, Staff: 5}},
	{"medium", vettraktest.GenSpec{Seed: 1, Occurrences: 40, Units: 20, Learners: 400, EnrolledUnits: 1200, Staff: 10}},
}

// BenchmarkPlan plans a structure run on the fake VETtrak (no latency) and
// the in-memory LMS: "initial" into an empty LMS, "noop" after a run that
// wrote everything. Allocations include the fake's and the HTTP stack's:
// compare runs of the same code, not with mapping's benchmarks.
//
//	go test ./sync -run '^$' -bench BenchmarkPlan -benchmem
func BenchmarkPlan(b *testing.B) {
	for _, sz := range benchSizes {
		for _, phase := range []string{"initial", "noop"} {
			b.Run(sz.name+"/"+phase, func(b *testing.B) {
				api, clock := benchSource(b, sz.spec)
				s, err := vtsync.New(api, memlms.New(), benchConfig(), vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				if phase == "noop" {
					if _, err := s.Run(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Plan(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchSource is the fake VETtrak (no latency) holding spec's generated
// provider, the SDK client on it and the clock both share.
func benchSource(b testing.TB, spec vettraktest.GenSpec) (*vettrak.Client, *vettraktest.Clock) {
	b.Helper()
	data, err := vettraktest.Generate(spec)
	if err != nil {
		b.Fatal(err)
	}
	clock := vettraktest.NewClock(time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC))
	vt := vettraktest.NewServer(vettraktest.WithDataset(data), vettraktest.WithClock(clock.Now))
	b.Cleanup(vt.Close)
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithClock(clock.Now))
	if err != nil {
		b.Fatal(err)
	}
	return api, clock
}

// benchConfig is a structure run of the unit workflow over every
// generated occurrence.
func benchConfig() vtsync.Config {
	cfg := vtsync.DefaultConfig(mapping.WorkflowUnit)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}
	cfg.SkipResults = true
	return cfg
}
