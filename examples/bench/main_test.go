package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

// fast are the flags of a run that takes a few seconds: the smallest size,
// no latency, no throttle, no client-side rate limit.
func fast(dir string, extra ...string) []string {
	return append([]string{"-sizes", "small", "-latency", "0", "-throttle=false", "-canvas-rate", "-1",
		"-json", filepath.Join(dir, "bench.json"), "-svg", filepath.Join(dir, "bench.svg"), "-md", filepath.Join(dir, "README.md")}, extra...)
}

// The smallest size runs every scenario; the report has its shape, the
// no-op re-sync writes nothing, and the counts agree with the fakes' data.
func TestBenchSmall(t *testing.T) {
	dir := t.TempDir()
	var out, log bytes.Buffer
	require.NoError(t, run(t.Context(), &out, &log, fast(dir)), "log:\n%s", log.String())

	raw, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(raw, &rep))
	require.Len(t, rep.Sizes, 1)
	assert.Equal(t, []string{"go run ./examples/bench " + shellJoin(fast(dir))}, rep.Commands)
	sz := rep.Sizes[0]
	assert.Equal(t, "small", sz.Name)
	assert.Equal(t, 100, sz.Counts.Enrolments)
	assert.Equal(t, 300, sz.Counts.EnrolledUnits)
	assert.Positive(t, sz.DatasetHeap)

	byName := map[string]scenarioResult{}
	var names []string
	for _, sc := range sz.Scenarios {
		byName[sc.Name] = sc
		names = append(names, sc.Name)
	}
	assert.Equal(t, scenarioNames(), names)
	for _, sc := range sz.Scenarios {
		assert.Zero(t, sc.Failures, "%s: %v", sc.Name, sc.FailureSamples)
		assert.Empty(t, sc.RunError, sc.Name)
		assert.Positive(t, sc.Seconds, sc.Name)
		assert.Positive(t, sc.PeakHeap, sc.Name)
		assert.Positive(t, sc.VETtrak.Measured.Calls, sc.Name)
		assert.Positive(t, sc.VETtrak.Bound.Calls(), sc.Name)
		assert.Positive(t, sc.Canvas.Bound.Calls(), sc.Name)
		assert.NotEmpty(t, sc.VETtrak.Excess, sc.Name)
		assert.NotEmpty(t, sc.Baselines, sc.Name)
		// Nothing beats the lower bound: if it did, the bound would be wrong.
		assert.GreaterOrEqual(t, sc.VETtrak.Measured.Calls, sc.VETtrak.Bound.Calls(), "%s VETtrak", sc.Name)
		assert.GreaterOrEqual(t, sc.Canvas.Measured.Calls, sc.Canvas.Bound.Calls(), "%s Canvas", sc.Name)
	}

	// The target the issue names: a no-op re-sync writes nothing anywhere.
	noop := byName[scNoop]
	assert.Zero(t, noop.VETtrak.Measured.Writes)
	assert.Zero(t, noop.Canvas.Measured.Writes)
	assert.Zero(t, noop.Planned)
	assert.Equal(t, statusMet, targetStatus(rep, "no-op re-sync makes zero writes"))

	// Ten times the learners in unrelated users: a no-op again, its
	// target evaluated either way.
	crowd := byName[scCrowded]
	assert.Zero(t, crowd.Planned)
	assert.Contains(t, crowd.Change, "1000 unrelated users")
	assert.NotEqual(t, statusNotEval, targetStatus(rep, "no-op Canvas reads independent of unrelated users in the account (10× the provider's)"))

	// The initial sync writes exactly what the mapping wants, once each.
	initial := byName[scInitial]
	assert.Equal(t, initial.Canvas.REST.Writes, initial.Canvas.Measured.Writes)
	assert.Equal(t, pathImport, initial.Canvas.Bound.Path, "the cheapest documented path: an empty Canvas reads in 1 call (its courses), then one import and its poll")
	assert.Equal(t, int64(3), initial.Canvas.Bound.Calls())
	assert.Equal(t, int64(initial.Planned), initial.Canvas.Measured.Writes)
	assert.Zero(t, initial.VETtrak.Measured.Writes)

	// The delta writes the changed objects on Canvas, nothing on VETtrak.
	delta := byName[scDelta]
	assert.Contains(t, delta.Change, "1 new learners enrolled, 1 enrolments withdrawn, 1 learners renamed")
	assert.Positive(t, delta.Canvas.REST.Writes)
	assert.Contains(t, delta.Change, "1 occurrence rescheduled")
	assert.Zero(t, delta.Canvas.REST.byEndpoint()["PUT courses/{id}"], "the unit workflow's courses carry no dates")
	assert.Zero(t, delta.VETtrak.Measured.Writes)

	// Passback writes every newly graded unit's result and commencement.
	res := byName[scResults]
	assert.Equal(t, 30, res.ResultsWritten)
	assert.Equal(t, 30, res.CommentsWritten)
	assert.Zero(t, res.Conflicts)
	assert.Equal(t, res.VETtrak.Bound.Writes, res.VETtrak.Measured.Writes)

	// The SDK's bulk path sends every write as one import and leaves
	// nothing for a plan to do.
	bulk := byName[scBulk]
	require.NotNil(t, bulk.Bulk)
	assert.Equal(t, "imported", bulk.Bulk.State)
	assert.Equal(t, 1, bulk.Bulk.Imports)
	assert.Equal(t, bulk.Planned, bulk.Bulk.Rows)
	assert.Zero(t, bulk.Bulk.Rest)
	assert.Zero(t, bulk.Bulk.Left)
	assert.Equal(t, int64(1), bulk.Canvas.Measured.Writes)
	assert.Equal(t, int64(1), bulk.Canvas.Measured.ByOp["POST accounts/{id}/sis_imports"])

	// Every target is listed, with a status.
	require.Len(t, rep.Targets, 17)
	for _, tg := range rep.Targets {
		assert.Contains(t, []string{statusMet, statusNotMet, statusNotEval}, tg.Status, tg.Name)
		assert.NotEmpty(t, tg.Detail, tg.Name)
	}

	text := out.String()
	for _, want := range []string{"== small:", "calls/bound", "per-record push", "20 occurrences per run", "targets:",
		"GetUnitsForEnrolment", "POST courses/{id}/enrollments"} {
		assert.Contains(t, text, want)
	}

	svg, err := os.ReadFile(filepath.Join(dir, "bench.svg"))
	require.NoError(t, err)
	assertWellFormed(t, svg)
	assert.Contains(t, string(svg), "<polyline")
	md, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Targets")
	assert.Contains(t, string(md), "go run ./examples/bench -sizes small")

	// No secret reaches the report.
	for _, secret := range []string{"password", "Password"} {
		assert.NotContains(t, string(raw), secret)
	}

	// A saved report renders again, merged, without running.
	var again bytes.Buffer
	require.NoError(t, run(t.Context(), &again, io.Discard, []string{"-from", filepath.Join(dir, "bench.json")}))
	assert.Contains(t, again.String(), "== small:")
}

