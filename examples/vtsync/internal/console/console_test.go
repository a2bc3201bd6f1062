package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

const token = "console-token-Zq9!"

// world is the console over a walkthrough VETtrak and a memory LMS.
type world struct {
	t      *testing.T
	vt     *vettraktest.Server
	lms    *memlms.LMS
	runner *console.Runner
	srv    *httptest.Server
	client *http.Client
	csrf   string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	vt := vettraktest.NewTestServer(t)
	api, err := vettrak.New(vt.URL(), vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	m := memlms.New()
	_, err = m.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	cfg := vtsync.DefaultConfig(mapping.WorkflowOccurrenceGroups)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	cfg.Safety.MinBase = vtsync.Ptr(1)
	cfg.Safety.MaxRemoveShare = vtsync.Ptr(0.1)
	st := store.NewMemory()
	newSyncer := func(time.Time) (*vtsync.Syncer, error) {
		return vtsync.New(api, m, cfg, vtsync.WithStore(st), vtsync.WithSecrets(vt.Credentials().Password, token))
	}
	w := &world{t: t, vt: vt, lms: m, runner: console.NewRunner(newSyncer, st, nil)}
	srv, err := console.New(w.runner, console.Options{Token: token, Provider: "test-rto", Location: time.UTC})
	require.NoError(t, err)
	w.srv = httptest.NewServer(srv)
	t.Cleanup(w.srv.Close)
	jar, _ := cookiejar.New(nil)
	w.client = &http.Client{Jar: jar}
	return w
}

func (w *world) login() {
	w.t.Helper()
	res := w.post("/login", url.Values{"token": {token}})
	require.Equal(w.t, http.StatusOK, res.code, res.body)
	w.get("/")
}

type response struct {
	code int
	body string
	url  string
}

func (w *world) do(req *http.Request) response {
	w.t.Helper()
	res, err := w.client.Do(req)
	require.NoError(w.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	body := string(b)
	if m := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(body); m != nil {
		w.csrf = m[1]
	}
	assert.NotContains(w.t, body, token, "the console token is never rendered")
	assert.NotContains(w.t, body, w.vt.Credentials().Password, "the VETtrak password is never rendered")
	return response{code: res.StatusCode, body: body, url: res.Request.URL.Path}
}

func (w *world) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	return w.do(req)
}

func (w *world) post(path string, form url.Values) response {
	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	return w.do(req)
}

// action posts a form with the session's CSRF token.
func (w *world) action(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", w.csrf)
	return w.post(path, form)
}

func (w *world) runOnce() console.Run {
	w.t.Helper()
	run, _ := w.runner.RunOnce(context.Background(), "scheduled run")
	return run
}

func TestLoginRequired(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	res := w.get("/")
	assert.Equal(t, "/login", res.url, "no session: to the login page")
	assert.Contains(t, res.body, "Console token")

	res = w.post("/login", url.Values{"token": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, res.code)
	assert.Contains(t, res.body, "That is not the console token")

	res = w.post("/check", url.Values{})
	assert.Equal(t, http.StatusUnauthorized, res.code, "actions need a session")

	w.login()
	res = w.get("/")
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "<h1>Overview</h1>")
	assert.Contains(t, res.body, "No run yet")

	res = w.action("/logout", nil)
	assert.Equal(t, "/login", res.url)
	assert.Equal(t, "/login", w.get("/").url, "logged out")
}

func TestActionsNeedCSRFAndSameOrigin(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	res := w.post("/check", url.Values{"csrf": {"0000"}})
	assert.Equal(t, http.StatusForbidden, res.code)
	assert.Contains(t, res.body, "CSRF")

	req, _ := http.NewRequest(http.MethodPost, w.srv.URL+"/check", strings.NewReader("csrf="+w.csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	assert.Equal(t, http.StatusForbidden, w.do(req).code)

	req, _ = http.NewRequest(http.MethodGet, w.srv.URL+"/", nil)
	raw, err := w.client.Do(req)
	require.NoError(t, err)
	raw.Body.Close()
	assert.Contains(t, raw.Header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Equal(t, "DENY", raw.Header.Get("X-Frame-Options"))
}

func TestConnectionCheck(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	res := w.action("/check", nil)
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "Connection check finished")
	assert.Contains(t, res.body, `class="ok">VETtrak:`)
	assert.Contains(t, res.body, "Checked ")
}

func TestRunsPerCourseAndChart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	first := w.runOnce()
	require.Equal(t, console.StatusOK, first.Status, first.Error)
	w.runOnce()
	res := w.get("/")
	assert.Contains(t, res.body, `<svg class="chart"`)
	assert.Contains(t, res.body, "API calls (bars, left scale)")
	assert.Contains(t, res.body, `<a href="/runs/1">1</a>`)
	assert.Contains(t, res.body, "Nothing needs a person right now.")
	assert.Regexp(t, `\d{2}:\d{2} UTC`, res.body, "times carry their zone")

	res = w.get("/runs/1")
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "IST101 Introduction to Statistics")
	assert.Contains(t, res.body, "4 placed in groups")
	assert.Contains(t, res.body, "6 people enrolled")
	assert.Contains(t, res.body, "People (LMS accounts)")

	assert.Equal(t, http.StatusNotFound, w.get("/runs/99").code)
}

func TestPreviewOnDemand(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	res := w.action("/preview", nil)
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "Dry run")
	assert.Contains(t, res.body, "John Smith → student in IST101 Introduction to Statistics (Term 1)")
	assert.Empty(t, w.runner.Runs(), "a preview changes nothing and is not a run")
	assert.Zero(t, w.lms.Calls().ByMethod["Enrol"])
}

