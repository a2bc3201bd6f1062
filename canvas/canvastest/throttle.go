package canvastest

import (
	"net/http"
	"strconv"
	"time"
)

type bucket struct {
	level float64
	at    time.Time
}

func (b *bucket) leak(now time.Time, outflow float64) {
	if !b.at.IsZero() {
		b.level -= outflow * now.Sub(b.at).Seconds()
		if b.level < 0 {
			b.level = 0
		}
	}
	b.at = now
}

func fmtCost(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// throttleEnter charges the token's bucket for a request about to run. It
// answers the throttled response itself when the bucket is full, and
// otherwise returns a release func that settles the real cost and sets
// X-Request-Cost and X-Rate-Limit-Remaining (request_throttle.rb).
func (s *Server) throttleEnter(x *rctx) (release func(*rctx), throttled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.opts.throttle
	if t == nil {
		return func(x *rctx) { x.header.Set("X-Request-Cost", "1") }, false
	}
	cfg := *t
	b := s.buckets[x.tok.value]
	if b == nil {
		b = &bucket{}
		s.buckets[x.tok.value] = b
	}
	b.leak(time.Now(), cfg.Outflow)
	if b.level >= cfg.HighWater {
		writeThrottled(x, cfg.Style)
		return nil, true
	}
	b.level += cfg.UpFront
	return func(x *rctx) {
		s.mu.Lock()
		defer s.mu.Unlock()
		b.leak(time.Now(), cfg.Outflow)
		b.level += cfg.Cost - cfg.UpFront
		if b.level < 0 {
			b.level = 0
		}
		x.header.Set("X-Request-Cost", fmtCost(cfg.Cost))
		x.header.Set("X-Rate-Limit-Remaining", fmtCost(cfg.HighWater-b.level))
	}, false
}

// writeThrottled writes Canvas's throttled answer: text/plain, no
// X-Request-Cost, no Retry-After.
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
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[tok]
	if b == nil || s.opts.throttle == nil {
		return 0
	}
	b.leak(time.Now(), s.opts.throttle.Outflow)
	return b.level
}
