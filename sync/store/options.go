package store

import "errors"

// ErrInvalidOption is matched by the error of an option given a value it
// cannot use (Open's options, and those of the Syncer's retry state kept in
// the store): a negative wait, an unusable file mode or a nil clock is
// reported, never replaced by a default.
var ErrInvalidOption = errors.New("store: invalid option")
