package moodle

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Option configures a Client. Options validate their input; New returns
// the first error.
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
	userAgent    string
	timeout      time.Duration
	maxBody      int64
	raw          bool
}

func defaultConfig() config {
	return config{
		// Moodle core has no rate limit of its own (reference §1.8); each
		// call runs a PHP request with up to 300 s of time, so the client
		// stays polite by default.
		limit:        10,
		burst:        5,
		retryMax:     4,
		retryWaitMin: 500 * time.Millisecond,
		retryWaitMax: 30 * time.Second,
		userAgent:    "vtsync-moodle/1",
		maxBody:      64 << 20,
		raw:          true,
	}
}

// WithHTTPClient sends every request through hc exactly as given: retries,
// rate limiting and Stats are then the caller's business. To keep them and
// only swap the network layer, use WithTransport.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("moodle: http client must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTransport sets the innermost transport under the client's retry and
// rate-limit layers.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("moodle: transport must not be nil")
		}
		c.transport = rt
		return nil
	}
}

// WithLogger sends the client's debug logs (retries) to l. The token is
// masked in every record. The default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("moodle: logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

// WithRateLimit caps the client-side request rate (every attempt, retries
// included, takes a token). rate.Inf disables it. The default is 10
// requests per second with a burst of 5.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error {
		if r < 0 || burst < 0 || (r != rate.Inf && burst == 0) {
			return fmt.Errorf("moodle: bad rate limit %v/s burst %d", r, burst)
		}
		c.limit, c.burst = r, burst
		return nil
	}
}

// WithRetry sets how many times a failed attempt is retried (0 disables
// retries) and the bounds of the jittered backoff. Transport errors and
// 5xx are retried only for calls safe to repeat (reads, updates,
// enrolments, memberships); creates never, since Moodle may have written
// before the answer was lost. Exceptions are answers, never retried.
// Default: 4 retries between 500ms and 30s.
func WithRetry(maxRetries int, minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if maxRetries < 0 || minWait <= 0 || maxWait < minWait {
			return fmt.Errorf("moodle: bad retry policy (%d, %v, %v)", maxRetries, minWait, maxWait)
		}
		c.retryMax, c.retryWaitMin, c.retryWaitMax = maxRetries, minWait, maxWait
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" {
			return errors.New("moodle: empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithTimeout bounds each call, retries and backoff included. The default
// is none: use the context. Moodle lets one call run up to
// external_api::set_timeout()'s 300-360 s.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("moodle: negative timeout")
		}
		c.timeout = d
		return nil
	}
}

// WithMaxBodySize caps the size of a response body (default 64 MiB).
func WithMaxBodySize(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("moodle: max body size must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithFormattedText makes the client ask for names as Moodle displays them
// (through format_string(): "&" escaped to "&amp;", tags stripped) instead
// of as stored. The default sends moodlewssettingraw=1 so that names read
// back equal the names written.
func WithFormattedText() Option {
	return func(c *config) error {
		c.raw = false
		return nil
	}
}
