package canvaslms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// DefaultRetryAfter is the wait a *lms.RateLimitError suggests. Canvas's
// throttle answers carry no Retry-After; its bucket drains 10 units a
// second and a request reserves 50 while in flight, so a few seconds
// frees room for several requests.
const DefaultRetryAfter = 5 * time.Second

// wrap turns a canvas error into one that matches the lms sentinels while
// still wrapping the *canvas.Error (reachable with errors.As). op names
// the call and kind and id the record, e.g. ("CreateCourse", "course",
// "unit/IST101").
func wrap(op, kind, id string, err error) error {
	if err == nil {
		return nil
	}
	prefix := fmt.Sprintf("canvaslms: %s: %s %q", op, kind, id)
	if kind == "" {
		prefix = "canvaslms: " + op
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", prefix, err)
	case errors.Is(err, canvas.ErrThrottled):
		return fmt.Errorf("%s: %w", prefix, &lms.RateLimitError{RetryAfter: DefaultRetryAfter, Err: err})
	case errors.Is(err, canvas.ErrSISIDTaken), errors.Is(err, canvas.ErrLoginTaken):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrConflict, err)
	case errors.Is(err, canvas.ErrNotFound):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrNotFound, err)
	case errors.Is(err, canvas.ErrUnauthorized):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrUnauthorized, err)
	case errors.Is(err, canvas.ErrForbidden):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrForbidden, err)
	case errors.Is(err, canvas.ErrInvalid):
		return fmt.Errorf("%s: %w: %w", prefix, lms.ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// fail is an error of this package's own making (no Canvas answer
// behind it) that matches sentinel.
func fail(op, kind, id string, sentinel error, detail string) error {
	return fmt.Errorf("canvaslms: %s: %s %q: %s: %w", op, kind, id, detail, sentinel)
}

// checkSISID rejects SIS IDs no request could address.
func checkSISID(op, kind, field, id string) error {
	if id == "" {
		return fail(op, kind, id, lms.ErrInvalid, field+" is empty")
	}
	return nil
}

func quote(s string) string { return strconv.Quote(s) }
