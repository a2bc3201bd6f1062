package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/transport"
)

// Settings are the transport options every client shares (package
// transport documents their meaning). A client's config embeds Settings,
// its With… options call the setters, which validate, and New builds the
// stack with Client. The setters' errors carry Service as their prefix.
type Settings struct {
	// Service names the client in errors: "vettrak", "canvas", "moodle".
	Service string

	HTTPClient *http.Client // a copy, never the caller's
	Transport  http.RoundTripper
	Retry      transport.RetryPolicy // as given; resolved against DefaultRetry
	// DefaultRetry is the client's default policy.
	DefaultRetry transport.RetryPolicy
	Limiter      *rate.Limiter
	MaxBodySize  int64
	// Timeout and AttemptTimeout are in Config's terms: negative means none.
	Timeout, AttemptTimeout time.Duration
	UserAgent               string
	Logger                  *slog.Logger

	timeoutSet bool
}

func (s *Settings) errorf(format string, a ...any) error {
	return fmt.Errorf(s.Service+": "+format, a...)
}

// SetHTTPClient keeps a copy of hc; see Client for how it is used.
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return s.errorf("http client must not be nil")
	}
	c := *hc
	s.HTTPClient = &c
	return nil
}

// SetTransport sets the base transport.
func (s *Settings) SetTransport(rt http.RoundTripper) error {
	if rt == nil {
		return s.errorf("transport must not be nil")
	}
	s.Transport = rt
	return nil
}

// SetRetry sets the retry policy.
func (s *Settings) SetRetry(p transport.RetryPolicy) error {
	if err := p.Validate(); err != nil {
		return s.errorf("%w", err)
	}
	s.Retry = p
	return nil
}

// SetRateLimit paces attempts at r per second; rate.Inf removes the limit.
func (s *Settings) SetRateLimit(r rate.Limit, burst int) error {
	if r == rate.Inf {
		s.Limiter = nil
		return nil
	}
	if r <= 0 || burst < 1 {
		return s.errorf("invalid rate limit %v/s burst %d", r, burst)
	}
	s.Limiter = rate.NewLimiter(r, burst)
	return nil
}

// SetLimiter shares l.
func (s *Settings) SetLimiter(l *rate.Limiter) error {
	if l == nil {
		return s.errorf("limiter must not be nil")
	}
	s.Limiter = l
	return nil
}

// SetMaxBodySize caps a successful response body.
func (s *Settings) SetMaxBodySize(n int64) error {
	if n < transport.MinBodySize {
		return s.errorf("max body size %d is below the minimum of %d", n, transport.MinBodySize)
	}
	s.MaxBodySize = n
	return nil
}

// SetTimeout bounds one call; 0 turns the bound off.
func (s *Settings) SetTimeout(d time.Duration) error {
	if d < 0 {
		return s.errorf("timeout must not be negative")
	}
	s.Timeout, s.timeoutSet = offIfZero(d), true
	return nil
}

// SetAttemptTimeout bounds one attempt; 0 turns the bound off.
func (s *Settings) SetAttemptTimeout(d time.Duration) error {
	if d < 0 {
		return s.errorf("attempt timeout must not be negative")
	}
	s.AttemptTimeout = offIfZero(d)
	return nil
}

// SetUserAgent sets the User-Agent header.
func (s *Settings) SetUserAgent(ua string) error {
	if ua == "" {
		return s.errorf("user agent must not be empty")
	}
	s.UserAgent = ua
	return nil
}

// SetLogger sets the debug logger.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return s.errorf("logger must not be nil")
	}
	s.Logger = l
	return nil
}

// offIfZero maps an option's "0 turns it off" to Config's "negative means
// none".
func offIfZero(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// Log returns the client's logger: Logger behind a handler that masks
// secrets, or one that discards.
func (s *Settings) Log(secrets *redact.Secrets) *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(redact.Handler(s.Logger.Handler(), secrets))
}

// Retries resolves Retry against DefaultRetry: zero fields take the
// default, a negative MaxRetries means none.
func (s *Settings) Retries() transport.RetryPolicy {
	p, def := s.Retry, s.DefaultRetry
	if p.MaxRetries == 0 {
		p.MaxRetries = def.MaxRetries
	}
	if p.MinWait == 0 {
		p.MinWait = def.MinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = def.MaxWait
	}
	p.MaxWait = max(p.MaxWait, p.MinWait)
	return p
}

// Client builds the client's *http.Client: the stack of NewClient with
// cfg's client-specific fields (Meter, Classify, Wrap, Redact) and the
// shared settings filled in. A caller's HTTPClient is used as the outer
// client (its Jar and CheckRedirect, after the redirect guard) with its
// Transport as the base under the whole stack, and its Timeout as the
// call deadline unless SetTimeout was called.
func (s *Settings) Client(cfg Config, log *slog.Logger) *http.Client {
	r := s.Retries()
	cfg.RetryMax, cfg.RetryWaitMin, cfg.RetryWaitMax = r.MaxRetries, r.MinWait, r.MaxWait
	if r.MaxRetries == 0 {
		cfg.RetryMax = -1 // a default of zero retries: Config reads 0 as its own default
	}
	cfg.Limiter = s.Limiter
	cfg.Timeout, cfg.AttemptTimeout = s.Timeout, s.AttemptTimeout
	cfg.Logger = log
	cfg.Base = s.Transport
	if s.HTTPClient != nil {
		if cfg.Base == nil {
			cfg.Base = s.HTTPClient.Transport
		}
		if !s.timeoutSet && s.HTTPClient.Timeout > 0 {
			cfg.Timeout = s.HTTPClient.Timeout
		}
	}
	hc := NewClient(cfg)
	if s.HTTPClient == nil {
		return hc
	}
	outer := *s.HTTPClient
	outer.Transport = hc.Transport
	outer.Timeout = 0 // the call deadline above covers it, body included
	return GuardRedirects(&outer, cfg.Redact)
}

// Apply runs a client's options on its config in order, skipping nil
// ones (so a caller may build a list conditionally), and returns the
// first error.
func Apply[C any, O ~func(*C) error](cfg *C, opts []O) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(cfg); err != nil {
			return err
		}
	}
	return nil
}
