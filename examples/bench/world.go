package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// size is one provider scale the benchmark runs at.
type size struct {
	Name string              `json:"name"`
	Spec vettraktest.GenSpec `json:"spec"`
}

// sizes are the three scales, the largest the "realistic" provider:
// 2,000 occurrences, 300 units, 20,000 learners, 60,000 enrolled units and
// 200 staff. The smaller ones keep its shape (three units per enrolment,
// ten learners per occurrence) at 1/200 and 1/50 of the volume: with
// Canvas's throttle on, ten Canvas calls a second is all a run gets once
// the bucket is full, so these two are what finishes in a few minutes.
func sizes() []size {
	return []size{
		{"small", vettraktest.GenSpec{Seed: 1, Occurrences: 10, Units: 5, Learners: 100, EnrolledUnits: 300, Staff: 5}},
		{"medium", vettraktest.GenSpec{Seed: 1, Occurrences: 40, Units: 20, Learners: 400, EnrolledUnits: 1200, Staff: 10}},
		{"large", vettraktest.GenSpec{Seed: 1, Occurrences: 2000, Units: 300, Learners: 20000, EnrolledUnits: 60000, Staff: 200}},
	}
}

// scopeFrom and scopeTo cover every generated occurrence (they start in
// 2026 and run ten weeks).
func scope() vtsync.Scope {
	syd := sydney()
	return vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, syd), To: time.Date(2027, 12, 31, 0, 0, 0, 0, syd)}
}

// start is when every benchmark world's clock starts: after every generated
// occurrence has ended, so results finishing on a grading date are never
// "after today".
func start() time.Time { return time.Date(2027, 2, 1, 9, 0, 0, 0, sydney()) }

func sydney() *time.Location {
	loc, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		return time.FixedZone("AEST", 10*3600)
	}
	return loc
}

// world is one size's fakes, the SDK clients on them and a Syncer between,
// sharing one clock so the fakes, the clients' token expiry and the
// Syncer's cursors agree on "now".
type world struct {
	size  size
	clock *vettraktest.Clock
	data  *vettraktest.Dataset
	vt    *vettraktest.Server
	cv    *canvastest.Server
	api   *vettrak.Client
	cc    *canvas.Client
	lms   *canvaslms.LMS
	cfg   vtsync.Config
	sync  *vtsync.Syncer
	// datasetHeap is the live heap the generated VETtrak dataset holds:
	// heap after generating it minus heap before, both after a GC.
	datasetHeap int64
	throttle    *canvastest.Throttle
	// desired is the LMS state the last structure run should have left.
	desired *mapping.Desired
	// interval is how far the shared clock moves between scenarios.
	interval time.Duration
	// known is the enrolments the last structure run read.
	known map[int64]bool
	// bulk is what the last bulk run's SIS import did.
	bulk *bulkOutcome
	// phases is when the running scenario's Syncer last reported each
	// phase, on the run's clock.
	phases phaseClock
}

