package sync

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// bucketUnits caches each enrolment's enrolled units between runs.
//
// VETtrak has no "enrolled units changed since" call, and reading them
// costs one GetUnitsForEnrolment per enrolment: on a provider with 20,000
// enrolments that dominates a run that changes nothing. So units are
// re-read only when the enrolment record itself changed (status, dates,
// date of effect), when the Syncer wrote to them, when never seen, or when
// the cached copy is older than its share of Config.UnitsMaxAge (default a
// week; each enrolment's copy lives between half and all of it, so the
// refreshes spread over the runs). Every result or comment written from a
// cached copy is checked against a fresh read first, so a result entered
// by hand since is never overwritten on stale information.
//
// The cost of the cache: a unit added to or removed from an enrolment in
// VETtrak with no change to the enrolment record itself reaches the LMS
// within UnitsMaxAge, not on the next run. Providers who edit enrolled
// units often set a shorter UnitsMaxAge, or a negative one to read every
// run.
const bucketUnits = "units"

type unitsRecord struct {
	Sig    string                 `json:"sig"`
	ReadAt time.Time              `json:"read_at"`
	Units  []vettrak.EnrolledUnit `json:"units"`
}

// enrolmentSig fingerprints the enrolment fields whose change may come
// with a change of its units or results. Uploaded is left out: the Syncer
// sets it itself.
func enrolmentSig(e vettrak.Enrolment) string {
	h := fnv.New64a()
	dt := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(h, "%d|%d|%s|%s|%d|%s|%s|%s|%s|%s", e.ID, e.OccurrenceID, e.ClientCode, e.Status, e.StatusType,
		e.StartDate.UTC().Format(time.RFC3339), e.EndDate.UTC().Format(time.RFC3339), dt(e.DateOfEffect), e.Code, e.QualCode)
	return strconv.FormatUint(h.Sum64(), 36)
}

// DefaultUnitsMaxAge is how long cached enrolled units are trusted when
// Config.UnitsMaxAge is zero.
const DefaultUnitsMaxAge = 7 * 24 * time.Hour

func (s *Syncer) unitsMaxAge() time.Duration {
	if s.cfg.UnitsMaxAge == 0 {
		return DefaultUnitsMaxAge
	}
	return s.cfg.UnitsMaxAge
}

// unitsTTL is one enrolment's share of the max age: between half and all
// of it, fixed per enrolment. Copies read in the same run then expire over
// days rather than all in one later run, so each scheduled run re-reads a
// small, even slice of the provider instead of all of it at once.
func unitsTTL(maxAge time.Duration, enrolmentID int64) time.Duration {
	h := fnv.New64a()
	fmt.Fprint(h, enrolmentID)
	half := maxAge / 2
	if half <= 0 {
		return maxAge
	}
	return half + time.Duration(h.Sum64()%uint64(half))
}

// readEnrolledUnits fills the snapshot's enrolled units, from the cache
// where it is still good and from VETtrak for the rest.
func (s *Syncer) readEnrolledUnits(ctx context.Context, obs *observation) error {
	db := store.NewTyped[unitsRecord](s.store, bucketUnits)
	cached := map[string]unitsRecord{}
	if s.unitsMaxAge() > 0 {
		for e, err := range db.List(ctx, "") {
			if err != nil {
				return fmt.Errorf("read enrolled-units cache: %w", err)
			}
			cached[e.Key] = e.Value
		}
	}
	now := s.now()
	var need []int64
	// keep holds the cached units still good, n every unit the snapshot
	// gets.
	var keep [][]vettrak.EnrolledUnit
	n := 0
	sigs := map[int64]string{}
	for _, e := range obs.snap.Enrolments {
		sig := enrolmentSig(e)
		sigs[e.ID] = sig
		rec, ok := cached[strconv.FormatInt(e.ID, 10)]
		if ok && rec.Sig == sig && now.Sub(rec.ReadAt) < unitsTTL(s.unitsMaxAge(), e.ID) {
			keep = append(keep, rec.Units)
			n += len(rec.Units)
			continue
		}
		need = append(need, e.ID)
	}
	tick := s.counter(ctx, PhaseObserve, 0, len(need))
	lists, fails := fanOut(ctx, s.vettrakWorkers(), need, func(ctx context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
		defer tick("enrolled units")
		return s.src.UnitsForEnrolment(ctx, id)
	})
	// The snapshot's units are sized once, cached ones first: appending
	// doubled its way to twice what 60,000 units need (issue 16, heap).
	for _, l := range lists {
		n += len(l)
	}
	obs.snap.EnrolledUnits = append(make([]vettrak.EnrolledUnit, 0, len(obs.snap.EnrolledUnits)+n), obs.snap.EnrolledUnits...)
	for _, units := range keep {
		obs.snap.EnrolledUnits = append(obs.snap.EnrolledUnits, units...)
	}
	fresh := map[string]unitsRecord{}
	for i, id := range need {
		if fails[i] != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("enrolment:%d", id), "read enrolled units", fails[i]))
			continue
		}
		units := stampEnrolment(lists[i], id)
		obs.snap.EnrolledUnits = append(obs.snap.EnrolledUnits, units...)
		obs.freshUnits[id] = true
		fresh[strconv.FormatInt(id, 10)] = unitsRecord{Sig: sigs[id], ReadAt: now, Units: units}
	}
	if len(fresh) > 0 && s.unitsMaxAge() > 0 {
		if err := db.PutMany(ctx, fresh); err != nil {
			return fmt.Errorf("write enrolled-units cache: %w", err)
		}
	}
	return nil
}

