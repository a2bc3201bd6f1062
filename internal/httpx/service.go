package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/transport"
)

// The plumbing the REST clients (canvas, moodle) share: the checks on
// their base URL and token, the operation name a request carries for the
// meter and errors, and the shape of a failed round trip.

// CheckToken refuses an empty token, or one that would split a header.
func CheckToken(service, what, token string) error {
	if strings.TrimSpace(token) == "" {
		return errors.New(service + ": empty " + what)
	}
	if strings.ContainsAny(token, "\r\n") {
		return errors.New(service + ": " + what + " contains a line break")
	}
	return nil
}

// ParseBase parses a service's base URL: http(s), a host, no credentials,
// query or fragment. It returns the URL with its path's trailing slashes
// removed.
func ParseBase(service, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, errors.New(service + ": bad base URL: " + redact.Clip(UnwrapURLError(err).Error(), 200))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New(service + ": base URL " + SanitizeURL(u) + " must be http or https")
	case u.Host == "":
		return nil, errors.New(service + ": base URL has no host")
	case u.User != nil:
		return nil, errors.New(service + ": base URL must not carry credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New(service + ": base URL must not have a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

type opKey struct{}

// WithOp names the operation the requests made with ctx belong to.
func WithOp(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

// OpOf names the operation of a request, for the meter: what WithOp set,
// or the method and path.
func OpOf(r *http.Request) string {
	if op, ok := r.Context().Value(opKey{}).(string); ok {
		return op
	}
	return r.Method + " " + r.URL.Path
}

// UnwrapURLError drops *url.Error's own copy of the URL (which may carry a
// secret, and which the caller prints sanitised) while keeping the cause.
func UnwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// RoundTripError is what a failed Do becomes: the context's error when
// the caller cancelled, otherwise the cause with secrets masked in its
// message and its chain (*net.OpError, *TimeoutError, *RedirectError)
// kept.
func RoundTripError(ctx context.Context, err error, secrets *redact.Secrets) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return secrets.Error(UnwrapURLError(err))
}

// OpError wraps err in the operation error of service and op; nil stays
// nil, and an error that already names an operation is returned as is.
func OpError(service, op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *transport.OperationError
	if errors.As(err, &oe) {
		return err
	}
	return &transport.OperationError{Service: service, Operation: op, Err: err}
}

// Setup is the start of a REST client's New: it checks the token, applies
// the options to cfg and returns the secret set that masks the token in
// logs and errors.
func Setup[C any, O ~func(*C) error](service, what, token string, cfg *C, opts []O) (*redact.Secrets, error) {
	if err := CheckToken(service, what, token); err != nil {
		return nil, err
	}
	if err := Apply(cfg, opts); err != nil {
		return nil, err
	}
	secrets := &redact.Secrets{}
	secrets.Add(token)
	return secrets, nil
}
