package httpx

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/vtsync/vtsync/callstats"
)

// Meter counts the attempts that reach the network (retries included),
// split into reads and writes, with bytes sent and received and a count per
// operation. It is safe for concurrent use.
type Meter struct {
	reads, writes, failures atomic.Int64
	bytesOut, bytesIn       atomic.Int64

	mu    sync.Mutex
	byOp  map[string]int64
	opKey func(*http.Request) string
}

// NewMeter returns a meter. opKey names the endpoint or operation a request
// belongs to (for per-endpoint counts); nil counts by method and path.
func NewMeter(opKey func(*http.Request) string) *Meter {
	return &Meter{byOp: map[string]int64{}, opKey: opKey}
}

// MeterSnapshot is a point-in-time copy of a Meter's counters: the public
// callstats.Snapshot, so the clients' Stats() expose no internal type.
type MeterSnapshot = callstats.Snapshot

// Snapshot copies the counters.
func (m *Meter) Snapshot() MeterSnapshot {
	m.mu.Lock()
	ops := make(map[string]int64, len(m.byOp))
	for k, v := range m.byOp {
		ops[k] = v
	}
	m.mu.Unlock()
	return MeterSnapshot{
		Reads: m.reads.Load(), Writes: m.writes.Load(), Failures: m.failures.Load(),
		BytesOut: m.bytesOut.Load(), BytesIn: m.bytesIn.Load(), ByOp: ops,
	}
}

type writeKey struct{}

// WithWrite tells the meter whether requests made with ctx change remote
// state. Without it GET and HEAD count as reads and every other method as a
// write, which is wrong for SOAP, where every call is a POST.
func WithWrite(ctx context.Context, write bool) context.Context {
	return context.WithValue(ctx, writeKey{}, write)
}

func isWrite(req *http.Request) bool {
	if v, ok := req.Context().Value(writeKey{}).(bool); ok {
		return v
	}
	return req.Method != http.MethodGet && req.Method != http.MethodHead
}

type meterRT struct {
	m    *Meter
	next http.RoundTripper
}

func (t *meterRT) RoundTrip(req *http.Request) (*http.Response, error) {
	m := t.m
	if isWrite(req) {
		m.writes.Add(1)
	} else {
		m.reads.Add(1)
	}
	key := req.Method + " " + req.URL.Path
	if m.opKey != nil {
		key = m.opKey(req)
	}
	m.mu.Lock()
	m.byOp[key]++
	m.mu.Unlock()
	if req.ContentLength > 0 {
		m.bytesOut.Add(req.ContentLength)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		m.failures.Add(1)
		return nil, err
	}
	if resp.StatusCode >= 400 {
		m.failures.Add(1)
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, n: &m.bytesIn}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}
