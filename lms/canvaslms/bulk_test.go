package canvaslms_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	"github.com/vtsync/vtsync/lms/lmstest"
)

// bulkCourse is the writes of course(t, l, n) without time zones (users.csv
// has no column for them), as bulk writes.
func bulkCourse(n int) []lms.BulkWrite {
	c := lms.Course{SISID: "unit/BSBLDR501", Name: "Develop leadership", Code: "BSBLDR501"}
	ws := []lms.BulkWrite{
		{Kind: lms.BulkCreateCourse, Course: &c},
		{Kind: lms.BulkCreateSection, Section: &lms.Section{SISID: "trainer/T1", CourseSISID: c.SISID, Name: "Trainer: Jo Bloggs"}},
	}
	groups := []string{"occ/2026-T1", "occ/2026-T2"}
	for _, g := range groups {
		ws = append(ws, lms.BulkWrite{Kind: lms.BulkCreateGroup, Group: &lms.Group{SISID: g, CourseSISID: c.SISID, Name: g}})
	}
	teacher := lms.User{SISID: "staff/1", Login: "jo@example.com", GivenName: "Jo", FamilyName: "Bloggs", Email: "jo@example.com"}
	ws = append(ws, lms.BulkWrite{Kind: lms.BulkCreateUser, User: &teacher},
		lms.BulkWrite{Kind: lms.BulkEnrol, Enrolment: &lms.Enrolment{UserSISID: teacher.SISID, CourseSISID: c.SISID, SectionSISID: "trainer/T1", Role: lms.RoleTeacher, Status: lms.StatusActive}})
	for i := range n {
		u := lms.User{SISID: fmt.Sprintf("client/%d", i), Login: fmt.Sprintf("l%d@example.com", i),
			GivenName: "Learner", FamilyName: fmt.Sprint(i), Email: fmt.Sprintf("l%d@example.com", i)}
		ws = append(ws, lms.BulkWrite{Kind: lms.BulkCreateUser, User: &u},
			lms.BulkWrite{Kind: lms.BulkEnrol, Enrolment: &lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: "trainer/T1", Role: lms.RoleStudent, Status: lms.StatusActive}},
			lms.BulkWrite{Kind: lms.BulkAddMember, Membership: &lms.Membership{GroupSISID: groups[i%2], UserSISID: u.SISID, Status: lms.StatusActive}})
	}
	// Reversed: the import applies dependencies first whatever the order.
	for i, j := 0, len(ws)-1; i < j; i, j = i+1, j-1 {
		ws[i], ws[j] = ws[j], ws[i]
	}
	return ws
}

// stripIDs is lmstest.Comparable without time zones, which users.csv
// cannot carry.
func stripIDs(st *lms.State) lms.State {
	out := lmstest.Comparable(*st)
	for i := range out.Users {
		out.Users[i].TimeZone = ""
	}
	return out
}

// One SIS import does what the REST calls do, in both group modes: the
// same state reads back, for one upload and its polls.
func TestBulkWriteEqualsRESTWrites(t *testing.T) {
	for _, mode := range []canvaslms.GroupMode{canvaslms.GroupsAsGroups, canvaslms.GroupsAsSections} {
		t.Run(mode.String(), func(t *testing.T) {
			rest, _ := newLMS(t, canvaslms.WithGroupsAs(mode))
			c := course(t, rest, 6)
			want, err := rest.ReadState(t.Context(), []string{c.SISID})
			require.NoError(t, err)

			srv := canvastest.NewServer(canvastest.WithStrict(), canvastest.WithSISImportPolls(2))
			t.Cleanup(srv.Close)
			l, err := canvaslms.New(fastClient(t, srv, srv.AdminToken()), canvaslms.WithGroupsAs(mode),
				canvaslms.WithBulkPollInterval(time.Millisecond))
			require.NoError(t, err)
			ws := bulkCourse(6)
			for _, w := range ws {
				require.True(t, l.CanBulk(w), "%s %s", w.Kind, w.Key())
			}
			var seen []lms.BulkProgress
			out, err := l.BulkWrite(t.Context(), ws, func(p lms.BulkProgress) { seen = append(seen, p) })
			require.NoError(t, err)
			for i, e := range out {
				assert.NoError(t, e, "%s %s", ws[i].Kind, ws[i].Key())
			}
			assert.Equal(t, map[string]int{"POST accounts/{id}/sis_imports": 1, "GET accounts/{id}/sis_imports/{id}": 3}, srv.Calls())
			require.NotEmpty(t, seen)
			assert.Equal(t, 100, seen[len(seen)-1].Percent)

			got, err := l.ReadState(t.Context(), []string{c.SISID})
			require.NoError(t, err)
			assert.Equal(t, stripIDs(want), stripIDs(got))
		})
	}
}

