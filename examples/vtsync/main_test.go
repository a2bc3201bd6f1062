package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/examples/internal/demotest"
	"github.com/vtsync/vtsync/moodle/moodletest"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// rig is the program between a fake VETtrak and (optionally) a fake
// Canvas, with a config file in a temporary directory.
type rig struct {
	t      *testing.T
	dir    string
	vt     *vettraktest.Server
	canvas *canvastest.Server
	moodle *moodletest.Server
	env    map[string]string
	config map[string]any
}

// result is one invocation of the program.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// newRig starts a walkthrough VETtrak and configures the memory LMS with
// the walkthrough's IST101 course (the LMS-pulls model).
func newRig(t *testing.T) *rig {
	t.Helper()
	vt := vettraktest.NewTestServer(t)
	r := &rig{t: t, dir: t.TempDir(), vt: vt,
		env: map[string]string{"VTSYNC_VETTRAK_PASSWORD": vt.Credentials().Password}}
	r.config = map[string]any{
		"provider":  "test-rto",
		"workflow":  "occurrence_groups",
		"time_zone": "Australia/Sydney",
		"vettrak": map[string]any{
			"endpoint": vt.URL(),
			"username": vt.Credentials().Username,
		},
		"lms": map[string]any{
			"type": "memory",
			"memory": map[string]any{"courses": []map[string]any{
				{"name": "Introduction to Statistics", "code": "IST101"},
			}},
		},
		"scope":     map[string]any{"from": "2026-01-01", "to": "2026-12-31"},
		"state_dir": "state",
	}
	return r
}

// withCanvas switches the rig to a fake Canvas and the Unit workflow,
// which creates its courses.
func (r *rig) withCanvas() *rig {
	r.canvas = canvastest.NewServer()
	r.t.Cleanup(r.canvas.Close)
	r.env["VTSYNC_CANVAS_TOKEN"] = r.canvas.AdminToken()
	r.config["workflow"] = "unit"
	r.config["lms"] = map[string]any{
		"type": "canvas",
		// The client's default pace (20/s) would make the tests slow.
		"canvas": map[string]any{"base_url": r.canvas.URL(), "groups_as": "groups", "rate_limit": 1000},
	}
	return r
}

// withMoodle switches the rig to a fake Moodle (issue 17: the CLI can
// target Moodle from its config), keeping the Occurrence-groups workflow
// on a course a teacher made by hand.
func (r *rig) withMoodle() *rig {
	r.moodle = moodletest.NewServer()
	r.t.Cleanup(r.moodle.Close)
	r.env["VTSYNC_MOODLE_TOKEN"] = r.moodle.AdminToken()
	r.moodle.SeedCourse(moodletest.Course{FullName: "Introduction to Statistics", ShortName: vettraktest.WalkthroughUnit})
	r.config["lms"] = map[string]any{
		"type":   "moodle",
		"moodle": map[string]any{"base_url": r.moodle.URL(), "rate_limit": 1000},
	}
	return r
}

func (r *rig) path(name string) string { return filepath.Join(r.dir, name) }

func (r *rig) writeConfig() string {
	r.t.Helper()
	b, err := json.MarshalIndent(r.config, "", "  ")
	require.NoError(r.t, err)
	p := r.path("vtsync.json")
	require.NoError(r.t, os.WriteFile(p, b, 0o600))
	return p
}

func (r *rig) run(args ...string) result {
	r.t.Helper()
	return r.runCtx(context.Background(), args...)
}

func (r *rig) runCtx(ctx context.Context, args ...string) result {
	r.t.Helper()
	cfg := r.writeConfig()
	var stdout, stderr demotest.Buffer
	env := func(k string) string { return r.env[k] }
	code := run(ctx, append([]string{"--config", cfg, "--progress", "lines"}, args...), env, &stdout, &stderr)
	res := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	r.assertNoSecrets(res)
	return res
}

