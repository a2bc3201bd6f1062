package canvaslms_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
)

// In a shared account, before any listing has measured it, a lookup of a
// few changed users is never a listing of the account when per-user GETs
// cost no more than the listing can possibly cost: the account holds at
// least the 2,100 users ReadState has just seen enrolled, so a listing is
// at least 21 pages, 42 GETs' worth. The account also holds 5,000 users
// of other providers, so the listing really takes 71 pages.
func TestLookupBeforeMeasuringNeverListsWhenGETsAreCheaper(t *testing.T) {
	const enrolled, unrelated = 2100, 5000
	for _, tc := range []struct {
		n    int
		want map[string]int
		// then is what ReadUsers of the same users costs next.
		then map[string]int
	}{
		{n: 25, want: map[string]int{"GET users/{id}": 25}, then: map[string]int{"GET users/{id}": 25}}, // above the threshold (20), below the floor
		{n: 42, want: map[string]int{"GET users/{id}": 42}, then: map[string]int{"GET users/{id}": 42}}, // 42 GETs = 21 pages × 2: GETs
		// Past the floor the threshold decides; the listing then measures
		// the account (71 pages), and the next lookup goes by that.
		{n: 43, want: map[string]int{"GET accounts/{id}/users": 71}, then: map[string]int{"GET users/{id}": 43}},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			l, srv := newLMS(t)
			ctx := t.Context()
			cc := srv.SeedCourse(canvastest.Course{Name: "Course", SISCourseID: "C1"})
			for i := range unrelated {
				srv.SeedUser(canvastest.User{Name: "Other", LoginID: fmt.Sprintf("o%d@example.org", i), SISUserID: fmt.Sprintf("other/%d", i)})
			}
			var ids []string
			for i := range enrolled {
				id := fmt.Sprintf("client/%d", i)
				u := srv.SeedUser(canvastest.User{Name: "Learner", LoginID: fmt.Sprintf("l%d@example.com", i), SISUserID: id})
				srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc, UserID: u, State: "active"})
				ids = append(ids, id)
			}
			// The Syncer's re-sync read: only the changed users in full.
			_, err := l.ReadStateWith(ctx, []string{"C1"}, lms.ReadOptions{SkipGroups: true, LimitUsers: true})
			require.NoError(t, err)

			srv.ResetCalls()
			st, err := l.ReadStateWith(ctx, []string{"C1"}, lms.ReadOptions{SkipGroups: true, LimitUsers: true, Users: ids[:tc.n]})
			require.NoError(t, err)
			assert.Len(t, st.Users, tc.n)
			calls := srv.Calls()
			delete(calls, "GET courses/{id}/sections")
			delete(calls, "GET courses/{id}/enrollments")
			delete(calls, "GET courses/{id}")
			assert.Equal(t, tc.want, calls)

			srv.ResetCalls()
			us, err := l.ReadUsers(ctx, ids[:tc.n])
			require.NoError(t, err)
			assert.Len(t, us, tc.n)
			assert.Equal(t, tc.then, srv.Calls(), "ReadUsers next")
		})
	}
}

// Reads of different courses add up: a re-sync reads courses a few at a
// time, and the account holds every user any of them named. Two courses
// of 1,100 learners each, read one at a time, put the floor at 22 pages
// (44 GETs' worth), so 43 changed users are 43 GETs; the larger single
// read alone (11 pages, 22 GETs) would have listed the account.
func TestLookupFloorCountsUsersAcrossReads(t *testing.T) {
	const perCourse, unrelated = 1100, 5000
	l, srv := newLMS(t)
	ctx := t.Context()
	for i := range unrelated {
		srv.SeedUser(canvastest.User{Name: "Other", LoginID: fmt.Sprintf("o%d@example.org", i), SISUserID: fmt.Sprintf("other/%d", i)})
	}
	var ids []string
	for c := range 2 {
		sis := fmt.Sprintf("C%d", c+1)
		cc := srv.SeedCourse(canvastest.Course{Name: "Course", SISCourseID: sis})
		for i := range perCourse {
			id := fmt.Sprintf("client/%d/%d", c, i)
			u := srv.SeedUser(canvastest.User{Name: "Learner", LoginID: fmt.Sprintf("l%d-%d@example.com", c, i), SISUserID: id})
			srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc, UserID: u, State: "active"})
			ids = append(ids, id)
		}
		_, err := l.ReadStateWith(ctx, []string{sis}, lms.ReadOptions{SkipGroups: true, LimitUsers: true})
		require.NoError(t, err)
	}
	srv.ResetCalls()
	us, err := l.ReadUsers(ctx, ids[:43])
	require.NoError(t, err)
	assert.Len(t, us, 43)
	assert.Equal(t, map[string]int{"GET users/{id}": 43}, srv.Calls())
}

// A listing measured on a first sync, when the account was empty (one
// page), does not make a later lookup list an account that has grown
// since: the users ReadState has seen put a floor under its pages.
func TestLookupAfterAnEmptyListingFollowsGrowth(t *testing.T) {
	const enrolled, unrelated = 2100, 5000
	l, srv := newLMS(t)
	ctx := t.Context()
	_, err := l.ReadUsers(ctx, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u"})
	require.NoError(t, err)
	require.Equal(t, map[string]int{"GET accounts/{id}/users": 1}, srv.Calls(), "the empty account listed once")

	cc := srv.SeedCourse(canvastest.Course{Name: "Course", SISCourseID: "C1"})
	for i := range unrelated {
		srv.SeedUser(canvastest.User{Name: "Other", LoginID: fmt.Sprintf("o%d@example.org", i), SISUserID: fmt.Sprintf("other/%d", i)})
	}
	var ids []string
	for i := range enrolled {
		id := fmt.Sprintf("client/%d", i)
		u := srv.SeedUser(canvastest.User{Name: "Learner", LoginID: fmt.Sprintf("l%d@example.com", i), SISUserID: id})
		srv.SeedEnrollment(canvastest.Enrollment{CourseID: cc, UserID: u, State: "active"})
		ids = append(ids, id)
	}
	_, err = l.ReadStateWith(ctx, []string{"C1"}, lms.ReadOptions{SkipGroups: true, LimitUsers: true})
	require.NoError(t, err)
	srv.ResetCalls()
	us, err := l.ReadUsers(ctx, ids[:42])
	require.NoError(t, err)
	assert.Len(t, us, 42)
	assert.Equal(t, map[string]int{"GET users/{id}": 42}, srv.Calls(), "42 GETs cost no more than the 21 pages the account now holds at least")
}
