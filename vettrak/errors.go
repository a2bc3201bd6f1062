package vettrak

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/vtsync/vtsync/internal/httpx"
	"github.com/vtsync/vtsync/transport"
)

// VETtrak answers most failures in-band: the call succeeds at the HTTP and
// SOAP level and the result's TAuthenticate carries a Status below 1. These
// are the documented values.
const (
	StatusOK                  = 1
	StatusUnknown             = 0
	StatusFailed              = -1 // VETtrak's STATUS_ERROR
	StatusExpired             = -2
	StatusDBError             = -3
	StatusNoRecords           = -4
	StatusMissingRegistration = -5
)

// Sentinels matched by *StatusError (errors.Is).
var (
	// ErrBadCredentials: ValidateClient/ValidateUser answered Status -1
	// ("Invalid Username/Password Combination.").
	ErrBadCredentials = errors.New("vettrak: invalid username or password")
	// ErrTokenExpired: Status -2, the token was idle for 60 minutes. The
	// client logs in again and repeats the call once before returning it.
	ErrTokenExpired = errors.New("vettrak: token expired")
	// ErrNoRecords: Status -4, usually "the requested record does not exist".
	// List methods return an empty list instead (see each method).
	ErrNoRecords = errors.New("vettrak: no records")
	// ErrMissingRegistration: Status -5, the provider's VETtrak registration
	// key (licence) lacks the feature this operation needs.
	ErrMissingRegistration = errors.New("vettrak: operation not licensed (registration key)")
	// ErrDB: Status -3, VETtrak reported a database error.
	ErrDB = errors.New("vettrak: database error")
	// ErrRejected: Status -1 on any other operation: invalid input, or the
	// user may not do this.
	ErrRejected = errors.New("vettrak: request rejected")
	// ErrUnknownStatus: Status 0 or a value VETtrak does not document.
	ErrUnknownStatus = errors.New("vettrak: unknown status")
	// ErrRedirect: the server answered with a redirect the client refuses
	// to follow: to another origin (scheme, host or port), which would
	// hand over the request and the password or token in its body, or one
	// that would send the body again (307/308). The error names the masked
	// Location.
	ErrRedirect = transport.ErrRedirect
)

// StatusError is an in-band failure: the operation's TAuthenticate had a
// Status other than 1. Like the other typed errors below, it reaches the
// caller inside the operation's *OperationError, whose message names the
// client and operation; Op repeats the operation for callers that hold the
// typed error alone. Message is VETtrak's StatusMessage with any secret
// masked, capped at 1 KiB with a truncation marker.
type StatusError struct {
	Op      string
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = statusName(e.Status, e.Op)
	}
	return "status " + strconv.Itoa(e.Status) + ": " + msg
}

// Is matches the sentinel for the status.
func (e *StatusError) Is(target error) bool {
	return target == e.sentinel()
}

func (e *StatusError) sentinel() error {
	switch e.Status {
	case StatusFailed:
		if isLoginOp(e.Op) {
			return ErrBadCredentials
		}
		return ErrRejected
	case StatusExpired:
		return ErrTokenExpired
	case StatusDBError:
		return ErrDB
	case StatusNoRecords:
		return ErrNoRecords
	case StatusMissingRegistration:
		return ErrMissingRegistration
	}
	return ErrUnknownStatus
}

func statusName(status int, op string) string {
	switch status {
	case StatusFailed:
		if isLoginOp(op) {
			return "invalid username or password"
		}
		return "error"
	case StatusExpired:
		return "token expired"
	case StatusDBError:
		return "database error"
	case StatusNoRecords:
		return "no records"
	case StatusMissingRegistration:
		return "the registration key does not include this function"
	case StatusUnknown:
		return "unknown"
	}
	return "undocumented status"
}

func isLoginOp(op string) bool { return op == opValidateClient || op == opValidateUser }

// FaultError is a SOAP fault: the server could not process the request at
// all (malformed request, server exception). It is never retried.
type FaultError struct {
	Op         string
	StatusCode int    // HTTP status the fault came with (usually 500)
	Code       string // faultcode, e.g. "soap:Client", "soap:Server"
	// String, Actor and Detail (the inner XML of detail, trimmed) are the
	// server's text with secrets masked, each capped at 1 KiB with a
	// truncation marker.
	String string // faultstring
	Actor  string
	Detail string
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("SOAP fault %s: %s", e.Code, e.String)
}

// HTTPError is an HTTP failure without a SOAP fault in the body (proxy
// errors, 503 from a load balancer, throttling that outlasted the retries).
type HTTPError struct {
	Op         string
	StatusCode int
	Status     string
	// Body is the start of the response body (512 bytes at most, and a
	// truncation marker), secrets masked.
	Body string
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.StatusCode)
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// DecodeError is a response the client could not read: malformed XML, a
// value of the wrong type, a missing result. Record names the element path,
// e.g. "GetLMSNewOccurrencesResult/OccuList/TOccu[3]/StartDate".
type DecodeError struct {
	Op     string
	Record string
	Err    error
}

func (e *DecodeError) Error() string {
	s := "cannot read response"
	if e.Record != "" {
		s += " at " + e.Record
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// opErr wraps err in op's *OperationError (nil stays nil; an error that
// already names an operation is returned as is).
func opErr(op string, err error) error { return httpx.OpError("vettrak", op, err) }

// InputError reports an argument the client refuses to send (e.g. a result
// whose start is after its finish), before any network call.
type InputError struct {
	Op     string
	Field  string
	Reason string
}

func (e *InputError) Error() string {
	return "invalid " + e.Field + ": " + e.Reason
}