// assertNoSecrets fails if a password or token appears anywhere the
// program wrote: stdout, stderr, or any file in the test directory
// (reports, plans, the state store).
func (r *rig) assertNoSecrets(res result) {
	r.t.Helper()
	var secrets []string
	for _, v := range r.env {
		secrets = append(secrets, v)
	}
	secrets = append(secrets, r.vt.IssuedTokens()...)
	secrets = escapedForms(secrets)
	for _, s := range secrets {
		require.NotEmpty(r.t, s)
		assert.NotContains(r.t, res.stdout, s, "secret on stdout")
		assert.NotContains(r.t, res.stderr, s, "secret on stderr")
	}
	_ = filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "vtsync.json" {
			return nil
		}
		b, err := os.ReadFile(p)
		require.NoError(r.t, err)
		for _, s := range secrets {
			assert.NotContains(r.t, string(b), s, "secret in %s", p)
		}
		return nil
	})
}

// escapedForms adds the JSON- and XML-escaped forms of each secret, the
// forms a leak in a report or a SOAP dump would take.
func escapedForms(secrets []string) []string {
	out := slices.Clone(secrets)
	for _, s := range secrets {
		b, _ := json.Marshal(s)
		out = append(out, string(b[1:len(b)-1]))
		var x bytes.Buffer
		_ = xml.EscapeText(&x, []byte(s))
		out = append(out, x.String())
	}
	return out
}

func (r *rig) readReport(name string) map[string]any {
	r.t.Helper()
	b, err := os.ReadFile(r.path(name))
	require.NoError(r.t, err)
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(b, &m), string(b))
	return m
}

