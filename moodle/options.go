package moodle

import (
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Option configures a Client. Options validate their input; New returns
// the first error. The transport options (WithHTTPClient through
// WithLogger) have the same names and meanings in the vettrak, canvas and
// moodle packages; package transport documents them.
type Option func(*config) error

type config struct {
	httpx.Settings
	raw bool
}

// Defaults (see package transport for the other clients' and why).
const (
	// DefaultMaxBodySize caps a successful response body.
	DefaultMaxBodySize int64 = 64 << 20
	// DefaultUserAgent is the User-Agent header unless WithUserAgent.
	DefaultUserAgent = "vtsync-moodle/1"
	// DefaultRateLimit and DefaultBurst pace the client unless
	// WithRateLimit or WithLimiter: Moodle core has no rate limit of its
	// own (reference §1.8) and each call runs a PHP request, so the client
	// stays polite.
	DefaultRateLimit rate.Limit = 10
	DefaultBurst                = 5
	// DefaultAttemptTimeout bounds one attempt: above the 300-360 s
	// external_api::set_timeout() lets one web service call run.
	DefaultAttemptTimeout = 7 * time.Minute
	// DefaultTimeout bounds one call: two slow attempts and the backoff.
	DefaultTimeout = 15 * time.Minute
)

// DefaultRetry is the retry policy a zero RetryPolicy field falls back to:
// 4 retries between 500ms and 30s.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
}

func defaultConfig() config {
	return config{
		Settings: httpx.Settings{
			Service:        "moodle",
			DefaultRetry:   DefaultRetry(),
			Limiter:        rate.NewLimiter(DefaultRateLimit, DefaultBurst),
			MaxBodySize:    DefaultMaxBodySize,
			UserAgent:      DefaultUserAgent,
			Timeout:        DefaultTimeout,
			AttemptTimeout: DefaultAttemptTimeout,
		},
		raw: true,
	}
}

// WithHTTPClient sends requests through a copy of hc, whose Transport
// becomes the base transport under the client's stack: retries, the rate
// limit, deadlines, the redirect guard and Stats all still apply.
// hc.Timeout bounds one call unless WithTimeout is given; hc.CheckRedirect
// runs after the client's own guard. hc is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTransport sets the base transport under the client's stack (it wins
// over WithHTTPClient's Transport).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error { return c.SetTransport(rt) }
}

// WithRetry sets the retry policy; a zero field keeps DefaultRetry's,
// NoRetries() turns retries off. Transport errors and 5xx are retried only
// for calls safe to repeat (reads, updates, enrolments, memberships);
// creates never, since Moodle may have written before the answer was
// lost. Exceptions are answers, never retried.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error { return c.SetRetry(p) }
}

// WithRateLimit caps the client-side request rate: every attempt, retries
// included, takes a token. rate.Inf removes the limit. The default is
// DefaultRateLimit with DefaultBurst.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error { return c.SetRateLimit(r, burst) }
}

// WithLimiter paces every attempt with l, which may be shared by several
// clients of one Moodle site.
func WithLimiter(l *rate.Limiter) Option {
	return func(c *config) error { return c.SetLimiter(l) }
}

// WithMaxBodySize caps the size of a successful response body (default
// DefaultMaxBodySize, at least transport.MinBodySize).
func WithMaxBodySize(n int64) Option {
	return func(c *config) error { return c.SetMaxBodySize(n) }
}

// WithTimeout bounds each call, retries, backoff and body included
// (default DefaultTimeout); 0 turns it off, leaving the context alone to
// bound calls; negative is an error.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetTimeout(d) }
}

// WithAttemptTimeout bounds each attempt, body included (default
// DefaultAttemptTimeout), so a stalled attempt is given up on and a call
// safe to repeat retried; 0 turns it off.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetAttemptTimeout(d) }
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *config) error { return c.SetUserAgent(ua) }
}

// WithLogger sends the client's debug logs (retries) to l. The token is
// masked in every record. The default discards logs.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
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
