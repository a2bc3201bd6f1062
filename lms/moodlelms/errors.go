package moodlelms

import (
	"context"
	"errors"
	"fmt"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

// wrap turns a moodle error into one that matches the lms sentinels while
// still wrapping the moodle error (reachable with errors.As). op names the
// call and kind and id the record.
func wrap(op, kind, id string, err error) error {
	if err == nil {
		return nil
	}
	prefix := fmt.Sprintf("moodlelms: %s: %s %q", op, kind, id)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", prefix, err)
	case errors.Is(err, moodle.ErrThrottled):
		return fmt.Errorf("%s: %w", prefix, &lms.RateLimitError{RetryAfter: DefaultRetryAfter, Err: err})
	case errors.Is(err, moodle.ErrTaken):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrConflict, err)
	case errors.Is(err, moodle.ErrNotFound):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrNotFound, err)
	case errors.Is(err, moodle.ErrInvalidToken):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrUnauthorized, err)
	case errors.Is(err, moodle.ErrAccessDenied):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrForbidden, err)
	case errors.Is(err, moodle.ErrInvalidParameter):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// fail is an error of this package's own making that matches sentinel.
func fail(op, kind, id string, sentinel error, detail string) error {
	return fmt.Errorf("moodlelms: %s: %s %q: %s: %w", op, kind, id, detail, sentinel)
}