func TestHelpExplainsEveryCommandAndFlag(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &errOut)
	require.Equal(t, exitOK, code)
	help := out.String()
	for _, c := range commands() {
		assert.Contains(t, help, c.name)
		for _, a := range c.aliases {
			assert.Contains(t, help, a)
		}
	}
	for _, f := range sharedFlags {
		assert.Contains(t, help, "-"+f)
	}
	assert.Contains(t, help, "VTSYNC_VETTRAK_PASSWORD")
	assert.Contains(t, help, "130")

	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}} {
				var out bytes.Buffer
				code := run(context.Background(), args, func(string) string { return "" }, &out, &bytes.Buffer{})
				require.Equal(t, exitOK, code, args)
				for _, f := range append(c.flags, sharedFlags...) {
					assert.Contains(t, out.String(), "-"+f, "help for %s lacks --%s", c.name, f)
				}
				assert.Contains(t, out.String(), "Exit codes")
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, `no command "frobnicate"`},
		{"unknown flag", []string{"run", "--frobnicate"}, "frobnicate"},
		{"bad format", []string{"plan", "--format", "yaml"}, `--format "yaml"`},
		{"stray argument", []string{"plan", "extra"}, `unexpected argument "extra"`},
		{"help for unknown", []string{"help", "nope"}, `no command "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, func(string) string { return "" }, &out, &errOut)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut.String(), tt.want)
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("check")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "Connected to VETtrak")
	assert.Contains(t, res.stdout, "Contract: the server's WSDL")
	assert.Contains(t, res.stdout, "Both connections work.")

	res = r.run("check", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &rep))
	assert.Equal(t, true, rep["vettrak_ok"])
	assert.Equal(t, true, rep["lms_ok"])
	assert.Equal(t, true, rep["contract_ok"])
}

// A server whose contract differs fails the check (not as a connection
// problem) and the report prints the mapping to paste.
func TestCheckReportsAContractDifference(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	vt := vettraktest.NewTestServer(t, vettraktest.WithWSDLVariant(vettraktest.WSDLVariant{
		RenameParams: map[string]map[string]string{"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"}}}))
	r.config["vettrak"].(map[string]any)["endpoint"] = vt.URL()
	res := r.run("check")
	assert.Equal(t, exitFailures, res.code, res)
	assert.Contains(t, res.stdout, "the server expects iUploaded where the SDK sends iStatus")
	assert.Contains(t, res.stdout, `vettrak.WithWireNames(vettrak.WireNames{"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"}})`)
	assert.Contains(t, res.stdout, `"wire_names": {"UpdateLMSOccurrenceStatus":{"iStatus":"iUploaded"}}`)
	assert.NotContains(t, res.stdout, "Both connections work.")

	res = r.run("check", "--format", "json")
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &rep), res)
	assert.Equal(t, map[string]any{"UpdateLMSOccurrenceStatus": map[string]any{"iStatus": "iUploaded"}}, rep["wire_names"])
}

// The wire names the check printed, pasted into the configuration file,
// make the same server pass the check and accept writes.
func TestConfigWireNamesMapARenamedParameter(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	vt := vettraktest.NewTestServer(t, vettraktest.WithWSDLVariant(vettraktest.WSDLVariant{
		RenameParams: map[string]map[string]string{"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"}}}))
	r.config["vettrak"].(map[string]any)["endpoint"] = vt.URL()
	r.config["vettrak"].(map[string]any)["wire_names"] = map[string]any{
		"UpdateLMSOccurrenceStatus": map[string]any{"iStatus": "iUploaded"}}
	res := r.run("check")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "Both connections work.")
	assert.NotContains(t, res.stdout, "wire_names")
}

func TestBadCredentialsExit3(t *testing.T) {
	t.Parallel()
	t.Run("vettrak password", func(t *testing.T) {
		r := newRig(t)
		r.env["VTSYNC_VETTRAK_PASSWORD"] = "wrong-but-secret-<&>"
		for _, cmd := range []string{"check", "plan", "run"} {
			res := r.run(cmd, "--log-level", "debug", "--report", r.path("report.json"))
			assert.Equal(t, exitConnection, res.code, "%s: %s", cmd, res)
			assert.Equal(t, "error", r.readReport("report.json")["status"])
		}
	})
	t.Run("canvas token", func(t *testing.T) {
		r := newRig(t).withCanvas()
		r.env["VTSYNC_CANVAS_TOKEN"] = "not-a-real-canvas-token-1234"
		res := r.run("check", "--log-level", "debug")
		assert.Equal(t, exitConnection, res.code, res)
		assert.Contains(t, res.stdout, "token")
		res = r.run("run", "--log-level", "debug")
		assert.Equal(t, exitConnection, res.code, res)
	})
	t.Run("unreachable", func(t *testing.T) {
		r := newRig(t)
		r.config["vettrak"].(map[string]any)["endpoint"] = "http://127.0.0.1:1/VT_API.asmx"
		res := r.run("plan")
		assert.Equal(t, exitConnection, res.code, res)
	})
}

func TestConfigErrorsExit2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *rig)
		want   string
	}{
		{"missing password env", func(r *rig) { delete(r.env, "VTSYNC_VETTRAK_PASSWORD") },
			"environment variable VTSYNC_VETTRAK_PASSWORD is not set"},
		{"custom password env", func(r *rig) { r.config["vettrak"].(map[string]any)["password_env"] = "RTO_VT_PW" },
			"RTO_VT_PW is not set"},
		{"missing canvas token", func(r *rig) { r.withCanvas(); delete(r.env, "VTSYNC_CANVAS_TOKEN") },
			"VTSYNC_CANVAS_TOKEN is not set"},
		{"password in file", func(r *rig) { r.config["vettrak"].(map[string]any)["password"] = "hunter2-in-a-file" },
			"vettrak.password: the config file must not hold secrets"},
		{"unknown key", func(r *rig) { r.config["scheduel"] = "every 1h" }, `unknown field "scheduel"`},
		{"bad workflow", func(r *rig) { r.config["workflow"] = "units" }, `workflow: "units" is not one of`},
		{"bad zone", func(r *rig) { r.config["time_zone"] = "Mars/Olympus" }, "not an IANA time zone"},
		{"bad date", func(r *rig) { r.config["scope"] = map[string]any{"from": "1/2/2026"} }, "scope.from"},
		{"empty scope", func(r *rig) { r.config["scope"] = map[string]any{} }, "nothing selected"},
		{"bad mapping key", func(r *rig) { r.config["mapping"] = map[string]any{"section": "trainer"} }, "mapping"},
		{"bad lms", func(r *rig) { r.config["lms"] = map[string]any{"type": "blackboard"} }, `"blackboard" is not canvas, moodle or memory`},
		{"moodle without its section", func(r *rig) { r.config["lms"] = map[string]any{"type": "moodle"} }, "lms.moodle: required when lms.type is moodle"},
		{"missing moodle token", func(r *rig) { r.withMoodle(); delete(r.env, "VTSYNC_MOODLE_TOKEN") }, "VTSYNC_MOODLE_TOKEN is not set"},
		{"bad moodle role", func(r *rig) {
			r.withMoodle()
			r.config["lms"].(map[string]any)["moodle"].(map[string]any)["roles"] = map[string]any{"tutor": 4}
		}, `lms.moodle.roles: "tutor"`},
		{"bad schedule", func(r *rig) { r.config["schedule"] = "sometimes" }, "schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			tt.change(r)
			res := r.run("plan", "--report", r.path("report.json"))
			assert.Equal(t, exitUsage, res.code, res)
			assert.Contains(t, res.stderr, tt.want)
			assert.NotContains(t, res.stderr, "hunter2")
			assert.Equal(t, "error", r.readReport("report.json")["status"])
		})
	}
}

func TestConfigFileMissing(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--config", filepath.Join(t.TempDir(), "nope.json"), "check"},
		func(string) string { return "" }, &out, &errOut)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut.String(), "nope.json")
}

func TestPlanTableAndJSON(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("plan", "--report", r.path("report.json"))
	require.Equal(t, exitOK, res.code, res)
	// By name, grouped by course, at 80 columns; SIS IDs only with --wide.
	assert.Contains(t, res.stdout, "\nIST101 Introduction to Statistics\n")
	assert.Contains(t, res.stdout, "  John Smith → student in IST101 Introduction to Statistics (Term 1)\n")
	assert.Contains(t, res.stdout, "  Alan Adams → teacher in IST101 Introduction to Statistics\n")
	assert.Contains(t, res.stdout, "  create group Term 2\n")
	assert.Contains(t, res.stdout, "): 25 changes\n")
	assert.NotContains(t, res.stdout, "OPERATION")
	assert.NotContains(t, res.stdout, "add_member:")
	for _, line := range strings.Split(res.stdout, "\n") {
		if strings.HasPrefix(line, "  ") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, line)
		}
	}
	assert.Regexp(t, `Plan \(occurrence_groups workflow, \d{4}-\d\d-\d\d \d\d:\d\d [A-Z+\-0-9]+\)`, res.stdout, "times carry their zone")
	wide := r.run("plan", "--wide", "--progress", "none")
	require.Equal(t, exitOK, wide.code, wide)
	assert.Contains(t, wide.stdout, "OPERATION")
	assert.Contains(t, wide.stdout, "create_group")
	assert.Contains(t, wide.stdout, "add_member")
	assert.Contains(t, res.stdout, "Changes:   add_member 4, create_group 2, create_user 6, enrol 6, "+
		"mark_enrolment 4, mark_occurrence 2, update_course 1")
	assert.Contains(t, res.stderr, "progress: observe")

	rep := r.readReport("report.json")
	assert.Equal(t, "ok", rep["status"])
	assert.Equal(t, "plan", rep["command"])
	assert.Equal(t, "test-rto", rep["provider"])
	plan := rep["plan"].(map[string]any)
	assert.Equal(t, float64(25), plan["operations"])

	res = r.run("plan", "--format", "json", "--progress", "none")
	require.Equal(t, exitOK, res.code, res)
	var p struct {
		Workflow string `json:"workflow"`
		Ops      []struct {
			Kind, Key, Reason string
		} `json:"ops"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &p), res.stdout)
	assert.Equal(t, "occurrence_groups", p.Workflow)
	assert.Len(t, p.Ops, 25)
	for _, op := range p.Ops {
		assert.NotEmpty(t, op.Reason, op.Key)
	}
	assert.NotContains(t, res.stderr, "progress:")

	res = r.run("plan", "--progress", "bar")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stderr, "\r\033[Kplan     [##############################] 25/25 planned  0:0")
	assert.NotContains(t, res.stderr, "progress:")
}

