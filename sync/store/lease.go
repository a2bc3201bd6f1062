package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLeased matches a *LeaseError: another holder has a live lease.
var ErrLeased = errors.New("store: leased by another holder")

// LeasesBucket holds the leases.
const LeasesBucket = "leases"

// Lease is a claim, with an expiry, that one holder (one Syncer instance)
// is the only one doing some work. A holder renews it while it works and
// releases it when done; a holder that dies lets it expire.
type Lease struct {
	Holder   string    `json:"holder"`
	Acquired time.Time `json:"acquired"`
	Expires  time.Time `json:"expires"`
}

// LeaseError says who holds a lease another holder asked for.
type LeaseError struct {
	Name   string
	Holder string
	// Expires is when the lease lapses unless its holder renews it.
	Expires time.Time
}

func (e *LeaseError) Error() string {
	return fmt.Sprintf("store: lease %q is held by %s until %s", e.Name, e.Holder, e.Expires.UTC().Format(time.RFC3339))
}

// Is makes a LeaseError match ErrLeased.
func (e *LeaseError) Is(target error) bool { return target == ErrLeased }

// Updater is a Store that can read and replace one value atomically: no
// other write to the key, from any goroutine or process sharing the
// store, comes between the read and the write. Memory, the bbolt DB and
// their Namespace views implement it; a store on a shared database
// implements it with a transaction (SELECT … FOR UPDATE, or a conditional
// UPDATE). Leases need it.
type Updater interface {
	// Update calls fn with the current value (found false when there is
	// none) and stores what it returns; fn returning ErrDeleteKey removes
	// the key (Update returns nil); fn returning any other error stores
	// nothing and Update returns that error.
	Update(ctx context.Context, bucket, key string, fn func(old []byte, found bool) ([]byte, error)) error
}

// ErrNoUpdate matches an error from Leases on a store that does not
// implement Updater: a lease cannot be taken safely there.
var ErrNoUpdate = errors.New("store: no atomic update (Updater) for leases")

// Leases takes, renews and releases named leases kept in a store, so that
// instances sharing the store (several Syncers of one provider in one
// process, or processes on one shared database) can tell that another one
// is at work. Expiry is judged by the clock of whoever asks, so holders
// sharing a store need clocks that agree to well within the lease's TTL.
type Leases struct {
	s   Store
	now func() time.Time
}

// NewLeases returns the leases kept in s, judged by the clock now (nil for
// time.Now).
func NewLeases(s Store, now func() time.Time) Leases {
	if now == nil {
		now = time.Now
	}
	return Leases{s: s, now: now}
}

// Acquire takes the named lease for holder for ttl, or renews it when
// holder has it already. It fails with a *LeaseError (ErrLeased) while
// another holder's lease is live, and takes over a lease that expired.
func (l Leases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	return l.update(ctx, name, holder, ttl, false)
}

// Renew extends holder's lease by ttl from now. It fails with a
// *LeaseError (ErrLeased) when the lease lapsed and another holder took
// it, or when there is none (it was released or expired and reclaimed):
// the holder must then stop, since another may be at work.
func (l Leases) Renew(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	return l.update(ctx, name, holder, ttl, true)
}

func (l Leases) update(ctx context.Context, name, holder string, ttl time.Duration, renew bool) (Lease, error) {
	u, ok := l.s.(Updater)
	if !ok {
		return Lease{}, fmt.Errorf("lease %q: %w", name, ErrNoUpdate)
	}
	if holder == "" || ttl <= 0 {
		return Lease{}, fmt.Errorf("%w: a lease needs a holder and a positive TTL", ErrInvalid)
	}
	var out Lease
	err := u.Update(ctx, LeasesBucket, name, func(old []byte, found bool) ([]byte, error) {
		now := l.now()
		var cur Lease
		if found {
			if err := json.Unmarshal(old, &cur); err != nil {
				// An unreadable lease protects nothing: take it over.
				found = false
			}
		}
		mine := found && cur.Holder == holder
		switch {
		case found && !mine && now.Before(cur.Expires):
			return nil, &LeaseError{Name: name, Holder: cur.Holder, Expires: cur.Expires}
		case renew && !found:
			return nil, &LeaseError{Name: name, Holder: "nobody (it lapsed or was released)"}
		case renew && !mine:
			return nil, &LeaseError{Name: name, Holder: cur.Holder, Expires: cur.Expires}
		}
		out = Lease{Holder: holder, Acquired: now, Expires: now.Add(ttl)}
		if mine {
			out.Acquired = cur.Acquired
		}
		return json.Marshal(out)
	})
	return out, err
}

