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
// first error. The transport options (WithHTTPClient through WithLogger)
// have the same names and meanings in the vettrak, canvas and moodle
// packages; package transport documents them.
type Option func(*config) error

type config struct {
	httpx.Settings
	perPage      int
	maxInFlight  int
	pacing       Pacing
	maxListItems int
}

// Defaults (see package transport for the other clients' and why).
const (
	// DefaultMaxBodySize caps a successful response body.
	DefaultMaxBodySize int64 = 64 << 20
	// DefaultUserAgent is the User-Agent header unless WithUserAgent.
	DefaultUserAgent = "vtsync-canvas/1"
)

// DefaultRetry is the retry policy a zero RetryPolicy field falls back to:
// 5 retries between 500ms and 30s.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{MaxRetries: 5, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
}

func defaultConfig() config {
	return config{
		// No fixed rate: the requests in flight follow the token's bucket
		// (Pacing), so the time a sync takes is Canvas's to set, not a
		// guess of ours (issue 16).
		Settings: httpx.Settings{
			Service:        "canvas",
			DefaultRetry:   DefaultRetry(),
			MaxBodySize:    DefaultMaxBodySize,
			UserAgent:      DefaultUserAgent,
			Timeout:        httpx.DefaultTimeout,
			AttemptTimeout: httpx.DefaultAttemptTimeout,
		},
		perPage:      100,
		maxInFlight:  DefaultMaxInFlight,
		pacing:       DefaultPacing(),
		maxListItems: DefaultMaxListItems,
	}
}

// WithHTTPClient sends requests through a copy of hc, whose Transport
// becomes the base transport under the client's stack: retries, the rate
// limit, pacing, the in-flight cap, deadlines, the redirect guard and
// Stats all still apply. hc.Timeout bounds one call unless WithTimeout is
// given; hc.CheckRedirect runs after the client's own guard, which keeps
// the token on the Canvas origin. hc is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTransport sets the base transport under the client's stack (it wins
// over WithHTTPClient's Transport).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error { return c.SetTransport(rt) }
}

// WithRetry sets the retry policy; a zero field keeps DefaultRetry's,
// NoRetries() turns retries off. Throttled responses are retried within
// the policy whatever the call; transport errors and 5xx only for calls
// safe to repeat (reads, updates, deletes, and enrollment creation, which
// Canvas upserts).
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error { return c.SetRetry(p) }
}

// WithRateLimit caps the client-side request rate: every attempt, retries
// included, takes a token. rate.Inf removes the limit (the default: the
// requests in flight follow the token's bucket, see Pacing).
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error { return c.SetRateLimit(r, burst) }
}

// WithLimiter paces every attempt with l, which may be shared by several
// clients of one Canvas instance.
func WithLimiter(l *rate.Limiter) Option {
	return func(c *config) error { return c.SetLimiter(l) }
}

// WithMaxBodySize caps the size of a successful response body (default
// DefaultMaxBodySize, at least transport.MinBodySize); a larger body fails
// with an error wrapping ErrBodyTooLarge rather than exhaust memory. Error
// bodies are always capped at 64 KiB.
func WithMaxBodySize(n int64) Option {
	return func(c *config) error { return c.SetMaxBodySize(n) }
}

// WithTimeout bounds each call: every attempt, the backoff between them
// and reading the response body. The default is 5 minutes; 0 turns it
// off, leaving the context alone to bound calls; negative is an error.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetTimeout(d) }
}

// WithAttemptTimeout bounds each attempt, from sending the request to the
// last byte of the body, so a server that stalls is given up on (and an
// idempotent call retried) well before the call's own deadline. The
// default is 2 minutes, above the 60 s after which Canvas Cloud's load
// balancer cuts a request that has not started answering; 0 turns it off.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetAttemptTimeout(d) }
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *config) error { return c.SetUserAgent(ua) }
}

// WithLogger sends the client's debug logs (retries, pacing waits) to l.
// The access token is masked in every record. The default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
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