func TestRunOnCanvasThenNothingToDo(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	res := r.run("run", "--report", r.path("report.json"))
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "run finished")
	assert.Contains(t, res.stdout, "0 failures")
	_, ok := r.canvas.CourseBySISID("vt-unit-IST101")
	assert.True(t, ok, "course created in Canvas")
	_, ok = r.canvas.UserBySISID("vt-u-10001")
	assert.True(t, ok, "learner created in Canvas")

	rep := r.readReport("report.json")
	assert.Equal(t, "ok", rep["status"])
	assert.Equal(t, float64(0), rep["exit_code"])
	created := rep["report"].(map[string]any)["created"].(map[string]any)
	assert.Equal(t, float64(1), created["course"])
	assert.Equal(t, float64(6), created["user"])
	assert.NotEmpty(t, rep["report"].(map[string]any)["calls"])

	res = r.run("run", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var again map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &again), res.stdout)
	assert.Equal(t, float64(0), again["planned"], "second run plans nothing")
	assert.DirExists(t, r.path("state"), "state_dir is relative to the config file")
}

func TestHeldPlanExit4(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	r.config["safety"] = map[string]any{"min_base": 1, "max_remove_share": 0.1}
	require.Equal(t, exitOK, r.run("run").code)
	require.NoError(t, r.vt.Data().Withdraw(3001, "Withdrawn"))

	res := r.run("plan")
	assert.Equal(t, exitHeld, res.code, res)
	assert.Contains(t, res.stdout, "HOLD: remove 1 of 6")

	res = r.run("run", "--report", r.path("report.json"))
	assert.Equal(t, exitHeld, res.code, res)
	assert.Contains(t, res.stderr, "plan held")
	rep := r.readReport("report.json")
	assert.Equal(t, "held", rep["status"])
	assert.Equal(t, float64(exitHeld), rep["exit_code"])
	for _, e := range r.canvas.Enrollments(0) {
		assert.NotEqual(t, "inactive", e.State, "a held plan changes nothing")
	}

	res = r.run("run", "--allow-holds")
	assert.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "removed    enrolment 1")
}

