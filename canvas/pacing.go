package canvas

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Pacing sets how many requests the client has in flight and when it waits,
// following the token's bucket rather than a fixed rate. Canvas keeps a
// leaky bucket per access token (app/middleware/request_throttle.rb): a
// request adds an up-front cost the moment it arrives and is refused if
// the bucket then reaches its high-water mark; when it ends its real cost
// (sent back in X-Request-Cost) replaces the up-front one; the bucket
// drains at a fixed rate, and X-Rate-Limit-Remaining says how far the
// bucket is below high water. So a request is refused while the header
// still shows about the up-front cost, and requests in flight together
// hold one up-front cost each.
//
// Before each attempt, once it holds a slot under the hard cap
// (WithMaxInFlight), the client estimates the quota left: the last
// X-Rate-Limit-Remaining, plus Outflow units per second since, minus what
// each of its requests in flight holds (the larger of
// UpFront and the recent X-Request-Cost, since a request holds its
// up-front cost while in flight and its real cost after). The attempt goes
// when the estimate, less its own share, stays at or above LowWater: the
// reserve grows with the requests in flight. So requests in flight grow
// while the bucket is low and requests are cheap (up to the hard cap),
// and shrink to one as the bucket fills or requests get dear; several
// clients on one token see each other in the header. Until a response has
// carried the header, one request at a time probes it. A wait lasts until
// the estimate is back (at most MaxWait in all). The estimate and the
// in-flight count are taken under one lock, so callers released together
// do not all pass on one stale estimate.
type Pacing struct {
	// LowWater is the remaining quota below which requests wait. Zero
	// disables pacing.
	LowWater float64
	// Outflow is how many quota units Canvas restores per second.
	Outflow float64
	// UpFront is what Canvas reserves for each request in flight.
	UpFront float64
	// Probe, when Canvas has not yet sent X-Rate-Limit-Remaining, is how
	// long a request waits for the one probing the bucket before asking
	// again; zero means 5ms.
	Probe time.Duration
	// MaxWait caps the waiting before one attempt; zero means 30s.
	MaxWait time.Duration
}

// DefaultPacing returns the defaults: keep 150 units of quota in reserve,
// assume Canvas's documented outflow of 10 units per second and up-front
// cost of 50, wait at most 30s before an attempt. On a fresh bucket
// (Canvas's published high-water mark is 700, 600 in the open-source
// defaults) that lets 9 requests of cost up to 50 be in flight at once,
// and one when the bucket is within 200 units of high water.
func DefaultPacing() Pacing {
	return Pacing{LowWater: 150, Outflow: 10, UpFront: 50, MaxWait: 30 * time.Second}
}

// RateState is what the client knows about its Canvas quota.
type RateState struct {
	// Known is false until a response carried X-Rate-Limit-Remaining.
	Known bool
	// Remaining is the last X-Rate-Limit-Remaining seen.
	Remaining float64
	// LastCost is the last X-Request-Cost seen.
	LastCost float64
	// TotalCost sums every X-Request-Cost seen.
	TotalCost float64
	// Throttled counts throttled responses (429, or 403 "Rate Limit
	// Exceeded"), retried or not.
	Throttled int64
	// PacedWaits counts the waits pacing imposed, and PacedFor their total.
	PacedWaits int64
	PacedFor   time.Duration
	// InFlight is how many requests are in flight now, and MaxInFlight
	// the most that have been at once.
	InFlight, MaxInFlight int
}

type pacer struct {
	p   Pacing
	log *slog.Logger

	mu        sync.Mutex
	inFlight  int
	known     bool
	remaining float64
	at        time.Time
	lastCost  float64
	totalCost float64
	// avgCost is a moving average of X-Request-Cost (0: none seen).
	avgCost float64
	maxSeen int

	throttled atomic.Int64
	waits     atomic.Int64
	waited    atomic.Int64
}

func (pc *pacer) state() RateState {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return RateState{
		Known: pc.known, Remaining: pc.remaining, LastCost: pc.lastCost, TotalCost: pc.totalCost,
		Throttled: pc.throttled.Load(), PacedWaits: pc.waits.Load(), PacedFor: time.Duration(pc.waited.Load()),
		InFlight: pc.inFlight, MaxInFlight: pc.maxSeen,
	}
}

// reserve either admits an attempt (counting it in flight) and returns 0,
// or returns how long to wait before asking again.
func (pc *pacer) reserve(now time.Time) time.Duration {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	d := pc.delayLocked(now)
	if d == 0 {
		pc.admitLocked()
	}
	return d
}