// stampEnrolment fills in the enrolment ID of units read for it, for
// answers that leave it out.
func stampEnrolment(units []vettrak.EnrolledUnit, id int64) []vettrak.EnrolledUnit {
	for j := range units {
		if units[j].EnrolmentID == 0 {
			units[j].EnrolmentID = id
		}
	}
	return units
}

// ErrChangedInVETtrak is the cause of a result or comment write that was
// not sent because VETtrak's current value is no longer the one the plan
// was made from (someone changed it since). The next run re-reads and
// decides again; nothing is overwritten.
var ErrChangedInVETtrak = errors.New("vtsync: changed in VETtrak since it was read")

// verifyCurrent checks, before a write planned from a cached copy, that the
// unit's result or comment is still what the plan saw, on a fresh read of
// the enrolment's units (read once per enrolment per Apply: reads is the
// Apply's memo). A mismatch drops the cached copy, so the next run reads
// afresh, and refuses the write with ErrChangedInVETtrak.
func (s *Syncer) verifyCurrent(ctx context.Context, reads *freshReads, enrolmentID int64, unitCode string, check func(vettrak.EnrolledUnit) bool) error {
	units, err := reads.get(ctx, enrolmentID, s.src.UnitsForEnrolment)
	if err != nil {
		return fmt.Errorf("re-read enrolled units before writing: %w", err)
	}
	want := mapping.NormalizeUnitCode(unitCode)
	for _, u := range units {
		if mapping.NormalizeUnitCode(u.UnitCode) == want {
			if check(u) {
				return nil
			}
			break
		}
	}
	if err := s.forgetUnits(ctx, enrolmentID); err != nil {
		return err
	}
	return fmt.Errorf("enrolment %d unit %s: %w", enrolmentID, unitCode, ErrChangedInVETtrak)
}

// freshReads memoises the enrolled units read during one Apply, one read
// per enrolment even when its result and comment writes run at once. The
// Syncer's own writes in that Apply touch other fields or other units than
// the checks that follow look at, so the memo stays valid for them.
//
// Its once is a channel, not a sync.Once: a caller waiting for another's
// read selects on its own ctx as well (it can give up), and a goroutine
// blocked on a channel is durably blocked for testing/synctest, which one
// blocked in Once.Do is not (the simulated benchmark would deadlock).
type freshReads struct {
	mu sync.Mutex
	m  map[int64]*freshRead
}

// freshRead is one enrolment's read: done is closed when units and err
// are set.
type freshRead struct {
	done  chan struct{}
	units []vettrak.EnrolledUnit
	err   error
	// abandoned: the reader's own ctx ended, so err says nothing about the
	// enrolment; waiters read again with theirs.
	abandoned bool
}

// get returns enrolment id's units, read by the first caller with read;
// the others wait for that read, or for their ctx to end (then ctx's
// error, and the memo is left for the rest). A read that failed because
// its caller's ctx ended is not memoised.
func (f *freshReads) get(ctx context.Context, id int64, read func(context.Context, int64) ([]vettrak.EnrolledUnit, error)) ([]vettrak.EnrolledUnit, error) {
	for {
		f.mu.Lock()
		if f.m == nil {
			f.m = map[int64]*freshRead{}
		}
		r, ok := f.m[id]
		if !ok {
			r = &freshRead{done: make(chan struct{})}
			f.m[id] = r
			f.mu.Unlock()
			f.fill(ctx, id, r, read)
			return r.units, r.err
		}
		f.mu.Unlock()
		select {
		case <-r.done:
			if !r.abandoned {
				return r.units, r.err
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// fill runs the read for r and closes r.done whatever happens. A read
// its caller's ctx cut short, or one that panicked, is abandoned: dropped
// from the memo, so a waiter reads again instead of sharing it (or
// waiting for ever).
func (f *freshReads) fill(ctx context.Context, id int64, r *freshRead, read func(context.Context, int64) ([]vettrak.EnrolledUnit, error)) {
	r.abandoned = true
	defer func() {
		if r.abandoned {
			f.mu.Lock()
			if f.m[id] == r {
				delete(f.m, id)
			}
			f.mu.Unlock()
		}
		close(r.done)
	}()
	r.units, r.err = read(ctx, id)
	r.abandoned = r.err != nil && ctx.Err() != nil
}

// forgetUnits drops an enrolment's cached units, after the Syncer wrote to
// them or found them changed, so the next run reads them afresh.
func (s *Syncer) forgetUnits(ctx context.Context, enrolmentID int64) error {
	err := store.NewTyped[unitsRecord](s.store, bucketUnits).Delete(ctx, strconv.FormatInt(enrolmentID, 10))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("drop cached units of enrolment %d: %w", enrolmentID, err)
	}
	return nil
}

func sameText(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }
