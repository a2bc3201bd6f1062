package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/sync/internal/state"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// Store buckets of the Syncer's own (the ledger, cursors and failures use
// the store package's).
const (
	bucketPending = "pending"
	// bucketClients caches client details (GetClientDetails). Its name
	// changed when the cache stopped holding GetAccessibleClients' TClie
	// records, which have no email: old entries are not trusted.
	bucketClients = "client-details"
	cursorClients = "client-details"
)

// observation is what one run read from both sides.
type observation struct {
	snap       mapping.Snapshot
	lmsCourses []lms.Course
	// unitsFailed names enrolments whose enrolled units could not be read;
	// their results are not planned this run.
	readFailures []Failure
	// cursors are advanced only when the plan built from this observation
	// is applied, so a plan that is looked at and dropped loses nothing.
	cursors map[string]time.Time
	// freshUnits names the enrolments whose units were read from VETtrak
	// in this observation rather than taken from the cache.
	freshUnits map[int64]bool
}

// observeVETtrak reads the records in scope. Reads fan out over bounded
// workers; a failure to read one occurrence's enrolments is reported and
// that occurrence left out of this run (never treated as "no enrolments").
func (s *Syncer) observeVETtrak(ctx context.Context) (*observation, error) {
	obs := &observation{cursors: map[string]time.Time{}, freshUnits: map[int64]bool{}}
	sc := s.cfg.Scope

	occs := map[int64]vettrak.Occurrence{}
	// repeats holds further versions of an occurrence the search returned
	// more than once. They go into the snapshot beside the first, so the
	// mapping diagnoses differing versions (as it does duplicate
	// enrolments) and chooses among them by content, not by reading order.
	var repeats []vettrak.Occurrence
	if !sc.From.IsZero() || !sc.To.IsZero() {
		found, err := s.src.SearchOccurrences(ctx, vettrak.OccurrenceQuery{
			ProgrammeID: sc.ProgrammeID, Start: sc.From, End: sc.To, LocationCode: sc.LocationCode,
			IncludeUnits: true, IncludeStaff: true,
		})
		if err != nil {
			return nil, fmt.Errorf("read occurrences: %w", err)
		}
		for _, o := range found {
			if _, dup := occs[o.ID]; dup {
				repeats = append(repeats, o)
				continue
			}
			occs[o.ID] = o
		}
	}
	var extra []int64
	if sc.IncludeLMSNew {
		fresh, err := s.src.LMSNewOccurrences(ctx)
		if err != nil {
			return nil, fmt.Errorf("read LMS-new occurrences: %w", err)
		}
		for _, o := range fresh {
			if _, ok := occs[o.ID]; !ok {
				extra = append(extra, o.ID)
			}
		}
	}
	for _, id := range sc.OccurrenceIDs {
		if _, ok := occs[id]; !ok && !slices.Contains(extra, id) {
			extra = append(extra, id)
		}
	}
	// Occurrences not found by the search need their details (units, staff).
	details, fails := fanOut(ctx, s.vettrakWorkers(), extra, func(ctx context.Context, id int64) (*vettrak.Occurrence, error) {
		return s.src.OccurrenceDetails(ctx, id)
	})
	for i, d := range details {
		if fails[i] != nil {
			obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("occurrence:%d", extra[i]), "read occurrence details", fails[i]))
			continue
		}
		occs[d.ID] = *d
	}
	ids := sortedKeys(occs)
	s.progress(ctx, Progress{Phase: PhaseObserve, Item: "occurrences", Done: len(ids), Total: len(ids)})

	tick := s.counter(ctx, PhaseObserve, 0, len(ids))
	enrolLists, fails := fanOut(ctx, s.vettrakWorkers(), ids, func(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
		defer tick("occurrence enrolments")
		return s.src.EnrolmentsForOccurrence(ctx, id)
	})
	// Sized once: at 20,000 enrolments appending doubled its way to
	// twice the memory the snapshot needs (issue 16, heap).
	n := 0
	for _, l := range enrolLists {
		n += len(l)
	}
	obs.snap.Occurrences = make([]vettrak.Occurrence, 0, len(ids))
	obs.snap.Enrolments = make([]vettrak.Enrolment, 0, n)
	for i, id := range ids {
		if fails[i] != nil {
			obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("occurrence:%d", id), "read enrolments", fails[i]))
			continue
		}
		obs.snap.Occurrences = append(obs.snap.Occurrences, occs[id])
		for _, e := range enrolLists[i] {
			if e.OccurrenceID == 0 {
				e.OccurrenceID = id
			}
			obs.snap.Enrolments = append(obs.snap.Enrolments, e)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dropUnstorable(obs)
	if s.cfg.MarkTransferred {
		if err := s.readLMSNew(ctx, obs); err != nil {
			return nil, err
		}
	}
	s.progress(ctx, Progress{Phase: PhaseObserve, Item: "enrolments", Done: len(obs.snap.Enrolments), Total: len(obs.snap.Enrolments)})

	if err := s.readEnrolledUnits(ctx, obs); err != nil {
		return nil, err
	}

	clients, err := s.readClients(ctx, obs)
	if err != nil {
		return nil, err
	}
	obs.snap.Clients = clients

	deleted, err := s.readTombstones(ctx, obs)
	if err != nil {
		obs.readFailures = append(obs.readFailures, readFailure("tombstones", "read deleted records", err))
	}
	obs.snap.Deleted = deleted
	for _, o := range repeats {
		if slices.ContainsFunc(obs.snap.Occurrences, func(x vettrak.Occurrence) bool { return x.ID == o.ID }) {
			obs.snap.Occurrences = append(obs.snap.Occurrences, o)
		}
	}
	return obs, nil
}

