package transport

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// RetryPolicy controls the retries of failed attempts: throttling answers
// (429, Canvas's 403 "Rate Limit Exceeded") are retried whatever the call;
// transport errors and 5xx only for calls safe to repeat. The backoff is
// jittered and exponential between MinWait and MaxWait; a Retry-After is
// honoured up to MaxWait.
//
// One rule for every field: zero means the client's default, a negative
// MaxRetries turns retries off, and a negative wait is an error. So the
// zero RetryPolicy is the default policy and NoRetries() is none.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// MinWait and MaxWait bound the backoff between attempts.
	MinWait, MaxWait time.Duration
}

// NoRetries returns the policy that sends every request once.
func NoRetries() RetryPolicy { return RetryPolicy{MaxRetries: -1} }

// Validate reports a negative wait, or a MinWait above MaxWait when both
// are set.
func (p RetryPolicy) Validate() error {
	if p.MinWait < 0 || p.MaxWait < 0 || (p.MaxWait > 0 && p.MinWait > p.MaxWait) {
		return fmt.Errorf("invalid retry waits %v..%v", p.MinWait, p.MaxWait)
	}
	return nil
}

// MinBodySize is the smallest cap WithMaxBodySize accepts, in every
// client: below it not even an error envelope fits.
const MinBodySize int64 = 1 << 10

// OperationError is the error every client method returns: the service
// ("vettrak", "canvas", "moodle"), the operation that failed and the
// cause, as aws-sdk-go-v2's smithy.OperationError. Error() reads
// "canvas: GET courses/{id}: …"; Unwrap returns the cause, so the
// client's sentinels and typed errors match through it.
type OperationError struct {
	Service string
	// Operation names what failed, as the client's Stats key it: the SOAP
	// operation (vettrak), the method and endpoint template (canvas), or
	// the web service function (moodle).
	Operation string
	Err       error
}

// Error reads "service: operation: cause". A cause that starts with the
// service's own prefix (a sentinel such as "canvas: not found" wrapped
// directly) is not prefixed twice.
func (e *OperationError) Error() string {
	s := e.Service + ": " + e.Operation
	if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), e.Service+": ")
	}
	return s
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// Sentinels the clients share (each re-exports them: canvas.ErrRedirect,
// vettrak.ErrBodyTooLarge, …). They come wrapped in an *OperationError,
// whose message names the client and the operation.
var (
	// ErrRedirect: the server answered with a redirect the client refuses
	// to follow: to another origin (scheme, host or port), which would
	// hand over the request and the credentials it carries, or one that
	// would send the body again (307/308), or a sixth in a row.
	ErrRedirect = errors.New("transport: redirect refused")
	// ErrBodyTooLarge: a response body exceeded WithMaxBodySize.
	ErrBodyTooLarge = errors.New("transport: response body too large")
)
