package sync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	gosync "sync"
	"time"

	"github.com/vtsync/vtsync/sync/store"
)

// One provider, one writer at a time.
//
// A second instance syncing the same provider (a second Syncer on the same
// store, or a second process) would plan from the same reads and write
// every result twice, doubling VETtrak's result history. Two defences:
//
//   - A lease in the store: Run, ReportResults and Apply hold the
//     provider's lease (store.Leases, renewed while they work, released
//     when done, lapsing DefaultLeaseTTL after a holder dies). Another
//     instance on the same store fails at once with an error matching
//     ErrLeased and changes nothing. Instances on different stores (two
//     state directories) cannot see each other's lease: one provider must
//     have one store.
//   - A fresh check immediately before each result write: the enrolled
//     units are re-read (once per enrolment per Apply) and a value already
//     in place is not written again, whoever put it there; a value changed
//     since the plan is left alone (ErrChangedInVETtrak). This is what
//     keeps a stale plan, or an instance on another store, from writing
//     twice; it narrows the window to the moment between the re-read and
//     the write, it does not close it.

// ErrLeased matches the error of a run refused because another instance
// holds the provider's lease (a *store.LeaseError says which and until
// when).
var ErrLeased = store.ErrLeased

// ErrLeaseLost matches the error of a Run, Apply or ReportResults stopped
// because another holder took the provider's lease while it worked (the
// renewal found it taken, say after this process stalled for longer than
// the lease's lifetime). The error also matches context.Canceled, which is
// how the work was stopped, and store.ErrLeased, which says who holds it.
var ErrLeaseLost = errors.New("vtsync: lease lost while working")

// DefaultLeaseTTL is how long a lease lives without renewal: how long a
// crashed instance keeps others out. A holder renews at a third of it.
const DefaultLeaseTTL = time.Minute

// LeaseName is the name of the provider's lease in its store
// (store.Leases); a store.Namespace gives each provider its own. Tools
// that must keep Syncers off a provider (a migration, a fleet) take it.
const LeaseName = "sync"

// WithLeaseTTL sets the lease's lifetime (default DefaultLeaseTTL); it
// must be positive.
func WithLeaseTTL(d time.Duration) Option {
	return func(s *Syncer) error {
		if d <= 0 {
			return optionErr("WithLeaseTTL: %v is not a lifetime (it must be positive)", d)
		}
		s.lease.ttl = d
		return nil
	}
}

// leaseState is one Syncer's hold on its lease. Holds nest (Run holds it
// and calls Apply, which holds it too): the first takes it and starts the
// renewal, the last releases it.
type leaseState struct {
	ttl    time.Duration
	mu     gosync.Mutex
	holder string
	depth  int
	stop   func()
}

func (s *Syncer) leaseTTL() time.Duration {
	if s.lease.ttl > 0 {
		return s.lease.ttl
	}
	return DefaultLeaseTTL
}

// holderID names this Syncer instance: host and process for the people
// reading a LeaseError, and a random part so that two Syncers in one
// process differ.
func (s *Syncer) holderID() string {
	if s.lease.holder == "" {
		host, _ := os.Hostname()
		var b [6]byte
		_, _ = rand.Read(b[:])
		s.lease.holder = fmt.Sprintf("%s pid %d #%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return s.lease.holder
}

// holdLease takes the provider's lease (or joins this Syncer's hold on
// it) and returns a context that is cancelled if the lease is lost while
// working, and the function that ends the hold. A store that cannot hold a
// lease (no store.Updater) runs without one, with a warning: the fresh
// check before each result write still applies.
func (s *Syncer) holdLease(ctx context.Context) (context.Context, func(), error) {
	ls := &s.lease
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.depth > 0 {
		ls.depth++
		return ctx, s.endHold, nil
	}
	holder, ttl := s.holderID(), s.leaseTTL()
	leases := store.NewLeases(s.store, s.now)
	if _, err := leases.Acquire(ctx, LeaseName, holder, ttl); err != nil {
		if errors.Is(err, store.ErrNoUpdate) {
			s.log.WarnContext(ctx, "the store cannot hold a lease: run one instance per provider", "err", err)
			return ctx, func() {}, nil
		}
		return ctx, nil, fmt.Errorf("another instance is syncing this provider: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg gosync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_, err := leases.Renew(context.WithoutCancel(ctx), LeaseName, holder, ttl)
			switch {
			case errors.Is(err, store.ErrLeased):
				s.log.ErrorContext(ctx, "lease lost: stopping", "err", err)
				cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
				return
			case err != nil:
				s.log.WarnContext(ctx, "renew lease", "err", err)
			}
		}
	}()
	ls.depth = 1
	ls.stop = func() {
		close(done)
		wg.Wait()
		if err := leases.Release(context.WithoutCancel(ctx), LeaseName, holder); err != nil {
			s.log.WarnContext(ctx, "release lease", "err", err)
		}
		cancel(nil)
	}
	return ctx, s.endHold, nil
}

func (s *Syncer) endHold() {
	ls := &s.lease
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.depth--
	if ls.depth == 0 && ls.stop != nil {
		ls.stop()
		ls.stop = nil
	}
}

// leaseLost names the lost lease as the cause of err when the work was
// cancelled for it; other errors, and nil, pass through unchanged. Without
// it a lost lease would read as a bare "context canceled".
func leaseLost(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if cause := context.Cause(ctx); errors.Is(cause, ErrLeaseLost) && !errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("%w (%w)", cause, err)
	}
	return err
}