// A row Canvas refuses fails its write and no other.
func TestBulkWriteRowErrorFailsItsWrite(t *testing.T) {
	l, srv := newLMS(t, canvaslms.WithBulkPollInterval(time.Millisecond))
	srv.SeedUser(canvastest.User{Name: "Someone Else", LoginID: "l1@example.com", SISUserID: "other/1"})
	ws := bulkCourse(3)
	out, err := l.BulkWrite(t.Context(), ws, nil)
	require.NoError(t, err)
	failed := map[string]bool{}
	for i, e := range out {
		if e != nil {
			failed[string(ws[i].Kind)+" "+ws[i].Key()] = true
			var row *lms.BulkRowError
			require.ErrorAs(t, e, &row)
			assert.ErrorIs(t, e, lms.ErrBulkRefused)
			assert.Positive(t, row.Row, "%v", e)
		}
	}
	// The user whose login another holds, and what needs that user.
	assert.Equal(t, map[string]bool{
		"create_user client/1":                             true,
		"enrol unit/BSBLDR501|trainer/T1|client/1|student": true,
		"add_member occ/2026-T2|client/1":                  true,
	}, failed)
}

// Cancelled while the import runs: the error says so and no write is
// confirmed; the import is left to finish on its own.
func TestBulkWriteCancelledMidPoll(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithStrict(), canvastest.WithSISImportPolls(5))
	t.Cleanup(srv.Close)
	l, err := canvaslms.New(fastClient(t, srv, srv.AdminToken()), canvaslms.WithBulkPollInterval(time.Millisecond))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, err := l.BulkWrite(ctx, bulkCourse(2), func(p lms.BulkProgress) {
		if p.State == "importing" {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, out)
	imps := srv.SISImports()
	require.Len(t, imps, 1)
	assert.Equal(t, "importing", imps[0].WorkflowState)
}

// What a SIS import cannot carry stays on the REST path.
func TestCanBulk(t *testing.T) {
	l, _ := newLMS(t)
	day := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		w    lms.BulkWrite
		want bool
	}{
		{lms.BulkWrite{Kind: lms.BulkCreateCourse, Course: &lms.Course{SISID: "c", Name: "n", Code: "x"}}, true},
		{lms.BulkWrite{Kind: lms.BulkCreateCourse, Course: &lms.Course{SISID: "c", Name: "n", Code: "x", Start: &day}}, false},
		{lms.BulkWrite{Kind: lms.BulkUpdateCourse, Course: &lms.Course{ID: "5", SISID: "c"}}, false},
		{lms.BulkWrite{Kind: lms.BulkCreateUser, User: &lms.User{SISID: "u", Login: "u@x"}}, true},
		{lms.BulkWrite{Kind: lms.BulkCreateUser, User: &lms.User{SISID: "u", Login: "u@x", TimeZone: "Australia/Perth"}}, false},
		{lms.BulkWrite{Kind: lms.BulkUnenrol, Enrolment: &lms.Enrolment{UserSISID: "u", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusDeleted}}, false},
		{lms.BulkWrite{Kind: lms.BulkRemoveMember, Membership: &lms.Membership{GroupSISID: "g", UserSISID: "u"}}, false},
		{lms.BulkWrite{Kind: lms.BulkEnrol, Enrolment: &lms.Enrolment{UserSISID: "u", CourseSISID: "c", Role: lms.RoleStudent, Status: lms.StatusActive}}, true},
		{lms.BulkWrite{Kind: lms.BulkEnrol}, false},
	} {
		assert.Equal(t, tc.want, l.CanBulk(tc.w), "%s %+v", tc.w.Kind, tc.w)
	}
}
