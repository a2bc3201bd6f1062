package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The export lines paste into a shell as they are: a shell that evaluates
// them gets back exactly the fakes' credentials, quotes and all.
func TestExportLinesAreShellQuoted(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	var token string
	got := serveAndUse(t, nil, func(_ context.Context, _ *vettraktest.Server, _ string, cv *canvastest.Server, _ string) {
		token = cv.AdminToken()
	})
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "export ") {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, 3, got)
	script := strings.Join(lines, "\n") + "\nprintf '%s\\n%s\\n%s' \"$VTSYNC_VETTRAK_PASSWORD\" \"$VTSYNC_CANVAS_TOKEN\" \"$VTSYNC_CONSOLE_TOKEN\"\n"
	out, err := exec.Command(sh, "-c", script).Output()
	require.NoError(t, err)
	vals := strings.Split(string(out), "\n")
	require.Len(t, vals, 3)
	assert.Equal(t, vettraktest.DefaultCredentials().Password, vals[0])
	assert.Equal(t, token, vals[1])
	assert.Regexp(t, `^[0-9a-f]{48}$`, vals[2])
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, `'plain'`, shellQuote("plain"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, `'$HOME & "x"'`, shellQuote(`$HOME & "x"`))
}

// With -state, a second start accepts the token printed by the first.
func TestStateKeepsTokensAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fakes.json")
	tokenRE := regexp.MustCompile(`export VTSYNC_CANVAS_TOKEN='([^']+)'`)
	consoleRE := regexp.MustCompile(`export VTSYNC_CONSOLE_TOKEN='([^']+)'`)
	var printed []string
	for i := range 2 {
		got := serveAndUse(t, []string{"-state", path}, func(ctx context.Context, _ *vettraktest.Server, _ string, _ *canvastest.Server, cvURL string) {
			if i == 0 {
				return
			}
			c, err := canvas.New(cvURL, printed[0])
			require.NoError(t, err)
			courses, err := canvas.Collect(c.Courses.ListInAccount(ctx, canvas.ID(canvastest.RootAccountID), nil))
			require.NoError(t, err, "the token from the first start works on the second")
			assert.Len(t, courses, 1)
		})
		m := tokenRE.FindStringSubmatch(got)
		require.NotNil(t, m, got)
		printed = append(printed, m[1])
		assert.NotContains(t, got, "-state FILE keeps these")
		if i == 1 {
			first, _ := os.ReadFile(path)
			assert.Contains(t, string(first), consoleRE.FindStringSubmatch(got)[1], "the console token is kept too")
		}
	}
	assert.Equal(t, printed[0], printed[1])
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	require.NoError(t, os.WriteFile(path, []byte("{}"), 0o600))
	_, err = loadState(path)
	assert.ErrorContains(t, err, "not a fakeservers state file")
}

// -learner-work completes every other student's course once enrolled.
func TestLearnerWork(t *testing.T) {
	serveAndUse(t, []string{"-learner-work", "-learner-work-every", "5ms"}, func(ctx context.Context, _ *vettraktest.Server, _ string, cv *canvastest.Server, _ string) {
		course := cv.Courses()[0].ID
		var enrolments []int64
		for i := range 4 {
			u := cv.SeedUser(canvastest.User{Name: "Learner " + itoa(i), SISUserID: "u" + itoa(i)})
			enrolments = append(enrolments, cv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u, Type: "StudentEnrollment", State: "active"}))
		}
		require.Eventually(t, func() bool {
			n := 0
			for _, e := range cv.Enrollments(course) {
				if e.FinalScore != nil {
					n++
				}
			}
			return n == 2
		}, 5*time.Second, 5*time.Millisecond, "half the students have finished")
	})
}
