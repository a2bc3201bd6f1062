// Package httpx is the HTTP transport stack shared by the vettrak, canvas
// and moodle clients. Settings holds the transport options they all take
// (their meaning is documented once, in package transport) and builds the
// stack; service.go holds the REST clients' common plumbing. The stack:
// go-retryablehttp for retries with capped, jittered backoff, an
// x/time/rate limiter below the retry loop (so every attempt, retries
// included, takes a token), deadlines per call and per attempt that cover
// reading the body, a redirect policy that never hands a request to
// another origin, body-size limits and a request meter.
//
// The order of the layers, outermost first, follows reference/go_sdk_style.md §8:
//
//	http.Client                  CheckRedirect: same origin, no body re-sent
//	  call deadline              Config.Timeout, body included
//	    retryablehttp.RoundTripper   retries only what is safe (see CheckRetry)
//	      Config.Wrap layers     per attempt (e.g. Canvas's adaptive pacing)
//	        meter                counts attempts and bytes
//	          rate limiter       Wait(ctx) per attempt
//	            attempt deadline Config.AttemptTimeout, body included
//	              base transport timeouts, keep-alive, proxy
package httpx

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Config configures a client built by NewClient. The zero value is usable:
// four retries between 250ms and 30s, the default deadlines, no rate
// limit, no logging.
type Config struct {
	// Base is the innermost transport; nil means a clone of
	// http.DefaultTransport with sane timeouts.
	Base http.RoundTripper
	// Limiter paces every attempt; nil means unlimited.
	Limiter *rate.Limiter
	// RetryMax is the number of retries after the first attempt. A negative
	// value disables retries; zero means the default of 4.
	RetryMax     int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Timeout bounds one whole call: every attempt, the backoff between
	// them and reading the response body. Zero means DefaultTimeout; a
	// negative value means none (the caller's context alone bounds it).
	Timeout time.Duration
	// AttemptTimeout bounds one attempt, from sending the request to the
	// last byte of its body, so a stalled attempt can be retried. Zero
	// means DefaultAttemptTimeout; a negative value means none.
	AttemptTimeout time.Duration
	// Redact, when set, masks secrets in text the stack creates from
	// server input (the Location of a refused redirect).
	Redact func(string) string
	// Logger receives retry decisions at debug level; nil discards them.
	// Messages carry sanitised URLs only.
	Logger *slog.Logger
	// Classify may override the retry decision for a response; see Decision.
	Classify func(resp *http.Response, body []byte) Decision
	// Wrap adds layers that run once per attempt, between the retry loop
	// and the meter.
	Wrap []func(http.RoundTripper) http.RoundTripper
	// Meter, when set, counts every attempt that reaches the network.
	Meter *Meter
}

// Decision is what a Classify hook says about a response.
type Decision int

const (
	// Default leaves the decision to the built-in rules.
	Default Decision = iota
	// Throttled means back off and retry, whatever the method.
	Throttled
	// Transient means retry only if the request is idempotent.
	Transient
	// Permanent means do not retry.
	Permanent
)

const (
	defaultRetryMax     = 4
	defaultRetryWaitMin = 250 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second
	// peekLimit bounds how much of an error body the retry policy reads to
	// classify a response; the body is restored afterwards.
	peekLimit = 4 << 10
)

// NewClient builds an *http.Client with the stack described in the package
// documentation.
func NewClient(cfg Config) *http.Client {
	base := cfg.Base
	if base == nil {
		base = DefaultTransport()
	}
	var rt http.RoundTripper = &limitRT{lim: cfg.Limiter, next: withDeadline(base, cfg.AttemptTimeout, DefaultAttemptTimeout, "attempt")}
	if cfg.Meter != nil {
		rt = &meterRT{m: cfg.Meter, next: rt}
	}
	for i := len(cfg.Wrap) - 1; i >= 0; i-- {
		rt = cfg.Wrap[i](rt)
	}

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{
		Transport: rt,
		// retryablehttp sends through an http.Client of its own; left to
		// itself it would follow redirects with Go's policy. It hands every
		// 3xx up instead, to the outer client and CheckRedirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rc.Logger = nil // never retryablehttp's default stderr logger
	rc.RetryMax = cfg.RetryMax
	switch {
	case cfg.RetryMax == 0:
		rc.RetryMax = defaultRetryMax
	case cfg.RetryMax < 0:
		rc.RetryMax = 0
	}
	rc.RetryWaitMin = orDefault(cfg.RetryWaitMin, defaultRetryWaitMin)
	rc.RetryWaitMax = orDefault(cfg.RetryWaitMax, defaultRetryWaitMax)
	rc.CheckRetry = checkRetry(cfg.Classify)
	rc.Backoff = Backoff
	rc.ErrorHandler = keepLastResponse
	if cfg.Logger != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				cfg.Logger.LogAttrs(req.Context(), slog.LevelDebug, "http retry",
					slog.String("method", req.Method),
					slog.String("url", SanitizeURL(req.URL)),
					slog.Int("attempt", attempt))
			}
		}
	}
	return &http.Client{
		Transport:     withDeadline(&retryablehttp.RoundTripper{Client: rc}, cfg.Timeout, DefaultTimeout, "call"),
		CheckRedirect: CheckRedirect(cfg.Redact),
	}
}

// DefaultTransport returns a fresh transport with connection pooling and
// timeouts suitable for API calls.
func DefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = 2 * time.Minute
	t.MaxIdleConnsPerHost = 16
	return t
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// keepLastResponse hands the final response back to the caller after the
// retries are exhausted, so that the client's own error decoding still sees
// the status and body (retryablehttp #156, #212).
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// limitRT takes a limiter token before every attempt.
type limitRT struct {
	lim  *rate.Limiter
	next http.RoundTripper
}

func (l *limitRT) RoundTrip(req *http.Request) (*http.Response, error) {
	if l.lim != nil {
		ctx := req.Context()
		if err := l.lim.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
	return l.next.RoundTrip(req)
}

type idempotentKey struct{}

// WithIdempotent marks the requests made with ctx as safe to repeat: reads,
// and writes that set a value rather than add a record. Only such requests
// are retried after a transport error or a 5xx.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// IsIdempotent reports whether ctx was marked by WithIdempotent.
func IsIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}
