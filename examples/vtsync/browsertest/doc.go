// Package browsertest drives the vtsync web console in a real browser
// (headless Chromium through chromedp) against the fake VETtrak and an
// in-memory LMS. It is its own Go module so the browser driver stays out
// of the library's go.mod; run it with
//
//	cd examples/vtsync/browsertest && go test ./...
//
// It needs Debian's chromium package (/usr/bin/chromium, or $CHROMIUM).
// Without a browser the test skips, except under CI=true, where it fails:
// CI must install one. The screenshot goes to $CONSOLE_SCREENSHOT, else
// to the test's temporary directory.
package browsertest
