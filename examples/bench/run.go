package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/vtsync/vtsync/canvas/canvastest"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// sizeResult is everything measured at one size.
type sizeResult struct {
	Name   string              `json:"name"`
	Spec   vettraktest.GenSpec `json:"spec"`
	Counts vettraktest.Counts  `json:"counts"`
	// DatasetHeap is the live heap of the generated VETtrak dataset (held by
	// the fake, not the SDK).
	DatasetHeap int64            `json:"dataset_heap_bytes"`
	Scenarios   []scenarioResult `json:"scenarios"`
}

// scenarioResult is one scenario at one size.
type scenarioResult struct {
	Name   string `json:"name"`
	Change string `json:"change"`

	// Seconds is wall time, or simulated time in a simulated run (the
	// virtual clock: latency and throttle waits, computation as zero);
	// RealSeconds is how long the run really took either way.
	Seconds     float64 `json:"seconds"`
	RealSeconds float64 `json:"real_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// CPUShare is process CPU time over wall time. The fakes run in this
	// process, so the SDK's own share is smaller.
	CPUShare float64 `json:"cpu_share"`

	// Heap: BaseHeap is the live heap before the run (the fakes' data, the
	// Syncer's store, everything earlier scenarios left), PeakHeap the
	// highest heap seen during it, RetainedHeap the live heap after it.
	// PeakHeap - BaseHeap is what the run needed on top; RetainedHeap -
	// BaseHeap is mostly the fake Canvas's new records and the store.
	// PeakLiveHeap is the highest live heap a collection marked during
	// it (PeakHeap also counts garbage not yet swept: up to twice as much
	// with GOGC=100).
	BaseHeap     int64 `json:"base_heap_bytes"`
	PeakHeap     int64 `json:"peak_heap_bytes"`
	PeakLiveHeap int64 `json:"peak_live_heap_bytes"`
	RetainedHeap int64 `json:"retained_heap_bytes"`

	VETtrak side `json:"vettrak"`
	Canvas  side `json:"canvas"`

	// Throttled counts 403/429 "Rate Limit Exceeded" answers the canvas
	// client saw (each retried); PacedWaits the waits its pacing imposed
	// to avoid them.
	Throttled    int64   `json:"throttled"`
	PacedWaits   int64   `json:"paced_waits"`
	PacedSeconds float64 `json:"paced_seconds"`
	// ThrottleSeconds is the time Canvas's throttle itself allows for the
	// Canvas calls made: calls × cost / outflow (0 with the throttle off).
	ThrottleSeconds float64 `json:"throttle_seconds"`

	// ApplySeconds is the part of Seconds from the Syncer's last plan
	// progress event (planning done) to the end of the run: the writes (for initial-bulk,
	// the SIS import's upload, processing and status polls). It is timed
	// here, on the same clock as Seconds, because the Syncer's own
	// Report.PhaseSeconds follow the scenario clock, which stands still
	// during a run.
	ApplySeconds float64 `json:"apply_seconds"`

	Planned         int            `json:"planned"`
	Created         map[string]int `json:"created,omitempty"`
	Updated         map[string]int `json:"updated,omitempty"`
	Removed         map[string]int `json:"removed,omitempty"`
	ResultsWritten  int            `json:"results_written"`
	CommentsWritten int            `json:"comments_written"`
	Conflicts       int            `json:"conflicts"`
	Failures        int            `json:"failures"`
	FailureSamples  []string       `json:"failure_samples,omitempty"`
	RunError        string         `json:"run_error,omitempty"`

	Baselines []baseline `json:"baselines,omitempty"`
	// Bulk is what the SIS import did (initial-bulk only).
	Bulk *bulkOutcome `json:"bulk,omitempty"`
}

// Calls is both sides' calls.
func (r scenarioResult) Calls() int64 { return r.VETtrak.Measured.Calls + r.Canvas.Measured.Calls }

// Bound is both sides' lower bound.
func (r scenarioResult) Bound() int64 { return r.VETtrak.Bound.Calls() + r.Canvas.Bound.Calls() }

// side is one API's measured calls beside its lower bound.
type side struct {
	Measured calls `json:"measured"`
	// Bound is the cheapest documented path's; REST the REST path's, which
	// Excess compares endpoint by endpoint (the SDK's Apply is REST).
	Bound  bound    `json:"lower_bound"`
	REST   bound    `json:"rest_path_bound"`
	Excess []excess `json:"by_endpoint"`
}

// excess compares one endpoint's calls with its share of the bound.
type excess struct {
	Endpoint string `json:"endpoint"`
	Measured int64  `json:"measured"`
	Bound    int64  `json:"lower_bound"`
	Excess   int64  `json:"excess"`
}

func compare(m calls, b, rest bound) side {
	s := side{Measured: m, Bound: b, REST: rest}
	want := rest.byEndpoint()
	seen := map[string]bool{}
	for ep, n := range m.ByOp {
		seen[ep] = true
		s.Excess = append(s.Excess, excess{Endpoint: ep, Measured: n, Bound: want[ep], Excess: n - want[ep]})
	}
	for ep, n := range want {
		if !seen[ep] {
			s.Excess = append(s.Excess, excess{Endpoint: ep, Bound: n, Excess: -n})
		}
	}
	slices.SortFunc(s.Excess, func(a, b excess) int {
		return cmp.Or(cmp.Compare(b.Excess, a.Excess), cmp.Compare(a.Endpoint, b.Endpoint))
	})
	return s
}

// runSize runs the selected scenarios on a fresh world of one size. The
// scenarios before the last selected one always run (each builds on the
// one before) but only selected ones are reported.
func runSize(ctx context.Context, o *options, sz size, log io.Writer) (*sizeResult, error) {
	w, err := newWorld(o, sz, false)
	if err != nil {
		return nil, err
	}
	defer func() { w.close() }()
	res := &sizeResult{Name: sz.Name, Spec: sz.Spec, Counts: w.data.Counts(), DatasetHeap: w.datasetHeap}
	last := -1
	for i, name := range chain() {
		if slices.Contains(o.scenarios, name) {
			last = i
		}
	}
	for _, name := range chain()[:last+1] {
		if err := step(ctx, o, w, name, res, log); err != nil {
			return res, err
		}
	}
	if !slices.Contains(o.scenarios, scBulk) {
		return res, nil
	}
	// The bulk load starts from an empty Canvas: a world of its own. The
	// first world is closed and dropped first, so its data is not in the
	// bulk run's heap (a deferred w.close() would have kept it reachable).
	w.close()
	w = nil
	if w, err = newWorld(o, sz, true); err != nil {
		return res, err
	}
	if err := step(ctx, o, w, scBulk, res, log); err != nil {
		return res, err
	}
	return res, nil
}

// step measures one scenario and adds it to res when it was asked for.
func step(ctx context.Context, o *options, w *world, name string, res *sizeResult, log io.Writer) error {
	bname := name
	if name == scCrowded {
		bname = scNoop // the same work: none
	}
	if name == scBulk {
		bname = scInitial
	}
	r, err := measure(ctx, o, w, scenariosByName()[name], bname)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", w.size.Name, name, err)
	}
	if name == scBulk && w.bulk != nil {
		// What a plan still finds after the import, unmeasured.
		if p, err := w.sync.Plan(ctx); err == nil {
			w.bulk.Left = len(p.Ops)
		}
		w.bulk.Rest = r.Canvas.Measured.Writes - int64(w.bulk.Imports)
		r.Bulk = w.bulk
	}
	if slices.Contains(o.scenarios, name) {
		res.Scenarios = append(res.Scenarios, r.scenarioResult)
	}
	fmt.Fprintf(log, "  %-7s %-12s %7d calls (lower bound %d) %8.1fs\n", w.size.Name, name, r.Calls(), r.Bound(), r.Seconds)
	return ctx.Err()
}

type measured struct {
	scenarioResult
}

// measure prepares a scenario and counts the baselines of its work (bname
// names it), unmeasured, then runs it with the meters, clocks and heap
// sampler around it. What the preparation alone needed (the previous
// desired state, the VETtrak snapshot the bounds were counted from) is no
// longer reachable then, so the run's heap holds one desired state of the
// benchmark's beside the SDK's.
func measure(ctx context.Context, o *options, w *world, sc scenario, bname string) (*measured, error) {
	before := w.desired
	p, err := sc.prepare(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	bl := baselines(bname, p, before)
	// The benchmark counts calls with the SDK clients' meters; the fakes'
	// own logs of earlier scenarios' requests (up to 100,000 each) are
	// not part of what this run needs, so they are dropped first.
	w.cv.ResetCalls()
	w.vt.ResetCalls()
	vt0, cv0, rl0 := w.api.Stats(), w.cc.Stats(), w.cc.RateLimit()
	base := liveHeap()
	heap := startHeapSampler(o.heapEvery, o.memProfile, w.size.Name+"/"+sc.name)
	w.phases.reset()
	cpu0, t0, r0 := cpuTime(), time.Now(), realNow()

	rep, runErr := sc.run(ctx, w)

	wall, cpu, real := time.Since(t0), cpuTime()-cpu0, realNow().Sub(r0)
	var applySeconds float64
	// The plan's last event ("planned") is where applying starts.
	if at, ok := w.phases.last(vtsync.PhasePlan); ok {
		applySeconds = t0.Add(wall).Sub(at).Seconds()
	}
	peak, peakLive := heap.Stop()
	retained := liveHeap()
	vt1, cv1, rl1 := w.api.Stats(), w.cc.Stats(), w.cc.RateLimit()

	r := scenarioResult{
		Name: sc.name, Change: p.change,
		Seconds: wall.Seconds(), ApplySeconds: applySeconds, RealSeconds: real.Seconds(), CPUSeconds: cpu.Seconds(), CPUShare: cpu.Seconds() / max(real.Seconds(), 1e-9),
		BaseHeap: base, PeakHeap: peak, PeakLiveHeap: peakLive, RetainedHeap: retained,
		VETtrak:   compare(since(vt0, vt1), p.vettrak, p.vettrak),
		Canvas:    compare(since(cv0, cv1), p.canvas, p.canvasREST),
		Throttled: rl1.Throttled - rl0.Throttled, PacedWaits: rl1.PacedWaits - rl0.PacedWaits,
		PacedSeconds: (rl1.PacedFor - rl0.PacedFor).Seconds(),
	}
	if w.throttle != nil {
		r.ThrottleSeconds = throttleSeconds(*w.throttle, r.Canvas.Measured.Calls)
	}
	if runErr != nil {
		r.RunError = runErr.Error()
	}
	if rep != nil {
		r.Planned, r.Created, r.Updated, r.Removed = rep.Planned, nonZero(rep.Created), nonZero(rep.Updated), nonZero(rep.Removed)
		r.ResultsWritten, r.CommentsWritten, r.Conflicts = rep.ResultsWritten, rep.CommentsWritten, len(rep.Conflicts)
		r.Failures = len(rep.Failures)
		for _, f := range rep.Failures[:min(len(rep.Failures), 5)] {
			r.FailureSamples = append(r.FailureSamples, f.Key+": "+f.Error)
		}
	}
	r.Baselines = bl
	return &measured{scenarioResult: r}, nil
}

func nonZero[K ~string](m map[K]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[string(k)] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// throttleSeconds is the time Canvas's bucket needs to let calls through:
// it starts empty and refuses requests once it holds HighWater, draining
// Outflow a second, so the first HighWater units are free and the rest
// pass at the leak rate.
func throttleSeconds(t canvastest.Throttle, calls int64) float64 {
	return max(0, float64(calls)*t.Cost-t.HighWater) / t.Outflow
}
