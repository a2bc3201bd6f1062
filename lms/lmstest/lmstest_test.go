package lmstest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/lmstest"
	"github.com/vtsync/vtsync/lms/memlms"
)

// Each mutant breaks one rule of the lms contract on top of memlms. The
// suite is only worth running if it catches every one of them.
type mutant struct {
	lms.LMS
	kind string
}

func (m mutant) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	switch m.kind {
	case "conflict swallowed":
		got, err := m.LMS.CreateCourse(ctx, c)
		if errors.Is(err, lms.ErrConflict) {
			return c, nil
		}
		return got, err
	case "slash truncated":
		c.SISID = path.Base(c.SISID) // a naive path join
	}
	return m.LMS.CreateCourse(ctx, c)
}

func (m mutant) Enrol(ctx context.Context, e lms.Enrolment) (lms.Enrolment, error) {
	if m.kind == "enrol not idempotent" {
		st, err := m.LMS.ReadState(ctx, []string{e.CourseSISID})
		if err == nil {
			for _, x := range st.Enrolments {
				if x.Key() == e.Key() {
					return lms.Enrolment{}, lms.ErrConflict
				}
			}
		}
	}
	return m.LMS.Enrol(ctx, e)
}

func (m mutant) Unenrol(ctx context.Context, e lms.Enrolment) error {
	switch m.kind {
	case "unenrol ignores status":
		e.Status = lms.StatusInactive
	case "unenrol absent fails":
		st, err := m.LMS.ReadState(ctx, []string{e.CourseSISID})
		if err != nil {
			return err
		}
		found := false
		for _, x := range st.Enrolments {
			found = found || x.Key() == e.Key()
		}
		if !found {
			return lms.ErrNotFound
		}
	}
	return m.LMS.Unenrol(ctx, e)
}

func (m mutant) ReadState(ctx context.Context, ids []string) (*lms.State, error) {
	if m.kind == "read state ignores filter" {
		all, err := m.LMS.ListCourses(ctx)
		if err != nil {
			return nil, err
		}
		ids = nil
		for _, c := range all {
			ids = append(ids, c.SISID)
		}
	}
	return m.LMS.ReadState(ctx, ids)
}

func (m mutant) ReadUsers(ctx context.Context, ids []string) ([]lms.User, error) {
	us, err := m.LMS.ReadUsers(ctx, ids)
	if err == nil && m.kind == "read users fails on unknown" && len(us) != len(ids) {
		return nil, lms.ErrNotFound
	}
	return us, err
}

func (m mutant) ListCourses(ctx context.Context) ([]lms.Course, error) {
	if m.kind == "context ignored" {
		ctx = context.Background()
	}
	return m.LMS.ListCourses(ctx)
}

func (m mutant) ReadEvidence(ctx context.Context, id string) (*lms.Evidence, error) {
	ev, err := m.LMS.ReadEvidence(ctx, id)
	if err == nil && m.kind == "submissions lose scores" {
		for i := range ev.Submissions {
			ev.Submissions[i].Score = nil
		}
	}
	return ev, err
}

// mutants maps each mutant to a subtest that must fail on it.
var mutants = map[string]string{
	"conflict swallowed":          "Courses/Conflict",
	"slash truncated":             "SISIDs/slash",
	"enrol not idempotent":        "Enrolments/Idempotent",
	"unenrol ignores status":      "Enrolments/UnenrolTocompleted",
	"unenrol absent fails":        "Enrolments/UnenrolAbsent",
	"read state ignores filter":   "ReadState/SeveralCourses",
	"read users fails on unknown": "Users/ReadUnknown",
	"context ignored":             "Context/Cancelled",
	"submissions lose scores":     "Evidence/RoundTrip",
}

const mutantEnv = "LMSTEST_MUTANT"

// TestMutantChild runs the suite on one mutant; TestSuiteCatchesMutants
// runs it in a child process because a failing suite fails its test.
func TestMutantChild(t *testing.T) {
	kind := os.Getenv(mutantEnv)
	if kind == "" {
		t.Skip("run by TestSuiteCatchesMutants")
	}
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		m := memlms.New()
		return lmstest.Harness{
			LMS: mutant{LMS: m, kind: kind},
			SeedEvidence: func(_ context.Context, ev lms.Evidence) (*lms.Evidence, error) {
				return m.SeedEvidence(ev)
			},
		}
	})
}

func TestSuiteCatchesMutants(t *testing.T) {
	if os.Getenv(mutantEnv) != "" {
		t.Skip("child")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for kind, mustFail := range mutants {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestMutantChild$", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+kind)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "the suite passed a mutant that breaks the contract:\n%s", out)
			want := "--- FAIL: TestMutantChild/" + strings.ReplaceAll(mustFail, " ", "_")
			assert.Contains(t, string(out), want, "the mutant must fail %s", mustFail)
		})
	}
}

// The suite skips what the harness cannot seed instead of failing.
func TestRunSkipsWithoutHooks(t *testing.T) {
	var names []string
	t.Run("suite", func(t *testing.T) {
		lmstest.Run(t, func(t *testing.T) lmstest.Harness {
			t.Cleanup(func() {
				if t.Skipped() {
					names = append(names, t.Name())
				}
			})
			return lmstest.Harness{LMS: memlms.New(), Skip: map[string]string{"SISIDs": "example"}}
		})
	})
	joined := strings.Join(names, "\n")
	assert.Contains(t, joined, "Courses/AdoptByID")
	assert.Contains(t, joined, "Evidence/RoundTrip")
	assert.Contains(t, joined, "SISIDs/slash")
	assert.NotContains(t, joined, "Courses/Conflict")
}
