package canvaslms_test

import (
	"context"
	"flag"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

var update = flag.Bool("update", false, "rewrite the golden request snapshots in testdata")

// digits is a path segment or parameter value that is a Canvas ID.
var digits = regexp.MustCompile(`^[0-9]+$`)

// snapshot renders the requests the fake received, one a line: method,
// path with Canvas IDs as {id}, and the parameters (query and form)
// sorted, IDs as {id}. The token never appears: it travels in the
// Authorization header, which is not recorded.
func snapshot(t *testing.T, calls []canvastest.Call) string {
	t.Helper()
	var b strings.Builder
	for _, c := range calls {
		segs := strings.Split(c.RawPath, "/")
		for i, s := range segs {
			if digits.MatchString(s) && i > 3 { // keep /api/v1
				segs[i] = "{id}"
			}
		}
		line := c.Method + " " + strings.Join(segs, "/")
		if c.Params != "" {
			q, err := url.ParseQuery(c.Params)
			require.NoError(t, err)
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(q)) {
				for _, v := range q[k] {
					if digits.MatchString(v) && (strings.HasSuffix(k, "_id]") || strings.HasSuffix(k, "_id")) {
						v = "{id}"
					}
					parts = append(parts, k+"="+v)
				}
			}
			// Unescaped, one parameter after another, for review.
			line += " " + strings.Join(parts, " ")
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./lms/canvaslms -run TestGoldenRequests -update to create it")
	assert.Equal(t, string(want), got, "requests changed; if on purpose, run with -update and review the diff")
}

// TestGoldenRequests drives every LMS method once, in order, and compares
// the requests with a snapshot, so any change to what canvaslms sends
// (a parameter renamed, an extra call) shows in review. The fake runs
// strict, so every parameter is one Canvas documents.
func TestGoldenRequests(t *testing.T) {
	for _, mode := range []canvaslms.GroupMode{canvaslms.GroupsAsGroups, canvaslms.GroupsAsSections} {
		t.Run(mode.String(), func(t *testing.T) {
			l, srv := newLMS(t, canvaslms.WithGroupsAs(mode), canvaslms.WithConcurrency(1), canvaslms.WithCourseCacheTTL(0))
			ctx := context.Background()
			start := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
			end := start.AddDate(0, 3, 0)
			course := lms.Course{SISID: "unit/IST101", Name: "Statistics", Code: "IST101", Start: &start, End: &end}
			must := func(err error) { t.Helper(); require.NoError(t, err) }
			_, err := l.ListCourses(ctx)
			must(err)
			_, err = l.CreateCourse(ctx, course)
			must(err)
			course.Name = "Statistics 1"
			must(l.UpdateCourse(ctx, course))
			sec := lms.Section{SISID: "trainer/T001", CourseSISID: course.SISID, Name: "Tina Taylor"}
			_, err = l.CreateSection(ctx, sec)
			must(err)
			sec.Name = "Tina T."
			must(l.UpdateSection(ctx, sec))
			g := lms.Group{SISID: "occ/2001", CourseSISID: course.SISID, Name: "Term 1"}
			_, err = l.CreateGroup(ctx, g)
			must(err)
			g.Name = "Term One"
			must(l.UpdateGroup(ctx, g))
			john := lms.User{SISID: "u/10001", Login: "john@example.edu.au", GivenName: "John", FamilyName: "Smith",
				Email: "john@example.edu.au", TimeZone: "Australia/Sydney"}
			madonna := lms.User{SISID: "u/10009", Login: "madonna@example.edu.au", FamilyName: "Madonna"}
			for _, u := range []lms.User{john, madonna} {
				_, err = l.CreateUser(ctx, u)
				must(err)
			}
			john.Email = "js@example.edu.au"
			must(l.UpdateUser(ctx, john))
			for _, u := range []lms.User{john, madonna} {
				_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: u.SISID, CourseSISID: course.SISID, SectionSISID: sec.SISID,
					Role: lms.RoleStudent, Status: lms.StatusActive})
				must(err)
			}
			m := lms.Membership{GroupSISID: g.SISID, UserSISID: john.SISID, Status: lms.StatusActive}
			must(l.AddMember(ctx, m))
			must(l.Unenrol(ctx, lms.Enrolment{UserSISID: madonna.SISID, CourseSISID: course.SISID, SectionSISID: sec.SISID,
				Role: lms.RoleStudent, Status: lms.StatusInactive}))
			_, err = l.ReadState(ctx, []string{course.SISID})
			must(err)
			must(l.RemoveMember(ctx, m))
			_, err = l.ReadUsers(ctx, []string{john.SISID, madonna.SISID})
			must(err)
			_, err = l.ReadEvidence(ctx, course.SISID)
			must(err)

			got := snapshot(t, srv.CallLog())
			assert.NotContains(t, got, srv.AdminToken())
			golden(t, "requests_"+mode.String()+".golden", got)
		})
	}
}
