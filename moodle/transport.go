package moodle

import (
	"github.com/vtsync/vtsync/transport"
)

// RetryPolicy is the retry policy WithRetry takes: a zero field means
// DefaultRetry's, a negative MaxRetries none (transport.RetryPolicy).
type RetryPolicy = transport.RetryPolicy

// NoRetries returns the policy that sends every request once.
func NoRetries() RetryPolicy { return transport.NoRetries() }

// OperationError is every error a Client method returns: Service
// "moodle", Operation the web service function as Stats keys it
// ("core_course_get_courses_by_field"), and the cause, reachable with
// errors.Is and errors.As (*Exception, *HTTPError, *DecodeError, the
// sentinels, *net.OpError, context.DeadlineExceeded).
type OperationError = transport.OperationError

// ErrBodyTooLarge: a successful response body exceeded WithMaxBodySize.
var ErrBodyTooLarge = transport.ErrBodyTooLarge

// ErrRedirect: Moodle answered with a redirect the client refuses to
// follow: to another origin, which would hand over the request and the
// token in its body, or one that would send the body again (307/308).
var ErrRedirect = transport.ErrRedirect
