package canvastest

import (
	"net/http"
	"strconv"
	"time"
)

// bucket is one token's leaky bucket, as
// app/middleware/request_throttle/increment_bucket.lua keeps it: it leaks
// at Outflow per second, and every change is clamped to [0, Maximum].
type bucket struct {
	level float64
	at    time.Time
}

// add leaks the bucket up to now, adds amount and clamps the result, as
// increment_bucket.lua does in one step.
func (b *bucket) add(now time.Time, amount float64, cfg Throttle) {
	if !b.at.IsZero() && b.level > 0 {
		if loss := cfg.Outflow * now.Sub(b.at).Seconds(); loss > 0 {
			b.level -= loss
		}
	}
	b.at = now
	b.level += amount
	b.level = min(max(b.level, 0), cfg.maximum())
}

func fmtCost(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// throttleArrive charges a request's up-front cost to its token's bucket
// the moment it arrives, before any latency or handler, and refuses it
// when the bucket then holds HighWater or more (request_throttle.rb:
// LeakyBucket#reserve_capacity increments by up_front_cost, then
// RequestThrottle#allowed? asks full?, count >= hwm). The bucket lives
// under s.mu only for each increment, never across latency or the
// handler, so requests in flight at once each hold their up-front cost
// and together can fill the bucket, as on Canvas. The bucket's lock
// (bucketMu) is the fake's only one shared by every request of a token:
// Canvas too increments a token's bucket atomically (one Redis script).
//
// The returned settle func does reserve_capacity's ensure step: it adds
// the request's cost minus the up-front cost (a refused request never ran,
// so it costs nothing) and sets X-Rate-Limit-Remaining to HighWater minus
// the level, also on the refusal (RequestThrottle#call overwrites the
// "0.0" of rate_limit_exceeded with bucket.remaining), and X-Request-Cost
// unless refused.
func (s *Server) throttleArrive(t *Throttle, tok string) (settle func(x *rctx, refused bool), refuse bool) {
	if t == nil {
		return func(x *rctx, refused bool) {
			if !refused {
				x.header.Set("X-Request-Cost", "1")
			}
		}, false
	}
	cfg := *t
	s.bucketMu.Lock()
	defer s.bucketMu.Unlock()
	b := s.buckets[tok]
	if b == nil {
		b = &bucket{}
		s.buckets[tok] = b
	}
	b.add(time.Now(), cfg.UpFront, cfg)
	full := b.level >= cfg.HighWater
	return func(x *rctx, refused bool) {
		s.bucketMu.Lock()
		defer s.bucketMu.Unlock()
		cost := cfg.Cost
		if refused {
			cost = 0
		}
		b.add(time.Now(), cost-cfg.UpFront, cfg)
		if !refused {
			x.header.Set("X-Request-Cost", fmtCost(cfg.Cost))
		}
		x.header.Set("X-Rate-Limit-Remaining", fmtCost(cfg.HighWater-b.level))
	}, full
}

// writeThrottled writes Canvas's throttled answer: text/plain, no
// X-Request-Cost, no Retry-After (request_throttle.rb#rate_limit_exceeded;
// the 429 style is hosted Canvas's setting).
func writeThrottled(x *rctx, style ThrottleStyle) {
	x.body.Reset()
	x.header.Set("Content-Type", "text/plain; charset=utf-8")
	x.header.Set("X-Rate-Limit-Remaining", "0.0")
	if style == Throttle429 {
		x.status = http.StatusTooManyRequests
		x.body.WriteString("429 Too Many Requests (Rate Limit Exceeded)\n")
		return
	}
	x.status = http.StatusForbidden
	x.body.WriteString("403 Forbidden (Rate Limit Exceeded)\n")
}

// BucketLevel returns the throttle bucket level of a token (0 when the
// throttle is off or the token unused).
func (s *Server) BucketLevel(tok string) float64 {
	_, t := s.control()
	s.bucketMu.Lock()
	defer s.bucketMu.Unlock()
	b := s.buckets[tok]
	if b == nil || t == nil {
		return 0
	}
	b.add(time.Now(), 0, *t)
	return b.level
}