// Release gives up holder's lease. Releasing a lease holder does not
// hold (it expired and another took it, or it was never taken) succeeds
// and leaves the other holder's lease alone.
func (l Leases) Release(ctx context.Context, name, holder string) error {
	u, ok := l.s.(Updater)
	if !ok {
		return fmt.Errorf("lease %q: %w", name, ErrNoUpdate)
	}
	err := u.Update(ctx, LeasesBucket, name, func(old []byte, found bool) ([]byte, error) {
		var cur Lease
		if !found || json.Unmarshal(old, &cur) != nil || cur.Holder != holder {
			return nil, errKeep
		}
		return nil, ErrDeleteKey
	})
	if errors.Is(err, errKeep) {
		return nil
	}
	return err
}

// ErrDeleteKey, returned by an Updater's fn, removes the key. Every
// Updater, in this package or outside it, must honour it: Leases release
// with it.
var ErrDeleteKey = errors.New("store: delete the key")

// errKeep, returned by fn, leaves the value as it is; Update passes it
// back like any error of fn's.
var errKeep = errors.New("keep")

// Update implements Updater.
func (m *Memory) Update(ctx context.Context, bucket, key string, fn func([]byte, bool) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.start(ctx, "update", bucket, key); err != nil {
		return err
	}
	if err := checkPut(bucket, key, nil); err != nil {
		return opError("update", bucket, truncateKey(key), err)
	}
	old, found := m.buckets[bucket][key]
	v, err := fn(cloneValue(old), found)
	switch {
	case errors.Is(err, ErrDeleteKey):
		delete(m.buckets[bucket], key)
		return nil
	case err != nil:
		return err
	}
	if err := checkValue(v); err != nil {
		return opError("update", bucket, truncateKey(key), err)
	}
	m.bucket(bucket)[key] = cloneValue(v)
	return nil
}

// Update implements Updater in one bbolt write transaction.
func (d *DB) Update(ctx context.Context, bucket, key string, fn func([]byte, bool) ([]byte, error)) error {
	if err := d.start(ctx, "update", bucket, key); err != nil {
		return err
	}
	if err := checkPut(bucket, key, nil); err != nil {
		return opError("update", bucket, truncateKey(key), err)
	}
	var fnErr error
	err := d.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			return err
		}
		old := b.Get([]byte(key))
		v, err := fn(cloneValue(old), old != nil)
		switch {
		case errors.Is(err, ErrDeleteKey):
			return b.Delete([]byte(key))
		case err != nil:
			fnErr = err
			return err
		}
		if err := checkValue(v); err != nil {
			return err
		}
		return b.Put([]byte(key), nonNil(v))
	})
	if fnErr != nil {
		return fnErr
	}
	return opError("update", bucket, key, mapErr(err))
}

// Update implements Updater when the store under the view does.
func (n *namespaced) Update(ctx context.Context, bucket, key string, fn func([]byte, bool) ([]byte, error)) error {
	if err := n.check("update", bucket, key); err != nil {
		return err
	}
	u, ok := n.s.(Updater)
	if !ok {
		return opError("update", n.name(bucket), truncateKey(key), ErrNoUpdate)
	}
	return u.Update(ctx, n.name(bucket), key, fn)
}