// dropUnstorable leaves out, each with a read failure naming it, the
// enrolments and staff links whose client code the store cannot hold as a
// key (not UTF-8, a NUL byte, overlong: only a custom Source can produce
// them, XML cannot carry them). The clients cache is keyed by code and
// written in one transaction, so one such code would otherwise fail the
// whole run instead of its own record.
func dropUnstorable(obs *observation) {
	kept := obs.snap.Enrolments[:0]
	for _, e := range obs.snap.Enrolments {
		if err := store.CheckKey(e.ClientCode); e.ClientCode != "" && err != nil {
			obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("enrolment:%d", e.ID), "client code", err))
			continue
		}
		kept = append(kept, e)
	}
	obs.snap.Enrolments = kept
	for i, o := range obs.snap.Occurrences {
		staff := slices.Clone(o.Staff)[:0]
		for _, st := range o.Staff {
			if err := store.CheckKey(st.StaffCode); st.StaffCode != "" && err != nil {
				obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("occurrence:%d", o.ID), "staff code", err))
				continue
			}
			staff = append(staff, st)
		}
		obs.snap.Occurrences[i].Staff = staff
	}
}

// readLMSNew sets Enrolment.Uploaded from VETtrak's LMS-new lists: TClieEnro
// carries no LMS flag, so an enrolment counts as transferred unless
// GetLMSNewEnrolmentsForOccurrence still lists it. If the list cannot be
// read, the occurrence's enrolments stay unflagged this run (Uploaded true),
// which only delays a flag, never sets one early.
func (s *Syncer) readLMSNew(ctx context.Context, obs *observation) error {
	ids := make([]int64, len(obs.snap.Occurrences))
	for i, o := range obs.snap.Occurrences {
		ids[i] = o.ID
	}
	lists, fails := fanOut(ctx, s.vettrakWorkers(), ids, func(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
		return s.src.LMSNewEnrolments(ctx, id)
	})
	fresh := map[int64]bool{}
	for i, id := range ids {
		if fails[i] != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			obs.readFailures = append(obs.readFailures, readFailure(fmt.Sprintf("occurrence:%d", id), "read LMS-new enrolments", fails[i]))
			continue
		}
		for _, e := range lists[i] {
			fresh[e.ID] = true
		}
	}
	for i := range obs.snap.Enrolments {
		obs.snap.Enrolments[i].Uploaded = !fresh[obs.snap.Enrolments[i].ID]
	}
	return nil
}

