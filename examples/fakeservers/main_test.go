package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/examples/internal/demotest"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// serveAndUse starts the fakes on free ports, lets use talk to them, then
// stops them as Ctrl-C would, and returns what the command printed.
func serveAndUse(t *testing.T, args []string, use func(ctx context.Context, vt *vettraktest.Server, vtURL string, cv *canvastest.Server, cvURL string)) string {
	t.Helper()
	var out demotest.Buffer
	o, err := parse(append([]string{"-vettrak-port", "0", "-canvas-port", "0"}, args...), &out)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	o.onReady = func(vt *vettraktest.Server, vtURL string, cv *canvastest.Server, cvURL string) {
		defer cancel() // the Ctrl-C
		use(ctx, vt, vtURL, cv, cvURL)
	}
	require.NoError(t, serve(ctx, &out, o))
	return out.String()
}

func TestServesBothFakes(t *testing.T) {
	got := serveAndUse(t, nil, func(ctx context.Context, vt *vettraktest.Server, vtURL string, cv *canvastest.Server, cvURL string) {
		// VETtrak answers SOAP with the printed login.
		api, err := vettrak.New(vtURL, vt.Credentials())
		require.NoError(t, err)
		rep, err := api.Check(ctx)
		require.NoError(t, err)
		assert.True(t, rep.LoggedIn, rep.String())
		occ, err := api.OccurrenceDetails(ctx, vettraktest.WalkthroughTerm1)
		require.NoError(t, err)
		assert.Equal(t, "Term 1", occ.Description)

		// The WSDL is served with this listener's address in it.
		res, err := http.Get(vtURL + "?WSDL")
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, string(body), vtURL)

		// Canvas answers REST with the printed token, and holds the
		// walkthrough's course made by hand.
		c, err := canvas.New(cvURL, cv.AdminToken())
		require.NoError(t, err)
		courses, err := canvas.Collect(c.Courses.ListInAccount(ctx, canvas.ID(canvastest.RootAccountID), nil))
		require.NoError(t, err)
		require.Len(t, courses, 1)
		assert.Equal(t, "IST101", courses[0].CourseCode)
		assert.Empty(t, courses[0].SISCourseID, "made by hand: no SIS ID")
	})

	for _, want := range []string{
		`seeded "walkthrough": 2 occurrences, 1 units, 6 clients, 4 enrolments`,
		"username  vtsync-api",
		"password  " + vettraktest.DefaultCredentials().Password,
		"Fake Canvas (REST), 1 course made by hand",
		"token     fake~",
		"Stopped.",
	} {
		assert.Contains(t, got, want)
	}
}

func TestGeneratedSeed(t *testing.T) {
	args := []string{"-seed", "generated", "-occurrences", "3", "-units", "2", "-learners", "12", "-staff", "2", "-canvas-courses=true", "-modules", "0"}
	got := serveAndUse(t, args, func(ctx context.Context, vt *vettraktest.Server, _ string, cv *canvastest.Server, _ string) {
		assert.Equal(t, 12, vt.Data().Counts().Enrolments)
		assert.Len(t, cv.Courses(), 2, "one course per unit")
	})
	assert.Contains(t, got, `seeded "generated": 3 occurrences`)
	assert.Contains(t, got, "2 courses made by hand")
}

func TestNoCanvasCourses(t *testing.T) {
	serveAndUse(t, []string{"-canvas-courses=false", "-throttle", "-latency", "1ms"}, func(_ context.Context, _ *vettraktest.Server, _ string, cv *canvastest.Server, _ string) {
		assert.Empty(t, cv.Courses())
	})
}

// run itself stops cleanly when the context ends (Ctrl-C before any
// request).
func TestRunStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, []string{"-vettrak-port", "0", "-canvas-port", "0"}))
	assert.True(t, strings.HasSuffix(out.String(), "Stopped.\n"), out.String())
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-seed", "production"},
		{"-vettrak-port", "70000"},
		{"-canvas-port", "-1"},
		{"-modules", "-1"},
		{"stray"},
		{"-nope"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			assert.Error(t, run(t.Context(), io.Discard, args))
		})
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, flag := range []string{"-vettrak-port", "-canvas-port"} {
		args := []string{"-vettrak-port", "0", "-canvas-port", "0", flag, itoa(port)}
		err := run(t.Context(), io.Discard, args)
		require.Error(t, err, flag)
		assert.Contains(t, err.Error(), "fake ")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
