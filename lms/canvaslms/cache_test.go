package canvaslms_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// seedCourses adds n courses to the fake behind the LMS's back (as a
// person or an earlier run would have), the first withGroups of them with
// a group with a SIS ID in their own category and one learner in it.
func seedCourses(t *testing.T, srv *canvastest.Server, n, withGroups int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		sis := fmt.Sprintf("unit/U%d", i)
		id := srv.SeedCourse(canvastest.Course{Name: "Unit " + fmt.Sprint(i), CourseCode: fmt.Sprint("U", i), SISCourseID: sis})
		require.NotZero(t, id)
		srv.SeedSection(canvastest.Section{CourseID: id, Name: "Trainer", SISSectionID: sis + "/trainer"})
		u := srv.SeedUser(canvastest.User{Name: "L " + fmt.Sprint(i), LoginID: fmt.Sprintf("l%d@example.com", i), SISUserID: fmt.Sprint("client/", i)})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: id, UserID: u})
		if i < withGroups {
			cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: id, Name: canvaslms.DefaultGroupCategory})
			srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "Occurrence", SISGroupID: fmt.Sprint("occ/", i)})
		}
		ids = append(ids, sis)
	}
	return ids
}

// times multiplies a per-course call count by the number of courses.
func times(n int, perCourse map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range perCourse {
		out[k] = n * v
	}
	return out
}

// What the Syncer does on every run: ListCourses, then ReadState of the
// courses it manages. The listing answers for the courses, so a course
// costs its sections and enrollments (and, in groups mode, its groups the
// first time and whenever it has some) and no GET.
func TestReadStateAfterListCoursesCallsPerCourse(t *testing.T) {
	const n = 4
	for _, tc := range []struct {
		mode canvaslms.GroupMode
		// first and again are per course, again a second ReadState within
		// the cache window.
		first, again map[string]int
	}{
		{canvaslms.GroupsAsGroups,
			map[string]int{"GET courses/{id}/sections": 1, "GET courses/{id}/enrollments": 1, "GET courses/{id}/groups": 1},
			map[string]int{"GET courses/{id}/sections": 1, "GET courses/{id}/enrollments": 1}},
		{canvaslms.GroupsAsSections,
			map[string]int{"GET courses/{id}/sections": 1, "GET courses/{id}/enrollments": 1},
			map[string]int{"GET courses/{id}/sections": 1, "GET courses/{id}/enrollments": 1}},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			l, srv := newLMS(t, canvaslms.WithGroupsAs(tc.mode))
			ids := seedCourses(t, srv, n, 0)
			listed, err := l.ListCourses(t.Context())
			require.NoError(t, err)
			require.Len(t, listed, n)

			srv.ResetCalls()
			st, err := l.ReadState(t.Context(), ids)
			require.NoError(t, err)
			want := times(n, tc.first)
			want["GET users/{id}"] = n // n learners, below the list threshold
			assert.Equal(t, want, srv.Calls())
			assert.Equal(t, listed, st.Courses, "the courses are the listing's")
			assert.Len(t, st.Sections, n)
			assert.Len(t, st.Enrolments, n)

			srv.ResetCalls()
			_, err = l.ListCourses(t.Context())
			require.NoError(t, err)
			srv.ResetCalls()
			again, err := l.ReadState(t.Context(), ids)
			require.NoError(t, err)
			want = times(n, tc.again)
			want["GET users/{id}"] = n
			assert.Equal(t, want, srv.Calls(), "a course known to hold no groups is not asked again")
			assert.Equal(t, st, again)
		})
	}
}

// A course with groups costs what it did: its groups listing and one
// membership listing per group, on every read.
func TestReadStateListsGroupsOfCoursesThatHaveThem(t *testing.T) {
	l, srv := newLMS(t)
	ids := seedCourses(t, srv, 3, 1)
	_, err := l.ListCourses(t.Context())
	require.NoError(t, err)
	for run := range 2 {
		srv.ResetCalls()
		st, err := l.ReadState(t.Context(), ids)
		require.NoError(t, err)
		groups := 3 // the first read lists every course's groups
		if run > 0 {
			groups = 1 // then only the course that has some
		}
		assert.Equal(t, map[string]int{
			"GET courses/{id}/sections":    3,
			"GET courses/{id}/enrollments": 3,
			"GET courses/{id}/groups":      groups,
			"GET groups/{id}/memberships":  1,
			"GET users/{id}":               3,
		}, srv.Calls(), "run %d", run)
		require.Len(t, st.Groups, 1)
		assert.Equal(t, "occ/0", st.Groups[0].SISID)
	}
}

