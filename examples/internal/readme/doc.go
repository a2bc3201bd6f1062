// Package readme holds the test that keeps the repository's READMEs
// (README.md and examples/bench/README.md) in step with the code: every
// exported Go name they quote in backticks (vettrak.Client,
// canvas.ErrThrottled, vtsync.Report.Calls, canvaslms.LMS.ReadState, …)
// must exist in the package it names. A rename that forgets the README
// fails `go test ./...` instead of misleading the next reader.
package readme
