// Package sync is the Syncer: it keeps one provider's VETtrak and one LMS in
// step, and reports LMS results back to VETtrak.
//
// The package is named sync as the project layout asks; it shadows the
// standard library, so import it under another name:
//
//	import vtsync "github.com/vtsync/vtsync/sync"
//
// A run has four steps, each visible on its own:
//
//  1. Observe: read the VETtrak records in scope (occurrences, enrolments,
//     enrolled units, clients, tombstones) and the LMS state of the courses
//     they map to, in bulk.
//  2. Plan: mapping turns the VETtrak records into the LMS state that should
//     exist; the Syncer diffs it against what the LMS holds and adds the
//     result writes that LMS evidence justifies. A Plan is a plain value:
//     every operation with its reason and a stable idempotency key.
//  3. Apply: execute exactly the plan, with bounded concurrency; one failing
//     course, user or result does not stop the rest.
//  4. Record: results written go into a ledger in the state store, so they are
//     never written twice; transient failures get a retry time with backoff,
//     throttled ones the server's retry-after, and failures retrying cannot
//     fix (ErrNeedsPerson) are held until their inputs change.
//
// A plan applied later than it was made (Apply of a saved plan) re-checks
// what it changes first: see ErrStale and Report.AlreadyDone.
//
// Reconcile, don't replay: running twice changes nothing the second time, and
// a run stopped anywhere converges on the next one. Removal only follows an
// explicit VETtrak signal (withdrawal, deletion), never a record that merely
// went missing from a read, and a plan that would remove or change more than
// a configured share of enrolments stops with a *HoldError unless allowed.
//
// Errors match with errors.Is and errors.As: the sentinels (ErrInvalidConfig,
// ErrHold, ErrStale, ErrChangedInVETtrak, ErrNeedsPerson, ErrSkipped,
// ErrInvalidOp, ErrLeased) and the typed *HoldError, *OpError and
// *PanicError keep the cause they wrap, so a client's own sentinels (such as
// lms.ErrConflict or mapping.ErrInvalidConfig) match through them. Their
// messages start with "vtsync: ", the name the package is imported under.
//
// One provider runs one Syncer at a time, on one store: Run, ReportResults
// and Apply hold a lease in the store, and a second instance there is
// refused with ErrLeased (see lease.go for what instances on different
// stores can and cannot rely on).
package sync