func TestReadStateFallsBackToGetWithoutAFreshEntry(t *testing.T) {
	perCourse := map[string]int{"GET courses/{id}": 1, "GET courses/{id}/sections": 1, "GET courses/{id}/enrollments": 1}
	for _, tc := range []struct {
		name string
		opts []canvaslms.Option
		// before runs after seeding and before the measured ReadState.
		before func(t *testing.T, l *canvaslms.LMS, c *clock)
	}{
		{"never listed", nil, func(*testing.T, *canvaslms.LMS, *clock) {}},
		{"stale", nil, func(t *testing.T, l *canvaslms.LMS, c *clock) {
			_, err := l.ListCourses(t.Context())
			require.NoError(t, err)
			c.Advance(canvaslms.DefaultCourseCacheTTL)
		}},
		{"short ttl", []canvaslms.Option{canvaslms.WithCourseCacheTTL(time.Second)}, func(t *testing.T, l *canvaslms.LMS, c *clock) {
			_, err := l.ListCourses(t.Context())
			require.NoError(t, err)
			c.Advance(time.Second)
		}},
		{"disabled", []canvaslms.Option{canvaslms.WithCourseCacheTTL(0)}, func(t *testing.T, l *canvaslms.LMS, _ *clock) {
			_, err := l.ListCourses(t.Context())
			require.NoError(t, err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			l, srv := newLMS(t, append([]canvaslms.Option{canvaslms.WithGroupsAs(canvaslms.GroupsAsSections), canvaslms.WithClock(c.Now)}, tc.opts...)...)
			ids := seedCourses(t, srv, 2, 0)
			tc.before(t, l, c)
			srv.ResetCalls()
			st, err := l.ReadState(t.Context(), append(ids, "missing"))
			require.NoError(t, err)
			want := times(2, perCourse)
			want["GET courses/{id}"]++ // the missing one
			want["GET users/{id}"] = 2
			assert.Equal(t, want, srv.Calls())
			require.Len(t, st.Courses, 2)
			assert.Equal(t, "Unit 1", st.Courses[1].Name)
		})
	}
}

// With the cache off, groups are listed on every read.
func TestCacheDisabledListsGroupsEveryTime(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithCourseCacheTTL(0))
	ids := seedCourses(t, srv, 1, 0)
	for range 2 {
		srv.ResetCalls()
		_, err := l.ReadState(t.Context(), ids)
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Calls()["GET courses/{id}/groups"])
		assert.Equal(t, 1, srv.Calls()["GET courses/{id}"])
	}
}

// A course renamed in Canvas after the listing reads as listed until the
// entry expires, then as Canvas has it.
func TestReadStateSeesARenameOnceTheEntryExpires(t *testing.T) {
	c := newClock()
	l, srv := newLMS(t, canvaslms.WithClock(c.Now), canvaslms.WithCourseCacheTTL(time.Minute))
	ids := seedCourses(t, srv, 1, 0)
	_, err := l.ListCourses(t.Context())
	require.NoError(t, err)

	byHand := fastClient(t, srv, srv.AdminToken())
	_, err = byHand.Courses.Update(t.Context(), canvas.SISCourse(ids[0]), canvas.CourseParams{Name: canvas.Ptr("Renamed by hand")})
	require.NoError(t, err)

	c.Advance(59 * time.Second)
	st, err := l.ReadState(t.Context(), ids)
	require.NoError(t, err)
	assert.Equal(t, "Unit 0", st.Courses[0].Name, "within the window the listing answers")

	c.Advance(time.Second)
	srv.ResetCalls()
	st, err = l.ReadState(t.Context(), ids)
	require.NoError(t, err)
	assert.Equal(t, "Renamed by hand", st.Courses[0].Name)
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}"])

	// A new listing answers for it again, with the new name.
	_, err = byHand.Courses.Update(t.Context(), canvas.SISCourse(ids[0]), canvas.CourseParams{Name: canvas.Ptr("Renamed again")})
	require.NoError(t, err)
	_, err = l.ListCourses(t.Context())
	require.NoError(t, err)
	srv.ResetCalls()
	st, err = l.ReadState(t.Context(), ids)
	require.NoError(t, err)
	assert.Equal(t, "Renamed again", st.Courses[0].Name)
	assert.Zero(t, srv.Calls()["GET courses/{id}"])
}

