package main

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/vtsync/vtsync/internal/httpx"
)

// calls is what one side's client counted during a scenario.
type calls struct {
	Calls    int64            `json:"calls"`
	Reads    int64            `json:"reads"`
	Writes   int64            `json:"writes"`
	Failures int64            `json:"failures"`
	BytesOut int64            `json:"bytes_out"`
	BytesIn  int64            `json:"bytes_in"`
	ByOp     map[string]int64 `json:"by_op"`
}

// since subtracts two snapshots of a client's meter.
func since(before, after httpx.MeterSnapshot) calls {
	c := calls{
		Reads: after.Reads - before.Reads, Writes: after.Writes - before.Writes,
		Failures: after.Failures - before.Failures,
		BytesOut: after.BytesOut - before.BytesOut, BytesIn: after.BytesIn - before.BytesIn,
		ByOp: map[string]int64{},
	}
	c.Calls = c.Reads + c.Writes
	for k, v := range after.ByOp {
		if n := v - before.ByOp[k]; n != 0 {
			c.ByOp[k] = n
		}
	}
	return c
}

// heapSampler records, while a scenario runs, the peak of the Go heap
// (live and not yet swept objects: with GOGC=100 up to twice what is
// live) and the peak of the live heap the last collection marked, reading
// runtime/metrics, which does not stop the world the way ReadMemStats
// does. With a profile it writes a heap profile whenever the live heap
// reaches a new high (see heapProfile).
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
	live uint64
}

const (
	heapMetric = "/memory/classes/heap/objects:bytes"
	liveMetric = "/gc/heap/live:bytes"
)

func startHeapSampler(every time.Duration, prof *heapProfile, label string) *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: heapMetric}, {Name: liveMetric}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			h.peak = max(h.peak, sample[0].Value.Uint64())
		}
		if sample[1].Value.Kind() == metrics.KindUint64 {
			live := sample[1].Value.Uint64()
			h.live = max(h.live, live)
			prof.offer(live, label)
		}
	}
	read()
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peaks in bytes: the heap's and the
// live heap's.
func (h *heapSampler) Stop() (peak, live int64) {
	close(h.stop)
	h.done.Wait()
	return int64(h.peak), int64(h.live)
}

// heapProfile writes the heap profile (pprof, every sample type) of the
// run's highest live heap to a file: it is rewritten each time a sample
// finds the live heap 5% above the last written one, so at the end it
// holds the profile of the last collection near the peak. Its in-use
// figures are as of that collection: what was live, not garbage.
type heapProfile struct {
	path string
	mu   sync.Mutex
	best uint64
	// At names the size and scenario of the written profile, Live its
	// live heap in bytes; Err the first error writing it.
	At   string
	Live uint64
	Err  error
}

// offer writes the profile when live is a new high (nil p: no profile).
func (p *heapProfile) offer(live uint64, label string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Err != nil || live <= p.best+p.best/20 {
		return
	}
	p.best, p.At, p.Live = live, label, live
	f, err := os.Create(p.path)
	if err != nil {
		p.Err = err
		return
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		p.Err = err
	}
	if err := f.Close(); err != nil && p.Err == nil {
		p.Err = err
	}
}

// cpuTime is the process's user plus system CPU time. The fakes run in
// this process, so it includes their handlers: the SDK's own share is at
// most this.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