// In the course workflow a course carries its occurrence's dates: the
// delta's rescheduled occurrence is one course update, in the bound and in
// what the Syncer did.
func TestDeltaReschedulesCourse(t *testing.T) {
	_, sc := runFast(t, scDelta, "-scenarios", "initial,noop,delta", "-workflow", string(mapping.WorkflowCourse))
	assert.Contains(t, sc.Change, "1 occurrence rescheduled")
	assert.Equal(t, int64(1), sc.Canvas.REST.byEndpoint()["PUT courses/{id}"])
	assert.Equal(t, int64(1), sc.Canvas.Measured.ByOp["PUT courses/{id}"])
	assert.Zero(t, sc.Failures, sc.FailureSamples)
}

// runFast runs the small size quickly (fast) with extra flags and returns
// the report and its scenario name.
func runFast(t *testing.T, name string, extra ...string) (report, scenarioResult) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, run(t.Context(), io.Discard, io.Discard, fast(dir, extra...)))
	raw, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(raw, &rep))
	require.Len(t, rep.Sizes, 1)
	sc, ok := find(rep.Sizes[0], name)
	require.True(t, ok, name)
	return rep, sc
}

func targetStatus(rep report, name string) string {
	for _, t := range rep.Targets {
		if t.Name == name {
			return t.Status
		}
	}
	return ""
}

func assertWellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, "SVG is not well-formed XML")
	}
}