// The cache answers only for the course; a course deleted, or whose SIS
// ID went elsewhere, since the listing is found missing by the first
// listing addressed by SIS ID.
func TestReadStateOfACachedCourseThatIsGone(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections))
	ids := seedCourses(t, srv, 2, 0)
	_, err := l.ListCourses(t.Context())
	require.NoError(t, err)
	byHand := fastClient(t, srv, srv.AdminToken())
	require.NoError(t, byHand.Courses.Delete(t.Context(), canvas.SISCourse(ids[0])))
	_, err = byHand.Courses.Update(t.Context(), canvas.SISCourse(ids[1]), canvas.CourseParams{SISCourseID: canvas.Ptr("unit/moved")})
	require.NoError(t, err)

	srv.ResetCalls()
	st, err := l.ReadState(t.Context(), ids)
	require.NoError(t, err)
	assert.Empty(t, st.Courses)
	assert.Equal(t, map[string]int{
		"GET courses/{id}/sections": 2, // 404s on the stale entries
		"GET courses/{id}":          2, // 404s: left out
	}, srv.Calls())

	// A SIS ID the fresh listing did not hold reads as absent, without a
	// GET, until the window ends or a listing holds it (the Syncer lists
	// courses at the start of every run).
	srv.ResetCalls()
	st, err = l.ReadState(t.Context(), []string{"unit/moved"})
	require.NoError(t, err)
	assert.Empty(t, st.Courses)
	assert.Empty(t, srv.Calls())

	_, err = l.ListCourses(t.Context())
	require.NoError(t, err)
	srv.ResetCalls()
	st, err = l.ReadState(t.Context(), append(ids, "unit/moved"))
	require.NoError(t, err)
	require.Len(t, st.Courses, 1)
	assert.Equal(t, "unit/moved", st.Courses[0].SISID)
	assert.Equal(t, "Unit 1", st.Courses[0].Name)
	assert.Equal(t, map[string]int{
		"GET courses/{id}/sections":    1,
		"GET courses/{id}/enrollments": 1,
		"GET users/{id}":               1,
	}, srv.Calls())
	require.Len(t, st.Sections, 1)
	assert.Equal(t, "unit/moved", st.Sections[0].CourseSISID)
}

// The LMS's own writes keep the cache current: a created course needs no
// GET, an update is read back as written, and a course given a new SIS ID
// is not found under the old one.
func TestCourseWritesKeepTheCacheCurrent(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections))
	ctx := t.Context()
	c, err := l.CreateCourse(ctx, lms.Course{SISID: "A", Name: "First", Code: "A1"})
	require.NoError(t, err)
	require.NoError(t, l.UpdateCourse(ctx, lms.Course{SISID: "A", Name: "Second", Code: "A2"}))

	srv.ResetCalls()
	st, err := l.ReadState(ctx, []string{"A"})
	require.NoError(t, err)
	require.Len(t, st.Courses, 1)
	assert.Equal(t, lms.Course{ID: c.ID, SISID: "A", Name: "Second", Code: "A2"}, st.Courses[0])
	assert.Zero(t, srv.Calls()["GET courses/{id}"])

	require.NoError(t, l.UpdateCourse(ctx, lms.Course{ID: c.ID, SISID: "B", Name: "Second", Code: "A2"}))
	srv.ResetCalls()
	st, err = l.ReadState(ctx, []string{"A", "B"})
	require.NoError(t, err)
	require.Len(t, st.Courses, 1)
	assert.Equal(t, "B", st.Courses[0].SISID)
	assert.Equal(t, map[string]int{
		"GET courses/{id}":             1, // A: no entry any more, and Canvas has none
		"GET courses/{id}/sections":    1,
		"GET courses/{id}/enrollments": 1,
	}, srv.Calls())
}

// A course known to hold no groups is listed again once this LMS creates
// one in it; a group made elsewhere is seen once the answer expires.
func TestNoGroupsAnswerIsClearedAndExpires(t *testing.T) {
	c := newClock()
	l, srv := newLMS(t, canvaslms.WithClock(c.Now))
	ctx := t.Context()
	ids := seedCourses(t, srv, 2, 0)
	_, err := l.ReadState(ctx, ids)
	require.NoError(t, err)

	_, err = l.CreateGroup(ctx, lms.Group{SISID: "occ/mine", CourseSISID: ids[0], Name: "Mine"})
	require.NoError(t, err)
	cc, _ := srv.CourseBySISID(ids[1])
	cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: cc.ID, Name: "Another tool's"})
	srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "Theirs", SISGroupID: "occ/theirs"})

	srv.ResetCalls()
	st, err := l.ReadState(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}/groups"])
	assert.Equal(t, []lms.Group{{ID: st.Groups[0].ID, SISID: "occ/mine", CourseSISID: ids[0], Name: "Mine"}}, st.Groups,
		"within the window the group made elsewhere is not seen")

	c.Advance(canvaslms.DefaultCourseCacheTTL)
	srv.ResetCalls()
	st, err = l.ReadState(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Calls()["GET courses/{id}/groups"])
	var sis []string
	for _, g := range st.Groups {
		sis = append(sis, g.SISID)
	}
	assert.Equal(t, []string{"occ/mine", "occ/theirs"}, sis)
}

