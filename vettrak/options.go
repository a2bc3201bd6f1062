package vettrak

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
	loc          *time.Location
	now          func() time.Time
	validateUser bool
	tokenIdle    time.Duration
	checkWrites  bool
	wire         wireNames
	allowAll     bool            // write whatever the contract check found
	allowOps     map[string]bool // operations written whatever the check found
}

// Defaults (see package transport for the other clients' and why).
const (
	// DefaultMaxBodySize caps a response body. The largest real answers
	// (a provider's whole occurrence list with units and staff) are a few
	// MiB; the cap only stops a runaway or hostile response.
	DefaultMaxBodySize int64 = 64 << 20
	// DefaultTimeZone is the zone VETtrak's zoneless dateTimes are read in.
	DefaultTimeZone = "Australia/Sydney"
	// TokenIdleTimeout is VETtrak's documented sliding token lifetime.
	TokenIdleTimeout = 60 * time.Minute
	// DefaultUserAgent is the User-Agent header unless WithUserAgent.
	DefaultUserAgent = "vtsync-vettrak/1"
)

// DefaultRetry is the retry policy a zero RetryPolicy field falls back to:
// 4 retries between 250ms and 30s.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinWait: 250 * time.Millisecond, MaxWait: 30 * time.Second}
}

func defaultConfig() config {
	return config{
		// No default rate limit: VETtrak documents none. A self-hosted
		// server is usually one IIS box; WithRateLimit is gentler.
		Settings: httpx.Settings{
			Service:        "vettrak",
			DefaultRetry:   DefaultRetry(),
			MaxBodySize:    DefaultMaxBodySize,
			UserAgent:      DefaultUserAgent,
			Timeout:        httpx.DefaultTimeout,
			AttemptTimeout: httpx.DefaultAttemptTimeout,
		},
		now:       time.Now,
		tokenIdle: TokenIdleTimeout,
	}
}

// WithHTTPClient sends requests through a copy of hc, whose Transport
// becomes the base transport under the client's stack: retries, the rate
// limit, deadlines, the redirect guard and Stats all still apply.
// hc.Timeout bounds one call unless WithTimeout is given; hc.CheckRedirect
// runs after the client's own guard, which never follows a redirect to
// another origin or one that would send the body (and the password) again.
// hc is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.SetHTTPClient(hc) }
}

// WithTransport sets the base transport under the client's stack (it wins
// over WithHTTPClient's Transport).
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error { return c.SetTransport(rt) }
}

// WithRetry sets the retry policy; a zero field keeps DefaultRetry's,
// NoRetries() turns retries off. Transient failures (connection errors,
// HTTP 500/502/503/504 without a SOAP fault) are retried only for
// operations safe to repeat; throttling answers (429) always. SOAP faults
// are answers, never retried.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error { return c.SetRetry(p) }
}

// WithRateLimit paces every HTTP attempt (retries included) to r per
// second with the given burst; rate.Inf removes the limit (the default).
// VETtrak documents no limit; a self-hosted server is usually one IIS
// box, so be gentle.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error { return c.SetRateLimit(r, burst) }
}

// WithLimiter shares an existing limiter (e.g. one per VETtrak server
// across several Client values).
func WithLimiter(l *rate.Limiter) Option {
	return func(c *config) error { return c.SetLimiter(l) }
}

// WithMaxBodySize caps response bodies (default DefaultMaxBodySize, at
// least transport.MinBodySize).
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
// last byte of the body, so a server that stalls is given up on (and a
// read retried) well before the call's own deadline. The default is
// 2 minutes, above IIS's default 110 s ASP.NET request limit that a
// self-hosted VETtrak runs under; 0 turns it off.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error { return c.SetAttemptTimeout(d) }
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *config) error { return c.SetUserAgent(ua) }
}

// WithLogger sends the client's debug logs (logins, re-logins, retries) to
// l. Secrets are masked before they reach l's handler. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.SetLogger(l) }
}

// WithTimeZone sets the zone VETtrak's zoneless dateTimes are read and
// written in (the provider's zone; VETtrak does not document it).
func WithTimeZone(loc *time.Location) Option {
	return func(o *config) error {
		if loc == nil {
			return errors.New("vettrak: time zone must not be nil")
		}
		o.loc = loc
		return nil
	}
}

// WithTimeZoneName is WithTimeZone by IANA name, e.g. "Australia/Perth".
func WithTimeZoneName(name string) Option {
	return func(o *config) error {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return fmt.Errorf("vettrak: time zone: %w", err)
		}
		o.loc = loc
		return nil
	}
}

// WithClock replaces time.Now (token idle tracking, Check timings).
func WithClock(now func() time.Time) Option {
	return func(o *config) error {
		if now == nil {
			return errors.New("vettrak: clock must not be nil")
		}
		o.now = now
		return nil
	}
}

// WithValidateUser logs in with ValidateUser instead of ValidateClient (the
// documentation calls them the same; a staff login gets token type 03).
func WithValidateUser() Option {
	return func(o *config) error {
		o.validateUser = true
		return nil
	}
}

// WithCheckWrites makes Check also probe the write operations, each with
// enrolment or occurrence ID 0, which no record has, so nothing changes:
// VETtrak answers "no records" or "error" when the licence allows the
// operation and Status -5 when it does not. Off by default because it
// sends writes to a production system.
func WithCheckWrites() Option {
	return func(o *config) error {
		o.checkWrites = true
		return nil
	}
}

// WithWireNames maps the names a particular server uses to the SDK's, per
// operation (see WireNames; CheckContract prints the map a server needs).
// Use it only after CheckContract showed the difference: a wrong mapping
// sends values under names the server ignores.
func WithWireNames(w WireNames) Option {
	return func(o *config) error {
		wn, err := newWireNames(w)
		if err != nil {
			return err
		}
		o.wire = wn
		return nil
	}
}

// WithContractDifferencesAllowed lets writes through the given operations
// go ahead even when CheckContract found that the server's contract
// differs from the SDK's; with no operations, every write does and the
// server's WSDL is not read before the first write. By default a write
// through an operation with a blocking difference is refused with a
// *ContractError (errors.Is ErrContract).
func WithContractDifferencesAllowed(ops ...string) Option {
	return func(o *config) error {
		if len(ops) == 0 {
			o.allowAll = true
			return nil
		}
		if o.allowOps == nil {
			o.allowOps = map[string]bool{}
		}
		for _, op := range ops {
			o.allowOps[op] = true
		}
		return nil
	}
}
