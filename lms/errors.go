package lms

import (
	"errors"
	"time"
)

// Sentinel errors. Implementations wrap their own errors so that these match
// with errors.Is.
var (
	// ErrNotFound: the object (by SIS ID) does not exist.
	ErrNotFound = errors.New("lms: not found")
	// ErrConflict: an object with that SIS ID (or login) already exists.
	ErrConflict = errors.New("lms: conflict")
	// ErrUnauthorized: the credentials are missing, wrong or expired.
	ErrUnauthorized = errors.New("lms: unauthorized")
	// ErrForbidden: the credentials lack a permission.
	ErrForbidden = errors.New("lms: forbidden")
	// ErrRateLimited: the LMS throttled the caller; see RateLimitError.
	ErrRateLimited = errors.New("lms: rate limited")
	// ErrInvalid: the LMS rejected the object's fields.
	ErrInvalid = errors.New("lms: invalid")
)

// RateLimitError carries how long to wait before trying again.
type RateLimitError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *RateLimitError) Error() string {
	if e.Err != nil {
		return "lms: rate limited: " + e.Err.Error()
	}
	return "lms: rate limited"
}

// Is makes a RateLimitError match ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

func (e *RateLimitError) Unwrap() error { return e.Err }

// IgnoreNotFound returns nil for errors matching ErrNotFound, else err.
func IgnoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
