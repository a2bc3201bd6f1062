// Package sync is the Syncer: it keeps one provider's VETtrak and one LMS in
// step, and reports LMS results back to VETtrak.
//
// The package is named sync as the project layout asks; it shadows the
// standard library, so import it under another name:
//
//	import vtsync "github.com/vtsync/vtsync/sync"
//
// # Getting started
//
// A [Syncer] serves one provider. [New] builds it from a [Source] (a
// *vettrak.Client), an lms.LMS (lms/canvaslms, lms/moodlelms, lms/memlms
// or your own) and a [Config]: start from [DefaultConfig] for a workflow
// and set its [Scope]. Options choose the state store ([WithStore]; the
// default forgets everything when the process ends), the logger, the
// concurrency on each side, a progress callback and the secrets to keep out
// of logs. Then:
//
//   - [Syncer.Run] does one whole sync (observe both sides, plan, apply)
//     and returns a [Report] of what it did.
//   - [Syncer.Plan] and [Syncer.Apply] split a run in two, for review: a
//     [Plan] is a value listing every operation with its reason, which
//     marshals to JSON and can be applied later; Apply executes exactly it.
//   - [Syncer.ReportResults] does result passback alone: LMS grades and
//     completions become VETtrak results.
//   - [WithDryRun] makes Run and ReportResults stop at the plan.
//   - [Syncer.Check] is the connection test for both sides.
//
// The examples show each: a run, a plan held by a safety limit and applied
// on purpose, a dry run, and result passback.
//
// # How a run works
//
// A run has four steps, each visible on its own:
//
//  1. Observe: read the VETtrak records in scope (occurrences, enrolments,
//     enrolled units, clients, tombstones) and the LMS state of the courses
//     they map to, in bulk.
//  2. Plan: mapping turns the VETtrak records into the LMS state that should
//     exist; the Syncer diffs it against what the LMS holds and adds the
//     result writes that LMS evidence justifies. Every operation has a kind
//     ([OpKind]) and a stable idempotency key.
//  3. Apply: execute exactly the plan, kind by kind in a fixed order
//     (containers, people, enrolments, removals, VETtrak writes), with
//     bounded concurrency, in one bulk write where the LMS offers one and
//     the plan is large ([Bulk]); one failing course, user or result does
//     not stop the rest.
//  4. Record: results written go into a ledger in the state store, so they are
//     never written twice; transient failures get a retry time with backoff,
//     throttled ones the server's retry-after, and failures retrying cannot
//     fix ([ErrNeedsPerson]) are held until their inputs change.
//
// Reads overlap; writes do not. While VETtrak is observed, the LMS reads
// known in advance run beside it: the course list and the state of the
// courses the last plan read (remembered in the store; on a no-op or delta
// re-sync they are the courses this run needs, or nearly). The plan then
// reads only the courses not prefetched and ignores those it does not
// need (Plan.Observed counts both); the first run prefetches nothing. So
// the observe phase lasts about as long as the slower side's reads, not
// their sum. LMS writes, though, wait for the whole plan, on purpose:
// the mapping works on the whole VETtrak snapshot (a login shared by
// learners of different occurrences moves to the next login source; a
// unit course's name is chosen over every enrolled unit), the safety
// holds are judged on the whole plan, and the choice of the bulk path
// counts the whole plan's writes. An occurrence's writes started early
// could be ones the whole plan would change, hold or send in bulk.
//
// Reconcile, don't replay: running twice changes nothing the second time, and
// a run stopped anywhere converges on the next one.
//
// # Safety
//
// Removal only follows an explicit VETtrak signal (withdrawal, deletion),
// never a record that merely went missing from a read. A plan that would
// remove or change more than a configured share of what is in scope
// ([Safety]) stops with a *[HoldError], before anything is written, unless
// allowed ([AllowHolds], Safety.Allow). A plan applied later than it was
// made re-checks what it changes first: see [ErrStale] and
// Report.AlreadyDone.
//
// # Errors
//
// Errors match with errors.Is and errors.As. The sentinels
// ([ErrInvalidConfig], [ErrHold], [ErrStale], [ErrChangedInVETtrak],
// [ErrNeedsPerson], [ErrSkipped], [ErrInvalidOp], [ErrLeased]) and the
// typed *[HoldError], *[OpError] and *[PanicError] keep the cause they wrap,
// so the clients' own sentinels (lms.ErrConflict, mapping.ErrInvalidConfig)
// match through them. Every message of the package starts with the name it
// is imported under: "vtsync: ...". Failures of single items are in the
// Report (Report.Failures, each with Failure.Err), not in the error.
//
// # One writer per provider
//
// One provider runs one Syncer at a time, on one store: Run, ReportResults
// and Apply hold a lease in the store ([LeaseName]), and a second instance
// there is refused with [ErrLeased]. Instances on different stores cannot
// see each other's lease: one provider must have one store.
package sync
