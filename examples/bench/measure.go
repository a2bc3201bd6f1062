package main

import (
	"runtime/metrics"
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

// heapSampler records the peak of the Go heap (live and not yet swept
// objects) while a scenario runs, reading runtime/metrics, which does not
// stop the world the way ReadMemStats does.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startHeapSampler(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: heapMetric}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			h.peak = max(h.peak, sample[0].Value.Uint64())
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

// Stop ends sampling and returns the peak in bytes.
func (h *heapSampler) Stop() int64 {
	close(h.stop)
	h.done.Wait()
	return int64(h.peak)
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
