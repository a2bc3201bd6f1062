package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/examples/vtsync/internal/console/consoletest"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

const token = "console-token-Zq9!"

// world is the console over the fakes, with a browser-like client.
type world struct {
	*consoletest.World
	t      *testing.T
	vt     *vettraktest.Server
	lms    *memlms.LMS
	runner *console.Runner
	srv    struct{ URL string }
	client *http.Client
	csrf   string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cw := consoletest.New(t, token, time.UTC)
	w := &world{World: cw, t: t, vt: cw.VT, lms: cw.LMS, runner: cw.Runner}
	w.srv.URL = cw.URL
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

func (w *world) runOnce() console.Run { return w.Run() }

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

	res = w.action("/conflicts/resolve", url.Values{"key": {consoletest.ConflictKey()}, "choice": {"vettrak"}})
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
	res := w.action("/conflicts/resolve", url.Values{"key": {consoletest.ConflictKey()}, "choice": {"ours"}})
	assert.Equal(t, http.StatusOK, res.code, res.body)
	assert.Contains(t, res.body, "Wrote the vtsync result to VETtrak")
	assert.NotEqual(t, "Withdrawn", w.vt.Data().Results(3002)[0].ResultName)
}

// seedConflict: the first run writes nothing for Julie because VETtrak
// changed under it (a failure with its cause); the second sends it to
// review.
func (w *world) seedConflict() {
	t := w.t
	t.Helper()
	require.Equal(t, console.StatusOK, w.runOnce().Status)
	w.CompleteOverHandEnteredResult(t)
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
	w.Hold(t)
	assert.Zero(t, w.lms.Calls().ByMethod["Unenrol"], "nothing removed while held")

	res := w.get("/")
	assert.Contains(t, res.body, "A run was held by a safety limit")
	assert.Contains(t, res.body, "held by a safety limit (remove 2 of 6 (33%, limit 10%)); nothing was changed: review the plan and approve it in the console")
	assert.NotContains(t, res.body, "Safety.Allow", "no Go names in the page")
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
