package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

func TestProgressRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p         vtsync.Progress
		elapsed   time.Duration
		line, bar string
	}{
		{vtsync.Progress{Phase: vtsync.PhaseObserve, Item: "VETtrak"}, 12 * time.Second,
			"progress: observe VETtrak (0:12)", "observe  VETtrak…  0:12"},
		{vtsync.Progress{Phase: vtsync.PhaseApply, Done: 10, Total: 40, Item: "enrol"}, 5 * time.Second,
			"progress: apply enrol 10/40 (0:05, ~0:15 left)", "apply    [#######.......................] 10/40 enrol  0:05, ~0:15 left"},
		{vtsync.Progress{Phase: vtsync.PhaseApply, Done: 50, Total: 40}, 65 * time.Minute,
			"progress: apply 50/40 (1:05:00)", "apply    [##############################] 40/40   1:05:00"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.line, progressLine(tt.p, tt.elapsed))
		assert.Equal(t, tt.bar, progressBar(tt.p, tt.elapsed))
	}
}

func TestConsoleModes(t *testing.T) {
	t.Parallel()
	ev := vtsync.Progress{Phase: vtsync.PhaseApply, Done: 1, Total: 3, Item: "enrol"}

	var lines bytes.Buffer
	c := newConsole(&lines, &lines, "auto")
	defer c.close()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	assert.Equal(t, "lines", c.mode, "a buffer is not a terminal")
	c.progress(ev)
	assert.Equal(t, "progress: apply enrol 1/3 (0:00)\n", lines.String())
	// Per-operation events of the same kind are thinned out in lines
	// mode; a new kind, the end, or lineEvery later gets a line.
	now = now.Add(time.Second)
	c.progress(vtsync.Progress{Phase: vtsync.PhaseApply, Done: 2, Total: 3, Item: "enrol"})
	assert.Equal(t, 1, strings.Count(lines.String(), "\n"))
	now = now.Add(time.Second)
	c.progress(vtsync.Progress{Phase: vtsync.PhaseApply, Done: 3, Total: 3, Item: "add_member"})
	assert.Contains(t, lines.String(), "progress: apply add_member 3/3 (0:02)\n", "elapsed counts from the phase's start")

	var bar bytes.Buffer
	c = newConsole(&bar, &bar, "bar")
	defer c.close()
	c.progress(ev)
	fmt.Fprintln(c, "a log line")
	c.endProgress()
	out := bar.String()
	assert.True(t, strings.HasPrefix(out, "\r\033[Kapply    ["), "%q", out)
	assert.Contains(t, out, "\r\033[Ka log line\napply    [", "a log line clears the bar and redraws it below")
	assert.True(t, strings.HasSuffix(out, "\r\033[K"), "endProgress clears the bar")

	var none bytes.Buffer
	c = newConsole(&none, &none, "none")
	c.progress(ev)
	assert.Empty(t, none.String())
}

func TestSecretsMaskedInEveryOutput(t *testing.T) {
	t.Parallel()
	const pw = `s3cr&t<"pw">`
	var stdout, stderr bytes.Buffer
	a := newApp("run", &options{progress: "lines", format: "text"}, envWith(), &stdout, &stderr)
	a.addSecret(pw)
	a.log = a.newLogger(slog.LevelDebug)

	a.log.Info("login failed for "+pw, "err", errors.New("bad password "+pw), "raw", pw)
	fmt.Fprintf(a.stdout, "plain %s\n", pw)
	a.printJSON(map[string]string{"password": pw})
	code := a.fail(context.Background(), fmt.Errorf("wrapped: %s", pw))
	assert.Equal(t, exitFailures, code)

	for _, out := range []string{stdout.String(), stderr.String()} {
		for _, form := range escapedForms([]string{pw}) {
			assert.NotContains(t, out, form)
		}
		assert.Contains(t, out, "[REDACTED]")
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"nil", bg, nil, exitOK},
		{"config", bg, &ConfigError{Err: errors.New("x")}, exitUsage},
		{"usage", bg, &usageError{"x"}, exitUsage},
		{"invalid syncer config", bg, fmt.Errorf("new: %w", vtsync.ErrInvalidConfig), exitUsage},
		{"hold", bg, &vtsync.HoldError{Holds: []vtsync.Hold{{Kind: "remove"}}}, exitHeld},
		{"locked store", bg, fmt.Errorf("open: %w", store.ErrLocked), exitLocked},
		{"leased provider", bg, fmt.Errorf("run: %w", &store.LeaseError{Name: "sync", Holder: "other"}), exitLocked},
		{"vettrak password", bg, fmt.Errorf("observe: %w", vettrak.ErrBadCredentials), exitConnection},
		{"vettrak licence", bg, fmt.Errorf("observe: %w", vettrak.ErrMissingRegistration), exitConnection},
		{"lms token", bg, fmt.Errorf("list: %w", lms.ErrUnauthorized), exitConnection},
		{"lms permission", bg, fmt.Errorf("list: %w", lms.ErrForbidden), exitConnection},
		{"network", bg, &net.OpError{Op: "dial", Err: errors.New("refused")}, exitConnection},
		{"vettrak HTTP", bg, &vettrak.HTTPError{Op: "Login", StatusCode: 404}, exitConnection},
		{"cancelled", cancelled, fmt.Errorf("run: %w", context.Canceled), exitInterrupted},
		{"other while cancelled", cancelled, errors.New("store closed"), exitInterrupted},
		{"other", bg, errors.New("disk full"), exitFailures},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, exitCode(tt.ctx, tt.err))
		})
	}
}

func TestReportExitCode(t *testing.T) {
	t.Parallel()
	assert.Equal(t, exitOK, reportExitCode(&vtsync.Report{}))
	assert.Equal(t, exitOK, reportExitCode(nil))
	// Failures whose original error is gone (a JSON round trip) count as
	// item failures.
	var rep vtsync.Report
	require.NoError(t, jsonRoundTrip(&vtsync.Report{Failures: []vtsync.Failure{{Key: "k", Error: "x"}}}, &rep))
	assert.Equal(t, exitFailures, reportExitCode(&rep))
}

func jsonRoundTrip(in, out any) error {
	b, err := mustMarshal(in)
	if err != nil {
		return err
	}
	return decodeJSON(b, out)
}

func mustMarshal(v any) ([]byte, error) { return marshalNoHTML(v, true) }

func TestOneLine(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a b c d e", oneLine("a\nb\rc\x1bd\u2028e"))
	assert.Equal(t, "Ngọc Ánh", oneLine("Ngọc Ánh"))
}
