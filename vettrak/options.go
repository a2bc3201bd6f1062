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
// first error.
type Option func(*config) error

type config struct {
	httpClient   *http.Client
	logger       *slog.Logger
	limiter      *rate.Limiter
	retry        RetryPolicy
	loc          *time.Location
	now          func() time.Time
	maxBody      int64
	timeout      time.Duration // 0: the default; negative: none
	attempt      time.Duration // 0: the default; negative: none
	userAgent    string
	validateUser bool
	tokenIdle    time.Duration
	checkWrites  bool
	wire         wireNames
	allowAll     bool            // write whatever the contract check found
	allowOps     map[string]bool // operations written whatever the check found
}

// Defaults.
const (
	// DefaultMaxBodySize caps a response body. The largest real answers
	// (a provider's whole occurrence list with units and staff) are a few
	// MiB; the cap only stops a runaway or hostile response.
	DefaultMaxBodySize int64 = 64 << 20
	// DefaultTimeZone is the zone VETtrak's zoneless dateTimes are read in.
	DefaultTimeZone = "Australia/Sydney"
	// TokenIdleTimeout is VETtrak's documented sliding token lifetime.
	TokenIdleTimeout = 60 * time.Minute
	defaultUserAgent = "vtsync-vettrak/1"
)

// RetryPolicy controls retries of transient failures (connection errors,
// HTTP 500/502/503/504 without a SOAP fault, 429). Only operations that are
// safe to repeat are retried; throttling answers are always retried.
type RetryPolicy struct {
	// MaxRetries after the first attempt; negative disables retries, zero
	// means the default (4).
	MaxRetries int
	// MinWait and MaxWait bound the jittered exponential backoff; zero
	// means the defaults (250ms, 30s). Retry-After is honoured up to MaxWait.
	MinWait, MaxWait time.Duration
}

// WithHTTPClient uses c's Transport as the base transport under the
// client's own retry, rate-limit, deadline, redirect and metering layers,
// and c's Timeout, when set and WithTimeout is not, as the bound for one
// whole call. c's CheckRedirect is not used: the client never follows a
// redirect to another origin or one that would send the body again. c is
// not modified.
func WithHTTPClient(c *http.Client) Option {
	return func(o *config) error {
		if c == nil {
			return errors.New("vettrak: http client must not be nil")
		}
		o.httpClient = c
		return nil
	}
}

// WithLogger sends the client's debug logs (logins, re-logins, retries) to
// l. Secrets are masked before they reach l's handler. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(o *config) error {
		if l == nil {
			return errors.New("vettrak: logger must not be nil")
		}
		o.logger = l
		return nil
	}
}

// WithRateLimit paces every HTTP attempt (retries included) to r per
// second with the given burst. VETtrak documents no limit; a self-hosted
// server is usually one IIS box, so be gentle.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(o *config) error {
		if r <= 0 || burst < 1 {
			return fmt.Errorf("vettrak: invalid rate limit %v/s burst %d", r, burst)
		}
		o.limiter = rate.NewLimiter(r, burst)
		return nil
	}
}

// WithLimiter shares an existing limiter (e.g. one per VETtrak server
// across several Client values).
func WithLimiter(l *rate.Limiter) Option {
	return func(o *config) error {
		if l == nil {
			return errors.New("vettrak: limiter must not be nil")
		}
		o.limiter = l
		return nil
	}
}

// WithRetry sets the retry policy.
func WithRetry(p RetryPolicy) Option {
	return func(o *config) error {
		if p.MinWait < 0 || p.MaxWait < 0 || (p.MaxWait > 0 && p.MinWait > p.MaxWait) {
			return fmt.Errorf("vettrak: invalid retry waits %v..%v", p.MinWait, p.MaxWait)
		}
		o.retry = p
		return nil
	}
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

// WithMaxBodySize caps response bodies (default DefaultMaxBodySize).
func WithMaxBodySize(n int64) Option {
	return func(o *config) error {
		if n < 1024 {
			return fmt.Errorf("vettrak: body size cap %d is too small", n)
		}
		o.maxBody = n
		return nil
	}
}

// WithTimeout bounds each call: every attempt, the backoff between them
// and reading the response body. The default is httpx.DefaultTimeout
// (5 minutes); 0 turns it off, leaving the context alone to bound calls.
func WithTimeout(d time.Duration) Option {
	return func(o *config) error {
		if d < 0 {
			return errors.New("vettrak: timeout must not be negative")
		}
		o.timeout = httpx.OptionTimeout(d)
		return nil
	}
}

// WithAttemptTimeout bounds each attempt, from sending the request to the
// last byte of the body, so a server that stalls is given up on (and a
// read retried) well before the call's own deadline. The default is
// httpx.DefaultAttemptTimeout (2 minutes, above IIS's default 110 s
// ASP.NET request limit that a self-hosted VETtrak runs under); 0 turns
// it off.
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *config) error {
		if d < 0 {
			return errors.New("vettrak: attempt timeout must not be negative")
		}
		o.attempt = httpx.OptionTimeout(d)
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(o *config) error {
		if ua == "" {
			return errors.New("vettrak: user agent must not be empty")
		}
		o.userAgent = ua
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
