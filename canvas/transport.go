package canvas

import (
	"github.com/vtsync/vtsync/transport"
)

// RetryPolicy is the retry policy WithRetry takes: a zero field means
// DefaultRetry's, a negative MaxRetries none (transport.RetryPolicy).
type RetryPolicy = transport.RetryPolicy

// NoRetries returns the policy that sends every request once.
func NoRetries() RetryPolicy { return transport.NoRetries() }

// OperationError is every error a Client method returns: Service
// "canvas", Operation the method and endpoint template as Stats keys it
// ("GET courses/{id}/sections"), and the cause, reachable with errors.Is
// and errors.As (*Error, *DecodeError, the sentinels, *net.OpError,
// context.DeadlineExceeded). A call refused before anything is sent
// because an object reference is missing names the endpoint template alone
// ("courses/{id}").
type OperationError = transport.OperationError

// ErrBodyTooLarge: a successful response body exceeded WithMaxBodySize.
var ErrBodyTooLarge = transport.ErrBodyTooLarge