// readClients returns the clients the snapshot names (learners and staff),
// each from GetClientDetails: VETtrak's TClie (GetAccessibleClients) has
// no email, so the bulk read only says which clients changed since the
// last run. Details are read, over bounded workers, for the clients needed
// that changed or are not cached; the cache keeps details only.
//
// A client whose details cannot be read is a read failure for that client,
// and the learner's enrolments and the staff member's links leave this
// run's snapshot: the LMS keeps what it has (removal needs an explicit
// VETtrak signal) rather than getting a user without an email.
//
// The client cursor moves only when the cache reflects every change up to
// it: changed clients that were not needed, or whose details failed, are
// dropped from the cache, so a later run reads them afresh.
func (s *Syncer) readClients(ctx context.Context, obs *observation) ([]vettrak.Person, error) {
	need := map[string]bool{}
	for _, e := range obs.snap.Enrolments {
		need[e.ClientCode] = true
	}
	for _, o := range obs.snap.Occurrences {
		for _, st := range o.Staff {
			need[st.StaffCode] = true
		}
	}
	delete(need, "")

	cache := map[string]vettrak.Person{}
	for e, err := range s.clientsDB.List(ctx, "") {
		if err != nil {
			return nil, fmt.Errorf("read client cache: %w", err)
		}
		cache[e.Key] = e.Value
	}
	cursor, _ := s.cursor(ctx, cursorClients)
	started := s.now()
	var since *time.Time
	if !cursor.IsZero() {
		// Overlap by a minute: VETtrak's clock and ours may differ.
		t := cursor.Add(-time.Minute)
		since = &t
	}
	changed := map[string]bool{}
	fresh, err := s.src.AccessibleClients(ctx, s.cfg.StaffCode, since)
	if err != nil {
		// Not fatal: cached details stay (they are as fresh as the cursor),
		// missing ones are read one by one, and the cursor stays.
		s.log.WarnContext(ctx, "reading which clients changed failed; using cached client details", "err", err)
		fresh = nil
	}
	for _, c := range fresh {
		if code := strings.TrimSpace(c.Code); code != "" {
			changed[code] = true
		}
	}
	var toRead, stale []string
	for code := range need {
		if _, ok := cache[code]; !ok || changed[code] {
			toRead = append(toRead, code)
		}
	}
	for code := range changed {
		if _, cached := cache[code]; cached && !need[code] {
			stale = append(stale, code)
		}
	}
	slices.Sort(toRead)
	tick := s.counter(ctx, PhaseObserve, 0, len(toRead))
	got, fails := fanOut(ctx, s.vettrakWorkers(), toRead, func(ctx context.Context, code string) (*vettrak.Person, error) {
		defer tick("client details")
		return s.src.ClientDetails(ctx, code)
	})
	read := map[string]vettrak.Person{}
	unread := map[string]bool{}
	for i, code := range toRead {
		if fails[i] == nil && got[i] == nil {
			fails[i] = fmt.Errorf("client %s: no details returned", code)
		}
		if fails[i] != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			obs.readFailures = append(obs.readFailures, readFailure("client:"+code, "read client details", fails[i]))
			unread[code] = true
			delete(cache, code)
			if changed[code] {
				stale = append(stale, code)
			}
			continue
		}
		cache[code] = *got[i]
		read[code] = *got[i]
	}
	if len(read) > 0 {
		if err := s.clientsDB.PutMany(ctx, read); err != nil {
			return nil, fmt.Errorf("write client cache: %w", err)
		}
	}
	for _, code := range stale {
		if err := s.clientsDB.Delete(ctx, code); err != nil {
			return nil, fmt.Errorf("write client cache: %w", err)
		}
	}
	// The client cursor may move now: what it covers is in the cache.
	if fresh != nil {
		if err := s.setCursor(ctx, cursorClients, started); err != nil {
			return nil, err
		}
	}
	if len(unread) > 0 {
		dropUnreadClients(&obs.snap, unread)
	}
	out := make([]vettrak.Person, 0, len(need))
	for _, code := range sortedKeys(need) {
		if c, ok := cache[code]; ok && !unread[code] {
			out = append(out, c)
		}
	}
	return out, nil
}

// cursorDeleted names the tombstone cursor.
const cursorDeleted = "deleted"

// bucketTombstones keeps the tombstones read, for tombstoneRetention. The
// cursor moves past a tombstone once it was read, but acting on it (an
// LMS removal) can fail and be retried runs later; by then no read returns
// the tombstone again. So every run acts on the tombstones kept as well as
// on the ones just read: a removal already done plans nothing.
const bucketTombstones = "tombstones"

// tombstoneRetention outlasts the retry backoff (which grows to a day) by
// several retries.
const tombstoneRetention = 7 * 24 * time.Hour

type keptTombstone struct {
	Record vettrak.DeletedRecord `json:"record"`
	ReadAt time.Time             `json:"read_at"`
}