// Reads and writes from many goroutines (run with -race).
func TestCourseCacheConcurrentUse(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithConcurrency(4))
	ids := seedCourses(t, srv, 6, 2)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 3 {
				_, err := l.ListCourses(t.Context())
				assert.NoError(t, err)
				st, err := l.ReadState(t.Context(), ids)
				assert.NoError(t, err)
				if assert.NotNil(t, st) {
					assert.Len(t, st.Courses, len(ids))
				}
			}
		})
		wg.Go(func() {
			sis := fmt.Sprint("new/", i)
			_, err := l.CreateCourse(t.Context(), lms.Course{SISID: sis, Name: sis})
			assert.NoError(t, err)
			_, err = l.CreateGroup(t.Context(), lms.Group{SISID: "g/" + sis, CourseSISID: ids[i], Name: sis})
			assert.NoError(t, err)
			assert.NoError(t, l.UpdateCourse(t.Context(), lms.Course{SISID: sis, Name: sis + " renamed"}))
		})
	}
	wg.Wait()
	all := append([]string{}, ids...)
	for i := range 4 {
		all = append(all, fmt.Sprint("new/", i))
	}
	st, err := l.ReadState(t.Context(), all)
	require.NoError(t, err)
	require.Len(t, st.Courses, len(all))
	assert.Equal(t, "new/3 renamed", st.Courses[len(all)-1].Name)
	assert.Len(t, st.Groups, 2+4, "the seeded groups and every group made while reads ran")
}

func TestCacheOptionsValidate(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	client := fastClient(t, srv, srv.AdminToken())
	for _, o := range []canvaslms.Option{canvaslms.WithCourseCacheTTL(-time.Second), canvaslms.WithClock(nil)} {
		_, err := canvaslms.New(client, o)
		assert.Error(t, err)
	}
}

// ReadStateWith SkipGroups lists no groups; plain ReadState still does.
func TestReadStateWithSkipGroups(t *testing.T) {
	l, srv := newLMS(t)
	ctx := context.Background()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "One", Code: "C1"})
	require.NoError(t, err)
	_, err = l.CreateGroup(ctx, lms.Group{SISID: "G1", CourseSISID: "C1", Name: "Term 1"})
	require.NoError(t, err)

	srv.ResetCalls()
	st, err := l.ReadStateWith(ctx, []string{"C1"}, lms.ReadOptions{SkipGroups: true})
	require.NoError(t, err)
	assert.Len(t, st.Courses, 1)
	assert.Empty(t, st.Groups)
	assert.Zero(t, srv.Calls()["GET courses/{id}/groups"])

	st, err = l.ReadState(ctx, []string{"C1"})
	require.NoError(t, err)
	assert.Len(t, st.Groups, 1)
	assert.Equal(t, 1, srv.Calls()["GET courses/{id}/groups"])
}

// A course a fresh listing of the root account did not hold does not
// exist: ReadState leaves it out without a GET that would answer 404 (a
// first sync asked one per course). A CreateCourse that finds the SIS ID
// taken makes the LMS ask again.
func TestReadStateTrustsAFreshListingForAbsentCourses(t *testing.T) {
	l, srv := newLMS(t)
	seedCourses(t, srv, 2, 0)
	_, err := l.ListCourses(t.Context())
	require.NoError(t, err)
	srv.ResetCalls()
	st, err := l.ReadState(t.Context(), []string{"unit/new1", "unit/new2"})
	require.NoError(t, err)
	assert.Empty(t, st.Courses)
	assert.Zero(t, srv.Calls()["GET courses/{id}"], "%v", srv.Calls())

	srv.SeedCourse(canvastest.Course{Name: "By hand", CourseCode: "X", SISCourseID: "unit/new1"})
	_, err = l.CreateCourse(t.Context(), lms.Course{SISID: "unit/new1", Name: "N", Code: "X"})
	require.ErrorIs(t, err, lms.ErrConflict)
	st, err = l.ReadState(t.Context(), []string{"unit/new1"})
	require.NoError(t, err)
	assert.Len(t, st.Courses, 1, "after the conflict the course is read")
}