func TestRunNowAction(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	res := w.action("/run", nil)
	assert.Equal(t, "/runs/1", res.url)
	assert.Contains(t, res.body, "run started in the console")
}

// A result VETtrak changed under us fails with its cause; the next run
// puts it up for review; keeping VETtrak's answers it for good.
func TestFailureThenConflictKeepVETtrak(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	w.seedConflict()

	res := w.get("/")
	assert.Contains(t, res.body, "Results to review (1)")
	assert.Contains(t, res.body, "Julie Nguyen")
	assert.Contains(t, res.body, "Withdrawn")
	require.Contains(t, res.body, "Keep VETtrak's")

	res = w.action("/conflicts/resolve", url.Values{"key": {mapping.ResultKey(3002, vettraktest.WalkthroughUnit)}, "choice": {"vettrak"}})
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "Kept the result in VETtrak")
	assert.NotContains(t, res.body, "Results to review")
	assert.Equal(t, "Withdrawn", w.vt.Data().Results(3002)[0].ResultName)

	w.runOnce()
	assert.NotContains(t, w.get("/").body, "Results to review", "not asked again while the proposal is the same")

	res = w.action("/conflicts/resolve", url.Values{"key": {"nope"}, "choice": {"vettrak"}})
	assert.Equal(t, http.StatusNotFound, res.code)
}

func TestConflictAcceptOurs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	w.seedConflict()
	res := w.action("/conflicts/resolve", url.Values{"key": {mapping.ResultKey(3002, vettraktest.WalkthroughUnit)}, "choice": {"ours"}})
	assert.Equal(t, http.StatusOK, res.code, res.body)
	assert.Contains(t, res.body, "Wrote the vtsync result to VETtrak")
	assert.NotEqual(t, "Withdrawn", w.vt.Data().Results(3002)[0].ResultName)
}

// seedConflict completes Julie's course in the LMS after a hand-entered
// result in VETtrak: the first run fails the write with its cause, the
// second sends it to review.
func (w *world) seedConflict() {
	t := w.t
	t.Helper()
	require.Equal(t, console.StatusOK, w.runOnce().Status)
	st := w.lms.Dump()
	var julie string
	for _, u := range st.Users {
		if u.GivenName == "Julie" {
			julie = u.SISID
		}
	}
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	require.NoError(t, w.lms.SetProgress(st.Courses[0].SISID, lms.Progress{UserSISID: julie, RequirementsTotal: 2, RequirementsCompleted: 2, CompletedAt: &done}))
	require.NoError(t, w.vt.Data().SetResult(3002, vettraktest.WalkthroughUnit, "Withdrawn", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))

	failed := w.runOnce()
	require.Equal(t, console.StatusFailures, failed.Status)
	res := w.get("/")
	assert.Contains(t, res.body, "Failures in the last run (1)")
	assert.Contains(t, res.body, `class="cause"`)
	assert.Contains(t, res.body, "No: it is retried automatically")

	w.runOnce()
}

func TestHeldPlanApproveAndApply(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	require.Equal(t, console.StatusOK, w.runOnce().Status)
	require.NoError(t, w.vt.Data().Withdraw(3001, "Withdrawn"))
	held := w.runOnce()
	require.Equal(t, console.StatusHeld, held.Status)
	assert.Zero(t, w.lms.Calls().ByMethod["Unenrol"], "nothing removed while held")

	res := w.get("/")
	assert.Contains(t, res.body, "A run was held by a safety limit")
	res = w.get("/held")
	assert.Contains(t, res.body, "Approve and apply")
	assert.Contains(t, res.body, "John Smith ✗ student")
	id := regexp.MustCompile(`name="id" value="([0-9a-f]+)"`).FindStringSubmatch(res.body)
	require.NotNil(t, id)

	res = w.action("/held/approve", url.Values{"id": {"not-it"}})
	assert.Equal(t, http.StatusNotFound, res.code)

	res = w.action("/held/approve", url.Values{"id": {id[1]}})
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, "held plan approved in the console")
	assert.Contains(t, res.body, "st-ok")
	assert.Positive(t, w.lms.Calls().ByMethod["Unenrol"]+w.lms.Calls().ByMethod["RemoveMember"], "the held plan was applied")
	assert.Nil(t, w.runner.Held())
	assert.Contains(t, w.get("/held").body, "No plan is waiting for approval.")
}

func TestReleaseNeedsAKey(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.login()
	res := w.action("/failures/release", nil)
	assert.Equal(t, http.StatusBadRequest, res.code)
	res = w.action("/failures/release", url.Values{"key": {"enrol:x"}})
	assert.Equal(t, http.StatusOK, res.code, res.body)
	assert.Contains(t, res.body, "The next run will try it again")
}

func TestStylesheetIsEmbedded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	res := w.get("/static/style.css")
	assert.Equal(t, http.StatusOK, res.code)
	assert.Contains(t, res.body, ".chart")
}

func TestNewNeedsAToken(t *testing.T) {
	t.Parallel()
	_, err := console.New(&console.Runner{}, console.Options{})
	assert.ErrorContains(t, err, "no token")
}
