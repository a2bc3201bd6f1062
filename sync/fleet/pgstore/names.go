package pgstore

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vtsync/vtsync/sync/store"
)

// The checks below repeat sync/store's unexported ones, so that every
// Store rejects the same names with the same store.ErrInvalid. (If store
// exports its checks, use those.) PostgreSQL text cannot hold NUL and
// must be valid UTF-8, which these limits already demand.

func checkName(what, s string, max int) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty %s", store.ErrInvalid, what)
	case len(s) > max:
		return fmt.Errorf("%w: %s is %d bytes, more than %d", store.ErrInvalid, what, len(s), max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s is not valid UTF-8", store.ErrInvalid, what)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("%w: %s holds a NUL byte", store.ErrInvalid, what)
	}
	return nil
}

func checkBucketKey(bucket, key string) error {
	if err := checkName("bucket name", bucket, store.MaxBucketLen); err != nil {
		return err
	}
	return checkName("key", key, store.MaxKeyLen)
}

func checkPut(bucket, key string, value []byte) error {
	if err := checkBucketKey(bucket, key); err != nil {
		return err
	}
	if len(value) > store.MaxValueLen {
		return fmt.Errorf("%w: value is %d bytes, more than %d", store.ErrInvalid, len(value), store.MaxValueLen)
	}
	return nil
}

// shortKey keeps error messages short when a key is huge.
func shortKey(k string) string {
	if len(k) <= 80 {
		return k
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(k[cut]) {
		cut--
	}
	return k[:cut] + "…"
}