func TestPlanOutThenApply(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	res := r.run("plan", "--out", r.path("plan.json"))
	require.Equal(t, exitOK, res.code, res)
	assert.Empty(t, r.canvas.Courses(), "plan changes nothing")

	res = r.run("apply", "--plan", r.path("plan.json"), "--dry-run")
	require.Equal(t, exitOK, res.code, res)
	assert.Empty(t, r.canvas.Courses(), "apply --dry-run changes nothing")

	res = r.run("apply", "--plan", r.path("plan.json"), "--report", r.path("report.json"))
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "apply finished")
	_, ok := r.canvas.CourseBySISID("vt-unit-IST101")
	assert.True(t, ok)
	assert.Equal(t, "apply", r.readReport("report.json")["command"])

	res = r.run("plan", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var again struct{ Ops []any }
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &again))
	assert.Empty(t, again.Ops, "the applied plan left nothing to do")
}

func TestApplyRefusesBadPlans(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	require.NoError(t, os.WriteFile(r.path("junk.json"), []byte(`{"ops": [`), 0o600))
	require.NoError(t, os.WriteFile(r.path("other.json"), []byte(`{"workflow":"unit","created_at":"2026-01-01T00:00:00Z","ops":[]}`), 0o600))
	require.NoError(t, os.WriteFile(r.path("hollow.json"), []byte(`{"workflow":"occurrence_groups","created_at":"2026-01-01T00:00:00Z","ops":[{"kind":"create_user","key":"create_user:x"}]}`), 0o600))
	tests := []struct{ file, want string }{
		{"", "--plan FILE is required"},
		{"junk.json", "not a vtsync plan"},
		{"other.json", "the plan is for the unit workflow"},
		{"hollow.json", "missing key or payload"},
		{"absent.json", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			args := []string{"apply"}
			if tt.file != "" {
				args = append(args, "--plan", r.path(tt.file))
			}
			res := r.run(args...)
			assert.Equal(t, exitUsage, res.code, res)
			assert.Contains(t, res.stderr, tt.want)
		})
	}
}

