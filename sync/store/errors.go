package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: no value under the key.
	ErrNotFound = errors.New("store: not found")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrLocked: another process holds the store file.
	ErrLocked = errors.New("store: locked by another process")
	// ErrInvalid: an empty, overlong or non-text bucket name or key, or an
	// overlong value.
	ErrInvalid = errors.New("store: invalid bucket, key or value")
	// ErrCorrupt: a stored value does not decode as the type asked for.
	ErrCorrupt = errors.New("store: value does not decode")
)

// Error names the operation and the record a failure concerns.
type Error struct {
	Op     string // "get", "put", "putmany", "delete", "list", "decode", "open"
	Bucket string
	Key    string // empty for whole-bucket operations
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("store: ")
	b.WriteString(e.Op)
	if e.Bucket != "" {
		fmt.Fprintf(&b, " %q", e.Bucket)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, " key %q", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "store: "))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func opError(op, bucket, key string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Bucket: bucket, Key: key, Err: err}
}

// checkName validates a bucket name or key.
func checkName(what, s string, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	case len(s) > max:
		return fmt.Errorf("%w: %s is %d bytes, more than %d", ErrInvalid, what, len(s), max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, what)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("%w: %s holds a NUL byte", ErrInvalid, what)
	}
	return nil
}

func checkBucket(bucket string) error { return checkName("bucket name", bucket, MaxBucketLen) }

func checkKey(key string) error { return checkName("key", key, MaxKeyLen) }

// CheckKey reports whether every Store accepts key (an error matching
// ErrInvalid if not), so a caller can refuse one record whose identifier
// cannot be a key before it reaches a write that stores many at once.
func CheckKey(key string) error { return checkKey(key) }

func checkValue(v []byte) error {
	if len(v) > MaxValueLen {
		return fmt.Errorf("%w: value is %d bytes, more than %d", ErrInvalid, len(v), MaxValueLen)
	}
	return nil
}

// checkPut validates a write before any store is touched.
func checkPut(bucket, key string, value []byte) error {
	if err := checkBucket(bucket); err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	return checkValue(value)
}

// truncateKey keeps error messages short when a key is huge.
func truncateKey(k string) string {
	if len(k) <= 80 {
		return k
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(k[cut]) {
		cut--
	}
	return k[:cut] + "…"
}