func (pc *pacer) admitLocked() {
	pc.inFlight++
	pc.maxSeen = max(pc.maxSeen, pc.inFlight)
}

func (pc *pacer) done() {
	pc.mu.Lock()
	pc.inFlight--
	pc.mu.Unlock()
}

// share is what one request in flight is expected to take from the
// bucket: its up-front cost while it runs, its real cost after.
func (pc *pacer) share() float64 { return max(pc.p.UpFront, pc.avgCost) }

func (pc *pacer) delayLocked(now time.Time) time.Duration {
	if pc.p.LowWater <= 0 {
		return 0
	}
	if !pc.known {
		// One request probes the bucket; the rest wait for its header.
		if pc.inFlight == 0 {
			return 0
		}
		return pc.probe()
	}
	// Every request of ours in flight counts, and the new one: one sent
	// before the last header may still have reached Canvas after it.
	est := pc.remaining + pc.p.Outflow*now.Sub(pc.at).Seconds() - pc.share()*float64(pc.inFlight+1)
	if est >= pc.p.LowWater {
		return 0
	}
	if pc.inFlight > 0 {
		// A request ending frees its share sooner than the bucket drains.
		return pc.probe()
	}
	if pc.p.Outflow <= 0 {
		return pc.maxWait()
	}
	// At least a millisecond, so a wait always lets time pass.
	d := max(time.Duration((pc.p.LowWater-est)/pc.p.Outflow*float64(time.Second)), time.Millisecond)
	return min(d, pc.maxWait())
}

func (pc *pacer) probe() time.Duration {
	if pc.p.Probe > 0 {
		return min(pc.p.Probe, pc.maxWait())
	}
	return min(5*time.Millisecond, pc.maxWait())
}

func (pc *pacer) maxWait() time.Duration {
	if pc.p.MaxWait <= 0 {
		return 30 * time.Second
	}
	return pc.p.MaxWait
}

func (pc *pacer) observe(resp *http.Response) {
	var throttled bool
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusForbidden {
		throttled = httpx.IsThrottleResponse(resp.StatusCode, httpx.PeekBody(resp, 512))
	}
	rem, hasRem := headerFloat(resp.Header, "X-Rate-Limit-Remaining")
	cost, hasCost := headerFloat(resp.Header, "X-Request-Cost")
	if throttled {
		pc.throttled.Add(1)
		if !hasRem {
			rem, hasRem = 0, true
		}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if hasRem {
		pc.known, pc.remaining, pc.at = true, rem, time.Now()
	}
	if hasCost {
		pc.lastCost = cost
		pc.totalCost += cost
		if pc.avgCost == 0 {
			pc.avgCost = cost
		} else {
			pc.avgCost = 0.8*pc.avgCost + 0.2*cost
		}
	}
}

func headerFloat(h http.Header, name string) (float64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f { // reject NaN
		return 0, false
	}
	return f, true
}

// wrap is an httpx.Config.Wrap layer: it runs once per attempt, inside
// the in-flight cap, so it paces the attempts actually about to be sent.
func (pc *pacer) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		var waited time.Duration
		for {
			d := pc.reserve(time.Now())
			if d == 0 {
				break
			}
			if waited >= pc.maxWait() {
				// Waited the most allowed: go anyway, counted in flight.
				pc.mu.Lock()
				pc.admitLocked()
				pc.mu.Unlock()
				break
			}
			d = min(d, pc.maxWait()-waited)
			waited += d
			pc.waits.Add(1)
			pc.waited.Add(int64(d))
			if pc.log != nil {
				pc.log.LogAttrs(req.Context(), slog.LevelDebug, "canvas: pacing",
					slog.Duration("wait", d), slog.String("path", req.URL.Path))
			}
			if err := sleepCtx(req.Context(), d); err != nil {
				return nil, err
			}
		}
		resp, err := next.RoundTrip(req)
		if err == nil {
			// Read while this request still counts in flight, so what the
			// header already holds is known exactly.
			pc.observe(resp)
		}
		pc.done()
		return resp, err
	})
}

// inFlight caps concurrent attempts.
func inFlight(n int) func(http.RoundTripper) http.RoundTripper {
	sem := make(chan struct{}, n)
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			select {
			case sem <- struct{}{}:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
			defer func() { <-sem }()
			return next.RoundTrip(req)
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
