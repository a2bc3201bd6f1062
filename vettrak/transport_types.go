package vettrak

import (
	"github.com/vtsync/vtsync/transport"
)

// RetryPolicy is the retry policy WithRetry takes: a zero field means
// DefaultRetry's, a negative MaxRetries none (transport.RetryPolicy).
type RetryPolicy = transport.RetryPolicy

// NoRetries returns the policy that sends every request once.
func NoRetries() RetryPolicy { return transport.NoRetries() }

// OperationError is every error a Client method returns: Service
// "vettrak", Operation the SOAP operation as Stats keys it
// ("GetLMSNewOccurrences"), and the cause, reachable with errors.Is and
// errors.As (*StatusError, *FaultError, *HTTPError, *DecodeError,
// *InputError, *ContractError, the sentinels, *net.OpError,
// context.DeadlineExceeded).
type OperationError = transport.OperationError

// ErrBodyTooLarge: a response body exceeded WithMaxBodySize (inside a
// *DecodeError).
var ErrBodyTooLarge = transport.ErrBodyTooLarge
