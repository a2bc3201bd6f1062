package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vtsync/vtsync/sync/store"
)

// Lease errors, matched with errors.Is.
var (
	// ErrLeaseHeld: another holder has the lease and it has not expired.
	ErrLeaseHeld = errors.New("pgstore: lease held by another holder")
	// ErrLeaseLost: the lease passed to another holder (it had expired).
	ErrLeaseLost = errors.New("pgstore: lease lost")
)

// Lease is a named claim, held by one holder until it expires unless
// renewed. Expiry is on the database's clock, so workers' clocks need not
// agree.
type Lease struct {
	Name    string
	Holder  string
	Expires time.Time
}

// AcquireLease takes the lease name for holder for ttl: when it is free,
// expired, or already holder's. Otherwise it fails with ErrLeaseHeld and
// returns the current holder's lease (so the caller knows when to retry).
func (d *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	if d.closed.Load() {
		return Lease{}, fmt.Errorf("pgstore: lease %q: %w", name, store.ErrClosed)
	}
	l, err := acquire(ctx, d.pool, name, holder, ttl)
	return l, wrapLease(ctx, name, err)
}

// RenewLease extends l by ttl from now. It fails with ErrLeaseLost when
// another holder has taken the lease. A holder whose lease expired with
// nobody taking it keeps it: no one else held it in between.
func (d *DB) RenewLease(ctx context.Context, l Lease, ttl time.Duration) (Lease, error) {
	if d.closed.Load() {
		return l, fmt.Errorf("pgstore: lease %q: %w", l.Name, store.ErrClosed)
	}
	out, err := renew(ctx, d.pool, l, ttl)
	return out, wrapLease(ctx, l.Name, err)
}

// ReleaseLease gives l up; releasing a lease already lost succeeds.
func (d *DB) ReleaseLease(ctx context.Context, l Lease) error {
	if d.closed.Load() {
		return fmt.Errorf("pgstore: lease %q: %w", l.Name, store.ErrClosed)
	}
	return wrapLease(ctx, l.Name, release(ctx, d.pool, l))
}

func wrapLease(ctx context.Context, name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("pgstore: lease %q: %w", name, ctxErr(ctx, err))
}

// ttlSeconds is ttl as the SQL below takes it.
func ttlSeconds(ttl time.Duration) float64 { return max(ttl, time.Millisecond).Seconds() }

func acquire(ctx context.Context, q querier, name, holder string, ttl time.Duration) (Lease, error) {
	if name == "" || holder == "" {
		return Lease{}, errors.New("empty lease name or holder")
	}
	l := Lease{Name: name}
	err := q.QueryRow(ctx, `INSERT INTO vtsync_leases AS l (name, holder, acquired_at, expires_at)
		VALUES ($1, $2, clock_timestamp(), clock_timestamp() + make_interval(secs => $3))
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at,
			expires_at = EXCLUDED.expires_at
		WHERE l.expires_at <= clock_timestamp() OR l.holder = EXCLUDED.holder
		RETURNING holder, expires_at`, name, holder, ttlSeconds(ttl)).Scan(&l.Holder, &l.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		// Held: the conflicting row is locked and unchanged; read it.
		if err := q.QueryRow(ctx, `SELECT holder, expires_at FROM vtsync_leases WHERE name = $1`, name).
			Scan(&l.Holder, &l.Expires); err != nil {
			return Lease{}, err
		}
		return l, fmt.Errorf("%w (by %q until %s)", ErrLeaseHeld, l.Holder, l.Expires.UTC().Format(time.RFC3339Nano))
	}
	return l, err
}

func renew(ctx context.Context, q querier, l Lease, ttl time.Duration) (Lease, error) {
	err := q.QueryRow(ctx, `UPDATE vtsync_leases SET expires_at = clock_timestamp() + make_interval(secs => $3)
		WHERE name = $1 AND holder = $2 RETURNING expires_at`, l.Name, l.Holder, ttlSeconds(ttl)).Scan(&l.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, ErrLeaseLost
	}
	return l, err
}

func release(ctx context.Context, q querier, l Lease) error {
	_, err := q.Exec(ctx, `DELETE FROM vtsync_leases WHERE name = $1 AND holder = $2`, l.Name, l.Holder)
	return err
}
