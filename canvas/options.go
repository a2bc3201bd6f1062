package canvas

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Option configures a Client. Options validate their input; New returns the
// first error.
type Option func(*config) error

type config struct {
	httpClient   *http.Client
	transport    http.RoundTripper
	logger       *slog.Logger
	limit        rate.Limit
	burst        int
	retryMax     int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	perPage      int
	userAgent    string
	timeout      time.Duration
	attempt      time.Duration
	maxInFlight  int
	pacing       Pacing
	maxBody      int64
	maxListItems int
}

func defaultConfig() config {
	return config{
		limit:        rate.Inf,
		burst:        0,
		retryMax:     5,
		retryWaitMin: 500 * time.Millisecond,
		retryWaitMax: 30 * time.Second,
		perPage:      100,
		userAgent:    "vtsync-canvas/1",
		timeout:      httpx.DefaultTimeout,
		attempt:      httpx.DefaultAttemptTimeout,
		maxInFlight:  DefaultMaxInFlight,
		pacing:       DefaultPacing(),
		maxBody:      64 << 20,
		maxListItems: DefaultMaxListItems,
	}
}

// WithHTTPClient sends every request through hc as given. Use it only to
// take full control: retries, rate limiting, pacing, the in-flight cap,
// deadlines (WithTimeout, WithAttemptTimeout) and Stats are then the
// caller's business. One thing is kept: a redirect to another origin, or
// one that would send the body again, is refused before hc's own
// CheckRedirect runs, so the token never leaves the Canvas origin (hc is
// not modified). To keep everything and only swap the network layer (a
// proxy, a test transport), use WithTransport.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("canvas: http client must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTransport sets the innermost transport under the client's retry,
// pacing and rate-limit layers.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("canvas: transport must not be nil")
		}
		c.transport = rt
		return nil
	}
}

// WithLogger sends the client's debug logs (retries, pacing waits) to l.
// The access token is masked in every record. The default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("canvas: logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

// WithRateLimit caps the client-side request rate (every attempt, retries
// included, takes a token). rate.Inf disables the limit. The default is no
// fixed rate: the requests in flight follow the token's bucket (Pacing),
// so the time a sync takes is Canvas's to set, not a guess of ours.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error {
		if r < 0 || burst < 0 || (r != rate.Inf && burst == 0) {
			return fmt.Errorf("canvas: bad rate limit %v/s burst %d", r, burst)
		}
		c.limit, c.burst = r, burst
		return nil
	}
}

// WithRetry sets how many times a failed attempt is retried (0 disables
// retries) and the bounds of the jittered exponential backoff between
// attempts. Throttled responses are always retried within this budget;
// transport errors and 5xx only for idempotent calls (reads, updates,
// deletes, and enrollment creation, which Canvas upserts). Default: 5
// retries between 500ms and 30s.
func WithRetry(maxRetries int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if maxRetries < 0 || minWait <= 0 || maxWait < minWait {
			return fmt.Errorf("canvas: bad retry policy (%d, %v, %v)", maxRetries, minWait, maxWait)
		}
		c.retryMax, c.retryWaitMin, c.retryWaitMax = maxRetries, minWait, maxWait
		return nil
	}
}

// WithPerPage sets the per_page parameter of list calls (default 100).
// Canvas clamps it to its own maximum without saying so, which is harmless:
// the client follows Link headers and never counts pages.
func WithPerPage(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1000 {
			return fmt.Errorf("canvas: per page %d out of range 1..1000", n)
		}
		c.perPage = n
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" {
			return errors.New("canvas: empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithTimeout bounds each call: every attempt, the backoff between them
// and reading the response body. The default is httpx.DefaultTimeout
// (5 minutes); 0 turns it off, leaving the context alone to bound calls.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("canvas: negative timeout")
		}
		c.timeout = d
		return nil
	}
}

// WithAttemptTimeout bounds each attempt, from sending the request to the
// last byte of the body, so a server that stalls is given up on (and an
// idempotent call retried) well before the call's own deadline. The
// default is httpx.DefaultAttemptTimeout (2 minutes, above the 60 s after
// which Canvas Cloud's load balancer cuts a request that has not started
// answering); 0 turns it off.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("canvas: negative attempt timeout")
		}
		c.attempt = d
		return nil
	}
}

// DefaultMaxInFlight is the hard cap on requests in flight. Below it,
// pacing decides from the bucket how many go at once (see Pacing).
const DefaultMaxInFlight = 16

// WithMaxInFlight caps concurrent requests on this client (0 means no cap).
// Canvas charges every in-flight request an up-front cost against the
// token's quota; under the cap, pacing lets as many go as the bucket's
// reported room allows, and one when it is nearly full. Default
// DefaultMaxInFlight. With pacing off (Pacing{}) the cap alone decides.
func WithMaxInFlight(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return errors.New("canvas: negative in-flight cap")
		}
		c.maxInFlight = n
		return nil
	}
}

// WithPacing sets how the client slows down as Canvas's
// X-Rate-Limit-Remaining falls; see Pacing. Pacing{} disables it.
func WithPacing(p Pacing) Option {
	return func(c *config) error {
		if p.LowWater < 0 || p.Outflow < 0 || p.MaxWait < 0 {
			return errors.New("canvas: bad pacing")
		}
		if p.LowWater > 0 && p.Outflow == 0 {
			return errors.New("canvas: pacing needs an outflow rate")
		}
		c.pacing = p
		return nil
	}
}

// WithMaxBodySize caps the size of a successful response body (default
// 64 MiB); larger bodies fail with an error rather than exhaust memory.
// Error bodies are always capped at 64 KiB.
func WithMaxBodySize(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("canvas: max body size must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithMaxListItems bounds how many items one listing may return (default
// DefaultMaxListItems) and so how many pages it may follow (n divided by
// Canvas's smallest page size, 10). Past it the listing ends with
// ErrListingTooLong: a server that keeps inventing next pages is stopped
// instead of followed for ever. Listings with a narrower natural bound
// (one user's enrollments in a course) use that instead.
func WithMaxListItems(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("canvas: WithMaxListItems: %d is not positive", n)
		}
		c.maxListItems = n
		return nil
	}
}
