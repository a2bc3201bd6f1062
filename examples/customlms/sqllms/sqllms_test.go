package sqllms_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/examples/customlms/sqllms"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/lmstest"
)

func open(t testing.TB) (*sqllms.LMS, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lms.db")
	l, err := sqllms.Open(t.Context(), path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, l.Close()) })
	return l, path
}

// seedEvidence stores evidence as the LMS's own screens would, giving the
// assessments the database's IDs and making the submissions follow.
func seedEvidence(l *sqllms.LMS) func(ctx context.Context, ev lms.Evidence) (*lms.Evidence, error) {
	return func(ctx context.Context, ev lms.Evidence) (*lms.Evidence, error) {
		out := ev
		out.Assessments = nil
		ids := map[string]string{}
		for _, a := range ev.Assessments {
			a.CourseSISID = ev.CourseSISID
			got, err := l.AddAssessment(ctx, a)
			if err != nil {
				return nil, err
			}
			ids[a.ID] = got.ID
			out.Assessments = append(out.Assessments, got)
		}
		out.Submissions = nil
		for _, s := range ev.Submissions {
			s.AssessmentID = ids[s.AssessmentID]
			if err := l.SetSubmission(ctx, s); err != nil {
				return nil, err
			}
			out.Submissions = append(out.Submissions, s)
		}
		for _, p := range ev.Progress {
			if err := l.SetProgress(ctx, ev.CourseSISID, p); err != nil {
				return nil, err
			}
		}
		for _, a := range ev.Activity {
			if err := l.SetActivity(ctx, ev.CourseSISID, a); err != nil {
				return nil, err
			}
		}
		return &out, nil
	}
}

// The LMS keeps the contract the Syncer relies on: the whole conformance
// suite, with no subtest skipped.
func TestConformance(t *testing.T) {
	lmstest.Run(t, func(t *testing.T) lmstest.Harness {
		l, _ := open(t)
		return lmstest.Harness{LMS: l, SeedCourse: l.SeedCourse, SeedEvidence: seedEvidence(l)}
	})
}

// What was written survives closing and reopening the file.
func TestPersists(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "lms.db")
	l, err := sqllms.Open(ctx, path)
	require.NoError(t, err)
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "vt-unit-IST101", Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, lms.User{SISID: "vt-u-10001", Login: "john@example.edu.au", GivenName: "John", FamilyName: "Smith"})
	require.NoError(t, err)
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "vt-u-10001", CourseSISID: c.SISID, Role: lms.RoleStudent, Status: lms.StatusActive})
	require.NoError(t, err)
	require.NoError(t, l.Close())

	again, err := sqllms.Open(ctx, path)
	require.NoError(t, err)
	defer again.Close()
	st, err := again.ReadState(ctx, []string{c.SISID})
	require.NoError(t, err)
	require.Len(t, st.Courses, 1)
	assert.Equal(t, c.ID, st.Courses[0].ID)
	require.Len(t, st.Enrolments, 1)
	assert.Equal(t, "vt-u-10001", st.Enrolments[0].UserSISID)
	require.Len(t, st.Users, 1)
	assert.Equal(t, "Smith", st.Users[0].FamilyName)
}

// The Syncer calls from several goroutines at once: every call lands, and
// racing creates of one SIS ID give exactly one winner and conflicts.
func TestConcurrentCalls(t *testing.T) {
	l, _ := open(t)
	ctx := t.Context()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C"})
	require.NoError(t, err)
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	dups := make([]error, n)
	for i := range n {
		wg.Go(func() {
			sis := "u" + string(rune('A'+i%26)) + string(rune('a'+i/26))
			if _, errs[i] = l.CreateUser(ctx, lms.User{SISID: sis, Login: sis + "@x"}); errs[i] == nil {
				_, errs[i] = l.Enrol(ctx, lms.Enrolment{UserSISID: sis, CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusActive})
			}
			_, dups[i] = l.CreateGroup(ctx, lms.Group{SISID: "same", CourseSISID: "c", Name: "G"})
		})
	}
	wg.Wait()
	wins := 0
	for i := range n {
		require.NoError(t, errs[i])
		if dups[i] == nil {
			wins++
		} else {
			assert.ErrorIs(t, dups[i], lms.ErrConflict)
		}
	}
	assert.Equal(t, 1, wins)
	st, err := l.ReadState(ctx, []string{"c"})
	require.NoError(t, err)
	assert.Len(t, st.Enrolments, n)
	assert.Len(t, st.Groups, 1)
}

// Errors name the method and record and match the lms sentinels.
func TestErrors(t *testing.T) {
	l, _ := open(t)
	ctx := t.Context()
	_, err := l.CreateSection(ctx, lms.Section{SISID: "s/1", CourseSISID: "missing", Name: "x"})
	var e *sqllms.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "CreateSection", e.Op)
	assert.Equal(t, "s/1", e.Key)
	assert.ErrorIs(t, err, lms.ErrNotFound)
	assert.Contains(t, err.Error(), `section "s/1"`)

	_, err = l.CreateCourse(ctx, lms.Course{Name: "no SIS ID"})
	assert.ErrorIs(t, err, lms.ErrInvalid)
	_, err = l.SeedCourse(ctx, lms.Course{Name: "made by hand", Code: "X"})
	assert.NoError(t, err, "a course made by hand needs no SIS ID")
	_, err = l.SeedCourse(ctx, lms.Course{Name: "also by hand", Code: "X"})
	assert.NoError(t, err, "several courses may lack a SIS ID")

	_, err = l.AddAssessment(ctx, lms.Assessment{CourseSISID: "missing", Title: "Quiz"})
	assert.ErrorIs(t, err, lms.ErrNotFound)
	assert.ErrorIs(t, l.SetSubmission(ctx, lms.Submission{AssessmentID: "not-a-number", UserSISID: "u"}), lms.ErrNotFound)
	assert.ErrorIs(t, l.SetProgress(ctx, "missing", lms.CourseProgress{UserSISID: "u"}), lms.ErrNotFound)
}

// A database that was closed fails every call with an error, not a panic.
func TestClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lms.db")
	l, err := sqllms.Open(t.Context(), path)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = l.ListCourses(t.Context())
	assert.Error(t, err)
	_, err = l.ReadState(t.Context(), []string{"x"})
	assert.Error(t, err)
	assert.False(t, errors.Is(err, lms.ErrNotFound))
}

func TestOpenBadPath(t *testing.T) {
	_, err := sqllms.Open(t.Context(), filepath.Join(t.TempDir(), "no", "such", "dir", "lms.db"))
	assert.Error(t, err)
}

var _ = time.Second
