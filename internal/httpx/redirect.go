package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vtsync/vtsync/transport"
)

// ErrRedirect matches every redirect the client refused (errors.Is);
// it is transport.ErrRedirect.
var ErrRedirect = transport.ErrRedirect

// maxRedirects bounds same-origin redirects in one call.
const maxRedirects = 5

// RedirectError is a redirect the client refused to follow: to another
// origin, which would hand it the request and maybe its credentials
// (Go's client keeps the Authorization header on a redirect to another
// port of the same host, and the VETtrak password travels in the SOAP
// body), or one that would send the request body again (307/308).
type RedirectError struct {
	StatusCode int
	// Location is where the server pointed, without user info or
	// credential-bearing query values, secrets masked.
	Location string
	Reason   string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused redirect (HTTP %d) to %s: %s", e.StatusCode, e.Location, e.Reason)
}

// Is matches ErrRedirect.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// CheckRedirect is the redirect policy of every client NewClient builds,
// for http.Client.CheckRedirect: follow a redirect only when it stays on
// the origin (scheme, host and port) of the first request and sends no
// body, at most five times. redact, when not nil, masks secrets in the
// refused Location.
func CheckRedirect(redact func(string) string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		var reason string
		switch {
		case len(via) == 0:
			return nil
		case !SameOrigin(via[0].URL, req.URL):
			reason = "another origin than " + origin(via[0].URL)
		case req.Body != nil && req.Body != http.NoBody:
			reason = "it would send the request body again"
		case len(via) >= maxRedirects:
			reason = fmt.Sprintf("more than %d redirects", maxRedirects)
		default:
			return nil
		}
		e := &RedirectError{Location: SanitizeURL(req.URL), Reason: reason}
		if redact != nil {
			e.Location = redact(e.Location)
		}
		if req.Response != nil {
			e.StatusCode = req.Response.StatusCode
		}
		return e
	}
}

// GuardRedirects returns a copy of hc whose redirects pass CheckRedirect
// first and then hc's own policy. hc is not modified.
func GuardRedirects(hc *http.Client, redact func(string) string) *http.Client {
	c := *hc
	ours, theirs := CheckRedirect(redact), hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := ours(req, via); err != nil {
			return err
		}
		if theirs != nil {
			return theirs(req, via)
		}
		return nil
	}
	return &c
}

// SameOrigin reports whether a and b share scheme, host and port (RFC 6454),
// the port defaulting by scheme.
func SameOrigin(a, b *url.URL) bool { return origin(a) == origin(b) }

func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