// dropUnreadClients leaves out of the snapshot the enrolments of learners
// and the staff links of staff members whose details could not be read.
// Their occurrences count as flagged this run (Uploaded, as readLMSNew
// does), so VETtrak is not told an occurrence is in the LMS while one of
// its people is missing: that only delays a flag, never sets one early.
func dropUnreadClients(snap *mapping.Snapshot, unread map[string]bool) {
	partial := map[int64]bool{}
	snap.Enrolments = slices.DeleteFunc(snap.Enrolments, func(e vettrak.Enrolment) bool {
		partial[e.OccurrenceID] = partial[e.OccurrenceID] || unread[e.ClientCode]
		return unread[e.ClientCode]
	})
	for i := range snap.Occurrences {
		o := &snap.Occurrences[i]
		n := len(o.Staff)
		o.Staff = slices.DeleteFunc(slices.Clone(o.Staff), func(l vettrak.StaffLink) bool { return unread[l.StaffCode] })
		if partial[o.ID] || len(o.Staff) != n {
			o.Uploaded = true
		}
	}
}

// readTombstones reads enrolment and client deletions since the last run
// (ENROUNIT tombstones are not read: mapping has no use for them, since a
// unit removed from an enrolment disappears from its enrolled units).
//
// The cursor may only move past what was read: it is taken (for Apply to
// save) only when every table was read. After a failed read (a SOAP
// fault, an HTTP error, a malformed answer) it stays where it was, so the
// next run asks for the same window again and reports the failure again
// until the read succeeds; what was read before the failure is still
// returned, since acting on a tombstone twice changes nothing.
func (s *Syncer) readTombstones(ctx context.Context, obs *observation) ([]vettrak.DeletedRecord, error) {
	cursor, err := s.cursor(ctx, cursorDeleted)
	if err != nil {
		return nil, err
	}
	started := s.now()
	if cursor.IsZero() {
		// First run: everything in scope is read whole.
		obs.cursors[cursorDeleted] = started
		return nil, nil
	}
	var out []vettrak.DeletedRecord
	var readErr error
	for _, table := range []string{"ENROLMENT", "CLIENT"} {
		recs, err := s.src.DeletedRecordsSince(ctx, table, cursor.Add(-time.Minute))
		if err != nil {
			readErr = fmt.Errorf("%s since %s: %w", table, cursor.Format(time.RFC3339), err)
			break
		}
		out = append(out, recs...)
	}
	if readErr == nil {
		obs.cursors[cursorDeleted] = started
	}
	kept, err := s.keepTombstones(ctx, out)
	if err != nil {
		return out, errors.Join(readErr, err)
	}
	return kept, readErr
}

// keepTombstones stores the tombstones just read and returns them together
// with those kept from earlier runs (bucketTombstones), dropping the ones
// older than tombstoneRetention.
func (s *Syncer) keepTombstones(ctx context.Context, read []vettrak.DeletedRecord) ([]vettrak.DeletedRecord, error) {
	db := store.NewTyped[keptTombstone](s.store, bucketTombstones)
	now := s.now()
	key := func(r vettrak.DeletedRecord) string { return r.Table + ":" + r.ID }
	fresh := map[string]keptTombstone{}
	for _, r := range read {
		if store.CheckKey(key(r)) == nil { // an unusable ID is diagnosed by the mapping
			fresh[key(r)] = keptTombstone{Record: r, ReadAt: now}
		}
	}
	out := slices.Clone(read)
	for e, err := range db.List(ctx, "") {
		if err != nil {
			return out, fmt.Errorf("read kept tombstones: %w", err)
		}
		switch _, again := fresh[e.Key]; {
		case again:
		case now.Sub(e.Value.ReadAt) > tombstoneRetention:
			if err := db.Delete(ctx, e.Key); err != nil {
				return out, fmt.Errorf("drop kept tombstone: %w", err)
			}
		default:
			out = append(out, e.Value.Record)
		}
	}
	if err := db.PutMany(ctx, fresh); err != nil {
		return out, fmt.Errorf("keep tombstones: %w", err)
	}
	return out, nil
}

func (s *Syncer) cursor(ctx context.Context, name string) (time.Time, error) {
	c, err := s.cursors.Load(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	return c.Time, err
}

func (s *Syncer) setCursor(ctx context.Context, name string, t time.Time) error {
	return s.cursors.Save(ctx, name, state.Cursor{Time: t})
}

func sortedKeys[K interface{ ~int64 | ~string }, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
