// Package fleet runs the Syncer for many providers (RTOs) on River, a job
// queue on PostgreSQL, with every provider's state in the same database
// (package pgstore). Any number of worker processes on any number of
// machines share the work:
//
//   - A run is a River job for one provider. River's unique jobs keep at
//     most one run per provider queued or running; a second guard, the
//     provider's lease in pgstore (taken with the run's row in the run log,
//     renewed while the run goes on), makes a job that meets a live run
//     snooze rather than overlap it, even after River has rescued a job
//     it thought stuck.
//   - Each provider may have a schedule, in sync/schedule's syntax
//     ("every 30m", "daily 06:00,18:00 Australia/Sydney"); the elected
//     River leader enqueues its runs.
//   - A run that fails as a whole (VETtrak down, a token refused) is
//     retried with exponential backoff; failures of single items are in the
//     run's report, not a retry. A worker that dies mid-run leaves its job
//     to River's rescuer and its provider's lease to expire; another worker
//     then runs it again, and the Syncer's reconcile-don't-replay design
//     makes that run converge with no duplicates.
//   - Workers build each provider's Syncer from a Registry the host
//     supplies (endpoints, config, and credentials through a callback, so
//     no secret is stored in a job or the database).
//   - Every run is a row of the run log (pgstore's vtsync_runs table): who
//     ran it, when, how it ended, and its report as JSON. Fleet.Runs
//     queries it.
//
// This package is its own Go module, so the library's go.mod carries
// neither River nor pgx.
package fleet