// newWorld generates the size's dataset and starts both fakes with the
// configured latency (and Canvas's throttle), then builds the clients and
// a Syncer with the SDK's defaults for the workflow: the REST path, or
// with bulk the SDK's bulk path from the first write on.
func newWorld(o *options, sz size, bulk bool) (*world, error) {
	before := liveHeap()
	data, err := vettraktest.Generate(sz.Spec)
	if err != nil {
		return nil, fmt.Errorf("generate %s: %w", sz.Name, err)
	}
	w := &world{size: sz, data: data, clock: vettraktest.NewClock(start()), interval: o.interval}
	w.datasetHeap = max(0, liveHeap()-before)

	vtOpts := []vettraktest.Option{vettraktest.WithDataset(data), vettraktest.WithLatency(o.latency),
		vettraktest.WithClock(w.clock.Now)}
	cvOpts := []canvastest.Option{canvastest.WithLatency(o.latency), canvastest.WithClock(w.clock.Now)}
	if o.throttle {
		t := canvastest.CanvasThrottle()
		t.Cost = o.throttleCost
		w.throttle = &t
		cvOpts = append(cvOpts, canvastest.WithThrottle(t))
	}
	// The SDK's defaults on both clients: what an operator gets. A
	// simulated run swaps only the network layer (simulate.go).
	apiOpts := []vettrak.Option{vettrak.WithClock(w.clock.Now)}
	var ccOpts []canvas.Option
	vtURL, cvURL := "", ""
	if o.simulated {
		var vh http.Handler
		w.vt, vh = vettraktest.Handler(vtOpts...)
		w.cv = canvastest.New(cvOpts...)
		vtURL, cvURL = simVETtrakURL+vettraktest.Path, simCanvasURL
		apiOpts = append(apiOpts, vettrak.WithHTTPClient(&http.Client{Transport: inProcess{vh}}))
		ccOpts = append(ccOpts, canvas.WithTransport(inProcess{w.cv.Handler()}))
	} else {
		w.vt = vettraktest.NewServer(vtOpts...)
		w.cv = canvastest.NewServer(cvOpts...)
		vtURL, cvURL = w.vt.URL(), w.cv.URL()
	}
	w.api, err = vettrak.New(vtURL, w.vt.Credentials(), apiOpts...)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("vettrak client: %w", err)
	}
	switch {
	case o.canvasRate < 0:
		ccOpts = append(ccOpts, canvas.WithRateLimit(rate.Inf, 0))
	case o.canvasRate > 0:
		ccOpts = append(ccOpts, canvas.WithRateLimit(rate.Limit(o.canvasRate), max(1, int(o.canvasRate/2))))
	}
	w.cc, err = canvas.New(cvURL, w.cv.AdminToken(), ccOpts...)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("canvas client: %w", err)
	}
	// The LMS's caches age on the shared clock, as they would between
	// scheduled runs.
	w.lms, err = canvaslms.New(w.cc, canvaslms.WithClock(w.clock.Now))
	if err != nil {
		w.close()
		return nil, fmt.Errorf("canvas LMS: %w", err)
	}
	w.cfg = vtsync.DefaultConfig(o.workflow)
	w.cfg.Scope = scope()
	w.cfg.Mapping.TimeZone = o.userTimeZone
	// The scenarios measure the REST path (the Syncer's bulk path would
	// take over above vtsync.DefaultBulkThreshold writes); initial-bulk
	// measures the bulk path, on a world of its own.
	w.cfg.Bulk.Off = !bulk
	if bulk {
		w.cfg.Bulk.Threshold = bulkThreshold
	}
	// Structure runs and result passback are measured as separate
	// scenarios; a scheduled Run with results on costs both.
	w.cfg.SkipResults = true
	opts := []vtsync.Option{
		vtsync.WithStore(store.NewMemory()),
		vtsync.WithClock(w.clock.Now),
		vtsync.WithSecrets(w.vt.Credentials().Password, w.cv.AdminToken()),
		vtsync.WithLogger(slog.New(slog.DiscardHandler)),
	}
	var logProgress func(vtsync.Progress)
	if o.progressEvery > 0 && o.log != nil {
		logProgress = progressLogger(o.log, sz.Name, o.progressEvery)
	}
	opts = append(opts, vtsync.WithProgress(func(p vtsync.Progress) {
		w.phases.see(p.Phase)
		if logProgress != nil {
			logProgress(p)
		}
	}))
	if o.concurrency > 0 {
		opts = append(opts, vtsync.WithConcurrency(o.concurrency))
	}
	w.sync, err = vtsync.New(w.api, w.lms, w.cfg, opts...)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("syncer: %w", err)
	}
	return w, nil
}

func (w *world) close() {
	if w == nil {
		return
	}
	if w.cv != nil {
		w.cv.Close()
	}
	if w.vt != nil {
		w.vt.Close()
	}
}

// workflowOf parses the -workflow flag.
func workflowOf(name string) (mapping.Workflow, error) {
	for _, w := range mapping.Workflows() {
		if string(w) == name {
			return w, nil
		}
	}
	return "", fmt.Errorf("unknown workflow %q (want one of %v)", name, mapping.Workflows())
}

// liveHeap is the heap still reachable after a full collection. Two
// collections: the first may run finalizers that free more.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// progressLogger logs the Syncer's progress at most once per interval, so a
// long throttled run shows it is moving.
func progressLogger(log io.Writer, size string, every time.Duration) func(vtsync.Progress) {
	var last time.Time
	return func(p vtsync.Progress) {
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		fmt.Fprintf(log, "    %s %s: %s %d/%d %s\n", time.Now().Format("15:04:05"), size, p.Phase, p.Done, p.Total, p.Item)
	}
}