func TestResultsPreviewThenWrite(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	require.Equal(t, exitOK, r.run("run").code)
	course, ok := r.canvas.CourseBySISID("vt-unit-IST101")
	require.True(t, ok)
	john, ok := r.canvas.UserBySISID("vt-u-10001")
	require.True(t, ok)
	a := r.canvas.SeedAssignment(canvastest.Assignment{CourseID: course.ID, Name: "Quiz (IST101)", PointsPossible: 10, Published: true})
	score := 10.0
	graded := time.Now().Add(-time.Hour)
	r.canvas.SeedSubmission(canvastest.Submission{AssignmentID: a, UserID: john.ID, Score: &score, WorkflowState: "graded", GradedAt: &graded, SubmittedAt: &graded})

	res := r.run("results", "--dry-run")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "write_result")
	assert.Contains(t, res.stdout, "3001")
	assert.NotContains(t, res.stdout, "create_user", "the preview shows only VETtrak writes")
	assert.Empty(t, resultOf(r, 3001), "a preview writes nothing")

	res = r.run("results", "--dry-run", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var preview struct {
		Writes []struct {
			Kind   string
			Result struct {
				EnrolmentID int64  `json:"enrolment_id"`
				ResultName  string `json:"result_name"`
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &preview), res.stdout)
	var results []int64
	for _, w := range preview.Writes {
		if w.Kind == "write_result" {
			results = append(results, w.Result.EnrolmentID)
			assert.Equal(t, "Competent", w.Result.ResultName)
		}
	}
	assert.Equal(t, []int64{3001}, results)

	res = r.run("results", "--report", r.path("report.json"))
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "1 results written")
	assert.Equal(t, "Competent", resultOf(r, 3001))
	assert.Equal(t, float64(1), r.readReport("report.json")["report"].(map[string]any)["results_written"])

	res = r.run("results")
	require.Equal(t, exitOK, res.code, res)
	assert.Contains(t, res.stdout, "0 results written", "a result is written once")
}

func resultOf(r *rig, enrolmentID int64) string {
	for _, u := range r.vt.Data().Results(enrolmentID) {
		if u.UnitCode == vettraktest.WalkthroughUnit {
			return u.ResultName
		}
	}
	return ""
}

func TestItemFailuresExit1(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	r.canvas.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/users", Status: 400,
		Body: `{"errors":{"unique_id":[{"message":"invalid"}]}}`})
	res := r.run("run", "--report", r.path("report.json"))
	assert.Equal(t, exitFailures, res.code, res)
	assert.Contains(t, res.stdout, "FAILED")
	rep := r.readReport("report.json")
	assert.Equal(t, "failures", rep["status"])
	assert.NotEmpty(t, rep["report"].(map[string]any)["failures"])
}

func TestInterruptedExit130(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := r.runCtx(ctx, "run", "--report", r.path("report.json"))
	assert.Equal(t, exitInterrupted, res.code, res)
	assert.Equal(t, "interrupted", r.readReport("report.json")["status"])
}

func TestScheduleRunsUntilCancelled(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := r.writeConfig()
	var stdout, stderr demotest.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--config", cfg, "schedule", "--schedule", "every 1s", "--run-at-start",
			"--report", r.path("report.json")}, func(k string) string { return r.env[k] }, &stdout, &stderr)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "run 1 finished") },
		5*time.Second, 10*time.Millisecond, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(5 * time.Second):
		t.Fatal("schedule did not stop when its context was cancelled")
	}
	out := stdout.String()
	assert.Contains(t, out, "schedule: every 1s; first run now")
	assert.Contains(t, out, "schedule stopped:")
	rep := r.readReport("report.json")
	assert.Equal(t, "schedule", rep["command"])
	assert.Equal(t, "ok", rep["status"])
	assert.GreaterOrEqual(t, rep["run"], float64(1))
	r.assertNoSecrets(result{stdout: out, stderr: stderr.String()})
}

func TestScheduleNeedsASpec(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	res := r.run("schedule")
	assert.Equal(t, exitUsage, res.code, res)
	assert.Contains(t, res.stderr, "no schedule")
	res = r.run("serve", "--schedule", "at 25:00")
	assert.Equal(t, exitUsage, res.code, res)
}

