package store

import "errors"

// ErrInvalidOption is matched by the error of an option given a value it
// cannot use (Open's and NewFailures' options): a nil clock or a negative
// wait is reported, never replaced by a default.
var ErrInvalidOption = errors.New("store: invalid option")