// The per-record model's counted cost is what running it really costs.
func TestPerRecordCountMatchesLive(t *testing.T) {
	o, err := parse([]string{"-sizes", "small", "-latency", "0", "-throttle=false"}, io.Discard)
	require.NoError(t, err)
	w, err := newWorld(o, o.sizes[0], false)
	require.NoError(t, err)
	defer w.close()
	snap := snapshotOf(w.data, w.cfg.Scope)
	want, err := desiredOf(w.cfg.Mapping, snap)
	require.NoError(t, err)

	srv := canvastest.NewServer()
	defer srv.Close()
	c, err := canvas.New(srv.URL(), srv.AdminToken(), canvas.WithRateLimit(1e9, 1000))
	require.NoError(t, err)
	require.NoError(t, perRecordLive(t.Context(), c, want))

	counted := baselines(scInitial, &prepared{desired: want}, nil)
	require.NotEmpty(t, counted)
	assert.Equal(t, modelPerRecord, counted[0].Model)
	assert.Equal(t, counted[0].Canvas, c.Stats().Calls(), "counted %d, ran %v", counted[0].Canvas, c.Stats().ByOp)

	// And it did the learners' part of the work.
	active := 0
	for _, e := range want.State.Enrolments {
		if e.Role == "student" {
			active++
		}
	}
	students := 0
	for _, e := range srv.Enrollments(0) {
		if e.Type == "StudentEnrollment" {
			students++
		}
	}
	assert.Equal(t, active, students)
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"-sizes", "huge"}, `unknown size "huge"`},
		{[]string{"-scenarios", "nope"}, `unknown scenario "nope"`},
		{[]string{"-throttle-cost", "0"}, "-throttle-cost"},
		{[]string{"-workflow", "bogus"}, `unknown workflow "bogus"`},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-sizes", ""}, "nothing to run"},
	} {
		_, err := parse(tc.args, io.Discard)
		require.Error(t, err, tc.args)
		assert.Contains(t, err.Error(), tc.err, tc.args)
	}
	o, err := parse([]string{"-size", "large", "-scenarios", "noop", "-workflow", string(mapping.WorkflowCourse)}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "large", o.sizes[0].Name)
	assert.Equal(t, []string{scNoop}, o.scenarios)
	assert.Equal(t, mapping.WorkflowCourse, o.workflow)
}

// The command printed above the figures is the one that was run, every
// flag quoted for a shell (the old one dropped -canvas-rate, -concurrency,
// -workflow, -interval and the output files).
func TestCommandCarriesEveryFlag(t *testing.T) {
	args := []string{"-sizes", "small", "-canvas-rate", "-1", "-concurrency", "2", "-md", "a b.md", "-scenarios", "it's"}
	assert.Equal(t, `-sizes small -canvas-rate -1 -concurrency 2 -md 'a b.md' -scenarios 'it'\''s'`, shellJoin(args))
	assert.Equal(t, `go test ./examples/bench -run '^TestSimulated$' -count=1 -timeout 0 -args -simulate='-sizes small -latency 25ms'`,
		simulateCommand([]string{"-sizes", "small", "-latency", "25ms"}))
}

func TestThrottleSeconds(t *testing.T) {
	th := canvastest.CanvasThrottle()
	assert.Zero(t, throttleSeconds(th, 500), "the bucket's headroom is free")
	assert.InDelta(t, 30.0, throttleSeconds(th, 1000), 1e-9)
	th.Cost = 0.5
	assert.InDelta(t, 65.0, throttleSeconds(th, 2700), 1e-9)
}

func TestPages(t *testing.T) {
	for n, want := range map[int]int64{0: 1, 1: 1, 100: 1, 101: 2, 250: 3, 20000: 200} {
		assert.Equal(t, want, pages(n), "pages(%d)", n)
	}
}

// The write bound counts exactly what differs between two desired states.
func TestCanvasWriteBound(t *testing.T) {
	u := func(id, given string) lms.User {
		return lms.User{SISID: id, Login: id, GivenName: given, FamilyName: "F"}
	}
	e := func(user string, st lms.Status) lms.Enrolment {
		return lms.Enrolment{UserSISID: user, CourseSISID: "c1", SectionSISID: "s1", Role: lms.RoleStudent, Status: st}
	}
	before := &mapping.Desired{State: lms.State{
		Courses:    []lms.Course{{SISID: "c1"}},
		Sections:   []lms.Section{{SISID: "s1", CourseSISID: "c1"}},
		Users:      []lms.User{u("a", "Ann"), u("b", "Bob"), u("c", "Cy")},
		Enrolments: []lms.Enrolment{e("a", lms.StatusActive), e("b", lms.StatusActive), e("c", lms.StatusActive)},
	}}
	after := &mapping.Desired{State: lms.State{
		Courses:    []lms.Course{{SISID: "c1"}, {SISID: "c2"}},
		Sections:   []lms.Section{{SISID: "s1", CourseSISID: "c1"}},
		Users:      []lms.User{u("a", "Ann"), u("b", "Robert"), u("c", "Cy"), u("d", "Di")},
		Enrolments: []lms.Enrolment{e("a", lms.StatusActive), e("b", lms.StatusActive), e("c", lms.StatusInactive), e("d", lms.StatusActive)},
	}}
	var b bound
	canvasWriteBound(&b, before, after)
	assert.Equal(t, int64(5), b.Writes, "%+v", b.Items)
	assert.Zero(t, b.Reads)
	assert.Equal(t, map[string]int64{
		"POST accounts/{id}/courses":           1,
		"POST accounts/{id}/users":             1,
		"PUT users/{id}":                       1,
		"DELETE courses/{id}/enrollments/{id}": 1,
	}, without(b.byEndpoint(), "POST courses/{id}/enrollments"))
	assert.Equal(t, int64(1), b.byEndpoint()["POST courses/{id}/enrollments"])

	var first bound
	canvasWriteBound(&first, nil, before)
	assert.Equal(t, int64(1+1+3+3), first.Writes)

	// A course whose dates moved (at day precision) is one update; a
	// time of day that changed is none.
	day := func(d int, h int) *time.Time { t := time.Date(2026, 3, d, h, 0, 0, 0, time.UTC); return &t }
	was := &mapping.Desired{State: lms.State{Courses: []lms.Course{{SISID: "c1", Start: day(2, 9)}, {SISID: "c2", Start: day(2, 9)}}}}
	now := &mapping.Desired{State: lms.State{Courses: []lms.Course{{SISID: "c1", Start: day(9, 9)}, {SISID: "c2", Start: day(2, 17)}}}}
	var moved bound
	canvasWriteBound(&moved, was, now)
	assert.Equal(t, map[string]int64{"PUT courses/{id}": 1}, moved.byEndpoint())
}