// The example config works against servers seeded the way
// examples/fakeservers seeds them: Canvas has a course made by hand for
// each VETtrak unit, with module requirements.
func TestExampleConfigWorksAgainstTheFakes(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	raw, err := os.ReadFile("vtsync.example.json")
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, decodeJSON(raw, &cfg))
	cfg["vettrak"].(map[string]any)["endpoint"] = r.vt.URL()
	cfg["lms"].(map[string]any)["canvas"].(map[string]any)["base_url"] = r.canvas.URL()
	// The example's gentle pace suits real servers, not a test.
	cfg["vettrak"].(map[string]any)["rate_limit"] = 1000
	cfg["lms"].(map[string]any)["canvas"].(map[string]any)["rate_limit"] = 1000
	r.config = cfg
	id := r.canvas.SeedCourse(canvastest.Course{Name: "Introduction to Statistics", CourseCode: vettraktest.WalkthroughUnit})
	r.canvas.SetModuleRequirements(id, 4)

	for _, cmd := range []string{"check", "plan", "run"} {
		res := r.run(cmd)
		require.Equal(t, exitOK, res.code, "%s: %s", cmd, res)
	}
	assert.Len(t, r.canvas.Groups(id), 2, "one group per occurrence")
	assert.DirExists(t, r.path("vtsync-state"))
	res := r.run("plan", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var again struct{ Ops []any }
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &again))
	assert.Empty(t, again.Ops, "a second plan changes nothing")
}

func decodeJSON(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// A schedule holds the state store; a second vtsync on the same state
// directory fails with exit 5 instead of running beside it.
func TestStateStoreLockedExit5(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.config["lock_timeout"] = "50ms"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := r.writeConfig()
	var stdout demotest.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--config", cfg, "schedule", "--schedule", "every 24h"},
			func(k string) string { return r.env[k] }, &stdout, &demotest.Buffer{})
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "schedule: every 24h") },
		5*time.Second, 10*time.Millisecond)

	res := r.run("run")
	assert.Equal(t, exitLocked, res.code, res)
	assert.Contains(t, res.stderr, "another vtsync process is using it")
	cancel()
	assert.Equal(t, exitOK, <-done)
}

// groups_as chooses what occurrence groups become in Canvas.
func TestCanvasGroupsAsSections(t *testing.T) {
	t.Parallel()
	r := newRig(t).withCanvas()
	r.config["workflow"] = "occurrence_groups"
	r.config["lms"].(map[string]any)["canvas"].(map[string]any)["groups_as"] = "sections"
	id := r.canvas.SeedCourse(canvastest.Course{Name: "Introduction to Statistics", CourseCode: vettraktest.WalkthroughUnit})

	res := r.run("run")
	require.Equal(t, exitOK, res.code, res)
	assert.Empty(t, r.canvas.Groups(id), "no Canvas groups in sections mode")
	var names []string
	for _, s := range r.canvas.Sections(id) {
		names = append(names, s.Name)
	}
	assert.Subset(t, names, []string{"Term 1", "Term 2"}, "each occurrence is a section")
}

// The CLI targets Moodle from its config: the walkthrough lands in the
// fake Moodle and a second run plans nothing.
func TestRunOnMoodleThenNothingToDo(t *testing.T) {
	t.Parallel()
	r := newRig(t).withMoodle()
	res := r.run("run")
	require.Equal(t, exitOK, res.code, res)
	c, ok := r.moodle.CourseByIDNumber("vt-unit-" + vettraktest.WalkthroughUnit)
	require.True(t, ok, "the hand-made course was adopted")
	assert.Equal(t, vettraktest.WalkthroughUnit, c.ShortName)
	_, ok = r.moodle.UserByIDNumber("vt-u-10001")
	assert.True(t, ok, "learner created in Moodle")

	res = r.run("run", "--format", "json")
	require.Equal(t, exitOK, res.code, res)
	var again map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &again), res.stdout)
	assert.Equal(t, float64(0), again["planned"], "second run plans nothing")
}
