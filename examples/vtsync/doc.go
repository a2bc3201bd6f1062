// Command vtsync is the operator's program: it keeps one provider's VETtrak
// and an LMS (Canvas, Moodle, or an in-memory LMS for trying it out) in step, and
// writes LMS results back to VETtrak, driven by a JSON config file.
//
// Usage:
//
//	vtsync [flags] <command> [command flags]
//
//	vtsync check                      test both connections and VETtrak's live WSDL
//	                                  against the SDK's contract; changes nothing
//	vtsync plan [--format json] [--out plan.json]
//	                                  show every change a run would make, with reasons
//	vtsync apply --plan plan.json     apply exactly a reviewed plan
//	vtsync run [--dry-run] [--allow-holds]
//	                                  plan and apply now, then results back to VETtrak
//	vtsync results [--dry-run]        write (or preview) results back to VETtrak
//	vtsync schedule [--schedule "at 06:00,18:00 Australia/Sydney"] [--run-at-start]
//	                                  run on a schedule until Ctrl-C or SIGTERM
//	vtsync serve [--addr 127.0.0.1:8380] [--schedule ...]
//	                                  the schedule plus the web console (log in with
//	                                  $VTSYNC_CONSOLE_TOKEN)
//	vtsync status                     what a running schedule or console did last
//	vtsync help <command>             every flag of a command, explained
//
// Flags every command takes, before or after its name: --config FILE
// (default $VTSYNC_CONFIG, else ./vtsync.json), --state-dir DIR (the bbolt
// state store: result ledger, retry state, cursors), --report FILE (the
// outcome as JSON, for monitoring), --format text|json, --progress
// auto|bar|lines|none and --log-level.
//
// # Config and secrets
//
// The config file is JSON (see vtsync.example.json, which works against
// `go run ./examples/fakeservers`). It never holds a secret: it names the
// environment variables that do (vettrak.password_env, default
// VTSYNC_VETTRAK_PASSWORD; lms.canvas.token_env, default
// VTSYNC_CANVAS_TOKEN), and a config with a "password" or "token" key is
// refused. Unknown keys are refused too, so a typo never goes unnoticed.
// The "mapping" and "results" sections are mapping.Config and
// mapping.ResultConfig in JSON, laid over the workflow's defaults, so a file
// names only what differs. Passwords and tokens are masked in everything
// vtsync prints: logs, errors, plans and reports.
//
// # Output
//
// Plans and reports go to stdout (text or JSON); logs and progress go to
// stderr. Progress is a bar redrawn in place when stderr is a terminal and
// one plain line per event otherwise (a pipe, a file, a service journal).
//
// # Exit codes
//
//	0    done; nothing failed (plan: within the safety limits)
//	1    the run finished but some items failed, or an unexpected error
//	2    usage or config error, or a secret missing from the environment
//	3    connection or auth failure (unreachable, bad credentials, no permission or licence)
//	4    held: the plan exceeds a safety limit and was not applied
//	5    the state directory is locked by another vtsync process
//	130  interrupted by Ctrl-C or SIGTERM
//
// `vtsync schedule` exits 0 when stopped: stopping is how it ends. Each of
// its runs writes --report, and a failed run does not stop the schedule.
package main
