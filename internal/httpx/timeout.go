package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Default deadlines. A server that sends its headers and then stalls (or
// never answers) must not hold a sync run, and the state lock it holds, for
// ever (issue 18 item 6), so every call has a deadline unless the caller
// turns it off explicitly.
const (
	// DefaultAttemptTimeout bounds one attempt, from sending the request to
	// the last byte of the body: above Canvas Cloud's load balancer cut-off
	// (about 60 s before the first byte) and IIS's default ASP.NET request
	// limit (110 s) that a self-hosted VETtrak runs under, with room to
	// read a 64 MiB body at half a megabyte a second.
	DefaultAttemptTimeout = 2 * time.Minute
	// DefaultTimeout bounds one call: every attempt, the backoff between
	// them and reading the body. Two stalled attempts and their backoff fit.
	DefaultTimeout = 5 * time.Minute
)

// TimeoutError is a call or an attempt that ran out of its own time (not
// the caller's context). It matches context.DeadlineExceeded with
// errors.Is, and is a net.Error whose Timeout is true.
type TimeoutError struct {
	// Scope is "call" or "attempt".
	Scope string
	Limit time.Duration
	// Err is what the transport reported when the deadline passed.
	Err error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s timed out after %v: %v", e.Scope, e.Limit, e.Err)
}

// Timeout reports true (net.Error).
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports false (net.Error; deprecated there, kept for the interface).
func (e *TimeoutError) Temporary() bool { return false }

// Is matches context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func (e *TimeoutError) Unwrap() error { return e.Err }

// deadline bounds everything below it, the response body included, by d.
type deadline struct {
	d     time.Duration
	scope string
	next  http.RoundTripper
}

func (t *deadline) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, t.d)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		err = t.explain(ctx, parent, err)
		cancel()
		return nil, err
	}
	resp.Body = &deadlineBody{ReadCloser: resp.Body, t: t, ctx: ctx, parent: parent, cancel: cancel}
	return resp, nil
}

// explain turns a failure caused by our own deadline into a *TimeoutError;
// the caller's cancellation or deadline passes through untouched.
func (t *deadline) explain(ctx, parent context.Context, err error) error {
	if ctx.Err() == nil || parent.Err() != nil {
		return err
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return err // an inner deadline already said so
	}
	return &TimeoutError{Scope: t.scope, Limit: t.d, Err: err}
}

// deadlineBody keeps the deadline running while the body is read (a server
// may send headers and then stall) and releases it on Close.
type deadlineBody struct {
	io.ReadCloser
	t           *deadline
	ctx, parent context.Context
	cancel      context.CancelFunc
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = b.t.explain(b.ctx, b.parent, err)
	}
	return n, err
}

func (b *deadlineBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// withDeadline wraps next in a deadline of d: zero means def, negative
// means none.
func withDeadline(next http.RoundTripper, d, def time.Duration, scope string) http.RoundTripper {
	if d == 0 {
		d = def
	}
	if d < 0 {
		return next
	}
	return &deadline{d: d, scope: scope, next: next}
}