// The bound is the cheapest documented path: REST while it takes fewer
// calls than an import (2) or a report and an import (5), else those.
func TestCheapestPath(t *testing.T) {
	rest := func(reads, writes int64) bound {
		var b bound
		b.add("read", "GET a", reads, false)
		b.add("write", "POST a", writes, true)
		return b
	}
	for _, tc := range []struct {
		reads, writes, calls int64
		path                 string
	}{
		{1, 1, 2, pathREST},
		{13, 0, 3, pathReport},
		{2, 0, 2, pathREST},
		{2, 400, 4, pathImport},
		{40, 400, 5, pathReport},
	} {
		b := cheapest(rest(tc.reads, tc.writes))
		assert.Equal(t, tc.path, b.Path, "%+v", tc)
		assert.Equal(t, tc.calls, b.Calls(), "%+v", tc)
		assert.Equal(t, tc.reads+tc.writes, b.Paths[pathREST])
	}
}

func without(m map[string]int64, key string) map[string]int64 {
	delete(m, key)
	return m
}

func TestCompare(t *testing.T) {
	var b bound
	b.add("list", "GET a", 2, false)
	b.add("make", "POST a", 3, true)
	s := compare(calls{Calls: 6, Reads: 3, Writes: 3, ByOp: map[string]int64{"GET a": 2, "POST a": 3, "GET b": 1}}, b, b)
	require.Len(t, s.Excess, 3)
	assert.Equal(t, excess{Endpoint: "GET b", Measured: 1, Excess: 1}, s.Excess[0], "excess first")
	assert.Equal(t, int64(5), s.Bound.Calls())
}

// A mapping that gives users a time zone keeps them off the import
// (users.csv has no time zone column): the bulk path sends them one REST
// call each beside it, and the report says how many.
func TestBulkUserTimeZone(t *testing.T) {
	rep, sc := runFast(t, scBulk, "-scenarios", scBulk, "-user-time-zone", "Australia/Sydney")
	require.NotNil(t, sc.Bulk)
	users := int64(rep.Sizes[0].Counts.Clients)
	assert.Equal(t, "imported", sc.Bulk.State)
	assert.Equal(t, users, sc.Bulk.Rest)
	assert.Equal(t, users, sc.Canvas.Measured.ByOp["POST accounts/{id}/users"])
	assert.Zero(t, sc.Bulk.Left)
}

// The heap target reads the live heap: the scenario that added the most,
// and what of that it let go.
func TestRunLive(t *testing.T) {
	const mb = 1 << 20
	sz := sizeResult{Scenarios: []scenarioResult{
		{Name: scInitial, BaseHeap: 50 * mb, PeakHeap: 640 * mb, PeakLiveHeap: 330 * mb, RetainedHeap: 200 * mb},
		{Name: scNoop, BaseHeap: 140 * mb, PeakHeap: 470 * mb, PeakLiveHeap: 260 * mb, RetainedHeap: 140 * mb},
		{Name: "from an old report", BaseHeap: 10 * mb, PeakHeap: 900 * mb},
	}}
	let, added := runLiveOf(sz)
	assert.Equal(t, int64(280*mb), added)
	assert.Equal(t, int64(130*mb), let)
	assert.Equal(t, int64(330*mb), peakLiveOf(sz))
	assert.Equal(t, int64(900*mb), peakOf(sz), "the target itself is still the peak heap")
}
