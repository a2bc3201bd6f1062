package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/internal/demotest"
)

// startSchedule runs `vtsync args...` (schedule or serve) in the
// background until the test ends, and waits for want on stdout.
func (r *rig) startSchedule(want string, args ...string) (*demotest.Buffer, func() int) {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := r.writeConfig()
	stdout := &demotest.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"--config", cfg, "--progress", "none"}, args...),
			func(k string) string { return r.env[k] }, stdout, &demotest.Buffer{})
	}()
	stop := func() int { cancel(); return <-done }
	r.t.Cleanup(func() { cancel() })
	require.Eventually(r.t, func() bool { return strings.Contains(stdout.String(), want) },
		10*time.Second, 10*time.Millisecond, "stdout: %s", stdout.String())
	return stdout, stop
}

// Read-only commands work while a schedule holds the state store: they
// read the snapshot it saves after each run; writing commands still get
// exit 5.
func TestReadOnlyCommandsWhileScheduleRuns(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	r.config["lock_timeout"] = "50ms"
	_, stop := r.startSchedule("run 1 finished", "schedule", "--schedule", "every 24h", "--run-at-start")

	res := r.run("plan")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "0 changes", "the snapshot has the schedule's first run")
	assert.Contains(t, res.stderr, "reading its snapshot")

	res = r.run("results", "--dry-run", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var preview map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &preview), res.stdout)
	assert.Equal(t, []any{}, preview["writes"], "JSON lists are [] when empty, not null")
	assert.Equal(t, []any{}, preview["conflicts"])

	res = r.run("run", "--dry-run")
	assert.Equal(t, exitOK, res.code, res)

	res = r.run("status")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "vtsync schedule for test-rto")
	assert.Contains(t, res.stdout, "Schedule: every 24h")
	assert.Regexp(t, `run 1 \d{4}-\d\d-\d\d \d\d:\d\d \S+ ok: \d+ LMS changes, 0 failures`, res.stdout)

	res = r.run("run")
	assert.Equal(t, exitLocked, res.code, "a writing command still waits its turn")
	assert.Equal(t, exitOK, stop())
}

func TestStatusWithoutSchedule(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("status")
	assert.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "No schedule has run")
}

// serve runs the schedule and the console: the page answers on the
// address it prints, behind a login.
func TestServeRunsScheduleAndConsole(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.env["VTSYNC_CONSOLE_TOKEN"] = "tok-for-the-console-1234"
	out, stop := r.startSchedule("run 1 (scheduled run) finished", "serve", "--addr", "127.0.0.1:0", "--schedule", "every 24h", "--run-at-start")
	m := regexp.MustCompile(`console: (http://127\.0\.0\.1:\d+/) \(log in with the token in \$VTSYNC_CONSOLE_TOKEN\)`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	res, err := http.Get(m[1])
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(body), "Console token", "the console asks for the token first")
	assert.NotContains(t, string(body), "tok-for-the-console-1234")

	st := r.run("status")
	assert.Contains(t, st.stdout, "Console:  "+m[1])
	assert.Equal(t, exitOK, stop())
}

func TestServeNeedsAToken(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("serve", "--addr", "127.0.0.1:0", "--schedule", "every 24h")
	assert.Equal(t, exitUsage, res.code, res)
	assert.Contains(t, res.stderr, "VTSYNC_CONSOLE_TOKEN is not set")
}
