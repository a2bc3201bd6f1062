package state

import (
	"context"
	"errors"
	"fmt"
	"github.com/vtsync/vtsync/sync/store"
	"iter"
	"sync"
	"time"
	"unicode/utf8"
)

// Failure is what the Syncer remembers about an item that failed: how
// often, why (the last error), and when to try it again.
type Failure struct {
	Key      string `json:"key"`
	Attempts int    `json:"attempts"`
	// LastError is the last error's text, redacted by the caller (the
	// store cannot know which strings are secrets) and cut to
	// MaxErrorText bytes.
	LastError   string    `json:"last_error"`
	FirstFailed time.Time `json:"first_failed"`
	LastFailed  time.Time `json:"last_failed"`
	NextRetry   time.Time `json:"next_retry"`
}

// MaxErrorText bounds Failure.LastError.
const MaxErrorText = 2048

// Backoff spaces out retries of a failing item: the first retry waits
// Initial, each later one twice as long as the one before, never more
// than Max. Without jitter, so tests and "next retry at" reports are
// exact; items are retried by scheduled runs, not in a tight loop, so
// there is no thundering herd to spread.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
}

// DefaultBackoff suits runs a few times a day: 5 minutes, doubling up to a
// day.
var DefaultBackoff = Backoff{Initial: 5 * time.Minute, Max: 24 * time.Hour}

// Delay is the wait after the given number of failed attempts (1 for the
// first failure).
func (b Backoff) Delay(attempts int) time.Duration {
	if b.Initial <= 0 {
		return 0
	}
	maxDelay := b.Max
	if maxDelay < b.Initial {
		maxDelay = b.Initial
	}
	d := b.Initial
	for i := 1; i < attempts; i++ {
		if d >= maxDelay/2 {
			return maxDelay
		}
		d *= 2
	}
	return min(d, maxDelay)
}

// Failures keeps per-item failure and retry state.
type Failures struct {
	t       store.Typed[Failure]
	now     func() time.Time
	backoff Backoff
	mu      sync.Mutex // serialises Record's read-modify-write in one process
}

// FailuresOption configures NewFailures. An option given a value it
// cannot use returns an error matching store.ErrInvalidOption.
type FailuresOption func(*Failures) error

// WithNow sets the clock (default time.Now), so tests control retry times.
func WithNow(now func() time.Time) FailuresOption {
	return func(f *Failures) error {
		if now == nil {
			return fmt.Errorf("%w: WithNow: nil clock", store.ErrInvalidOption)
		}
		f.now = now
		return nil
	}
}

// WithBackoff sets the retry spacing (default DefaultBackoff). A zero
// Initial retries on the next run; negative waits, or a Max below a
// non-zero Initial, are errors.
func WithBackoff(b Backoff) FailuresOption {
	return func(f *Failures) error {
		if b.Initial < 0 || b.Max < 0 || (b.Max != 0 && b.Max < b.Initial) {
			return fmt.Errorf("%w: WithBackoff: %s up to %s is not a backoff", store.ErrInvalidOption, b.Initial, b.Max)
		}
		f.backoff = b
		return nil
	}
}

// NewFailures returns the failures kept in s, or the first option's error.
func NewFailures(s store.Store, opts ...FailuresOption) (*Failures, error) {
	f := &Failures{t: store.NewTyped[Failure](s, FailuresBucket), now: time.Now, backoff: DefaultBackoff}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Record notes one more failed attempt at key with the (already redacted)
// error text, and returns the updated record with its next retry time.
func (f *Failures) Record(ctx context.Context, key, errText string) (Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	cur, err := f.t.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrCorrupt):
		// A record that no longer decodes is replaced rather than left to
		// block the item for ever.
		cur = Failure{Key: key, FirstFailed: now}
	case err != nil:
		return Failure{}, err
	}
	cur.Key = key
	cur.Attempts++
	cur.LastError = cutText(errText, MaxErrorText)
	cur.LastFailed = now
	cur.NextRetry = now.Add(f.backoff.Delay(cur.Attempts))
	if err := f.t.Put(ctx, key, cur); err != nil {
		return Failure{}, err
	}
	return cur, nil
}

// Clear forgets key's failures, after it succeeds.
func (f *Failures) Clear(ctx context.Context, key string) error {
	return f.t.Delete(ctx, key)
}

// Get returns key's failure record, or an error matching store.ErrNotFound.
func (f *Failures) Get(ctx context.Context, key string) (Failure, error) {
	return f.t.Get(ctx, key)
}

// Due reports whether key may be tried now: it has no failure record, or
// its next retry time has come.
func (f *Failures) Due(ctx context.Context, key string) (bool, error) {
	cur, err := f.t.Get(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrCorrupt):
		return true, nil
	case err != nil:
		return false, err
	}
	return !f.now().Before(cur.NextRetry), nil
}

// List yields the failure records whose keys start with prefix, sorted
// by key.
func (f *Failures) List(ctx context.Context, prefix string) iter.Seq2[Failure, error] {
	return func(yield func(Failure, error) bool) {
		for e, err := range f.t.List(ctx, prefix) {
			if !yield(e.Value, err) {
				return
			}
		}
	}
}

// cutText cuts s to at most n bytes at a character boundary, marking the
// cut with "…".
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
