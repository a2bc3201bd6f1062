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

// Pacing slows the client down before Canvas has to throttle it. Canvas
// keeps a leaky bucket per access token: each request adds its cost (sent
// back in X-Request-Cost), the bucket drains at a fixed rate, and
// X-Rate-Limit-Remaining says how much room is left before requests are
// refused. When the remaining quota, estimated forward from the last header
// at Outflow units per second, is below LowWater, the next attempt waits
// until the estimate is back at LowWater (at most MaxWait).
type Pacing struct {
	// LowWater is the remaining quota below which requests wait. Zero
	// disables pacing.
	LowWater float64
	// Outflow is how many quota units Canvas restores per second.
	Outflow float64
	// MaxWait caps a single wait; zero means 30s.
	MaxWait time.Duration
}

// DefaultPacing returns the defaults: wait below 150 units of quota,
// assume Canvas's documented outflow of 10 units per second, wait at most
// 30s at a time. Canvas's published high-water mark is 700 (600 in the
// open-source defaults), so 150 leaves room for a few parallel requests,
// each of which reserves 50 units while in flight.
func DefaultPacing() Pacing {
	return Pacing{LowWater: 150, Outflow: 10, MaxWait: 30 * time.Second}
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
}

type pacer struct {
	p   Pacing
	log *slog.Logger

	mu        sync.Mutex
	known     bool
	remaining float64
	at        time.Time
	lastCost  float64
	totalCost float64

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
	}
}

func (pc *pacer) delay(now time.Time) time.Duration {
	if pc.p.LowWater <= 0 {
		return 0
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.known {
		return 0
	}
	est := pc.remaining + pc.p.Outflow*now.Sub(pc.at).Seconds()
	if est >= pc.p.LowWater {
		return 0
	}
	d := time.Duration((pc.p.LowWater - est) / pc.p.Outflow * float64(time.Second))
	maxWait := pc.p.MaxWait
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	return min(d, maxWait)
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

// wrap is an httpx.Config.Wrap layer: it runs once per attempt.
func (pc *pacer) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if d := pc.delay(time.Now()); d > 0 {
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
			pc.observe(resp)
		}
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
