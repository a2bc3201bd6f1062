package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/examples/vtsync/internal/console/consoletest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
)

const token = "browser-test-console-token"

// chromium finds the browser: $CHROMIUM, else Debian's package. Under
// CI=true a missing browser fails the test: CI must not pass by skipping.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium: install Debian's chromium package (apt-get install -y chromium) or set $CHROMIUM")
	}
	t.Skip("no Chromium (set $CHROMIUM, or apt-get install -y chromium); under CI=true this fails")
	return ""
}

// newWorld is the console with a result conflict waiting for review, a
// plan held by a safety limit, and an LMS that will refuse the held
// removal once approved: a failure that needs a person, with its cause.
func newWorld(t *testing.T) *consoletest.World {
	t.Helper()
	loc, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	w := consoletest.New(t, token, loc)
	require.Equal(t, console.StatusOK, w.Run().Status)
	w.CompleteOverHandEnteredResult(t)
	w.Run() // the write is refused: VETtrak changed under it
	w.Run() // and the conflict goes to review
	w.Hold(t)
	w.LMS.Fail(memlms.Unenrol, fmt.Errorf("%w: the sync account may not remove enrolments in this course", lms.ErrForbidden))
	return w
}

func TestConsoleInABrowser(t *testing.T) {
	bin := chromium(t)
	r := newWorld(t)

	// A fresh profile, removed at the end; Chromium's helpers may still be
	// writing into it for a moment after it exits, so a leftover is not a
	// test failure.
	profile, err := os.MkdirTemp("", "vtsync-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1600),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	// cdproto lags the newest Chromium: events it cannot decode (new enum
	// values) are logged by chromedp and harmless here; keep other errors.
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Log(msg)
		}
	}))
	defer cancel()
	defer func() { _ = chromedp.Cancel(ctx) }() // closes the browser and waits for it
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	var body string
	text := func(sel string) chromedp.Action { return chromedp.Text(sel, &body, chromedp.ByQuery) }

	// The page loads, behind a login.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(r.URL+"/"),
		chromedp.WaitVisible(`#token`, chromedp.ByQuery),
		chromedp.SendKeys(`#token`, token, chromedp.ByQuery),
		chromedp.Submit(`#token`, chromedp.ByQuery),
		chromedp.WaitVisible(`#needs-you`, chromedp.ByQuery),
		text(`main`),
	))
	assert.Contains(t, body, "A run was held by a safety limit")
	assert.Contains(t, body, "Results to review (1)")
	assert.Contains(t, body, "Julie Nguyen")
	assert.NotContains(t, body, token)

	// A conflict is resolved: keep VETtrak's.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`#conflicts button.secondary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		text(`main`),
	))
	assert.Contains(t, body, "Kept the result in VETtrak")
	assert.NotContains(t, body, "Results to review")

	// The held plan is reviewed, approved and applied.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`#held a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#approve`, chromedp.ByQuery),
		text(`main`),
	))
	assert.Contains(t, body, "John Smith ✗ student")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`#approve button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#per-course`, chromedp.ByQuery),
		text(`main`),
	))
	assert.Contains(t, body, "held plan approved in the console")
	assert.Positive(t, r.LMS.Calls().ByMethod["Unenrol"], "the approved plan was applied")
	assert.Nil(t, r.Runner.Held())

	// The failure shows its cause and that a person must act.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(r.URL+"/"),
		chromedp.WaitVisible(`#failures`, chromedp.ByQuery),
		text(`#failures`),
	))
	assert.Contains(t, body, "the sync account may not remove enrolments in this course")
	assert.Contains(t, body, "Yes")
	assert.NotContains(t, body, r.VT.Credentials().Password)

	var png []byte
	require.NoError(t, chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100))) // 100: PNG
	out := os.Getenv("CONSOLE_SCREENSHOT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "console.png")
	}
	require.NoError(t, os.WriteFile(out, png, 0o644))
	t.Logf("screenshot: %s (%d bytes)", out, len(png))
}
