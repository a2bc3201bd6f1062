package canvas_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestGroupsAndMemberships(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	course := srv.SeedCourse(canvastest.Course{Name: "IST", SISCourseID: "IST101"})
	u1 := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
	srv.SeedUser(canvastest.User{Name: "B", LoginID: "b", SISUserID: "B"})
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u1})

	cat, err := c.GroupCategories.Create(ctx, canvas.SISCourse("IST101"), canvas.GroupCategoryParams{Name: "VETtrak occurrences", SISGroupCategoryID: "VT-OCC"})
	require.NoError(t, err)
	assert.Equal(t, "VT-OCC", cat.SISGroupCategoryID)
	_, err = c.GroupCategories.Create(ctx, canvas.SISCourse("IST101"), canvas.GroupCategoryParams{})
	assert.ErrorIs(t, err, canvas.ErrInvalid, "name is required")

	cats, err := canvas.Collect(c.GroupCategories.ListByCourse(ctx, canvas.SISCourse("IST101")))
	require.NoError(t, err)
	require.Len(t, cats, 1)
	got, err := c.GroupCategories.Get(ctx, canvas.SISGroupCategory("VT-OCC"))
	require.NoError(t, err)
	assert.Equal(t, cat.ID, got.ID)
	renamed, err := c.GroupCategories.Update(ctx, cat.ID, canvas.GroupCategoryParams{Name: "Occurrences"})
	require.NoError(t, err)
	assert.Equal(t, "Occurrences", renamed.Name)

	g, err := c.Groups.Create(ctx, cat.ID, canvas.GroupParams{Name: canvas.Ptr("Occ 2026/01"), SISGroupID: canvas.Ptr("OCC/2026.01")})
	require.NoError(t, err)
	assert.Equal(t, "OCC/2026.01", g.SISGroupID)
	_, err = c.Groups.Create(ctx, cat.ID, canvas.GroupParams{Name: canvas.Ptr("Dup"), SISGroupID: canvas.Ptr("OCC/2026.01")})
	assert.True(t, errors.Is(err, canvas.ErrSISIDTaken), "%v", err)

	groups, err := canvas.Collect(c.Groups.ListByCourse(ctx, canvas.SISCourse("IST101")))
	require.NoError(t, err)
	require.Len(t, groups, 1)
	inCat, err := canvas.Collect(c.Groups.ListByCategory(ctx, cat.ID))
	require.NoError(t, err)
	require.Len(t, inCat, 1)

	upd, err := c.Groups.Update(ctx, canvas.SISGroup("OCC/2026.01"), canvas.GroupParams{Name: canvas.Ptr("Occ 1")})
	require.NoError(t, err)
	assert.Equal(t, "Occ 1", upd.Name)

	m1, err := c.Groups.AddMember(ctx, canvas.SISGroup("OCC/2026.01"), canvas.SISUser("A"))
	require.NoError(t, err)
	m1again, err := c.Groups.AddMember(ctx, canvas.SISGroup("OCC/2026.01"), canvas.SISUser("A"))
	require.NoError(t, err)
	assert.Equal(t, m1.ID, m1again.ID, "adding an existing member returns the membership")
	_, err = c.Groups.AddMember(ctx, g.ID, canvas.SISUser("B"))
	assert.ErrorIs(t, err, canvas.ErrForbidden, "B has no enrollment in the group's course (401 without WWW-Authenticate)")
	srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: srv.MustUser("B")})
	m2, err := c.Groups.AddMember(ctx, g.ID, canvas.SISUser("B"))
	require.NoError(t, err)

	ms, err := canvas.Collect(c.Groups.ListMemberships(ctx, g.ID))
	require.NoError(t, err)
	assert.Len(t, ms, 2)
	got2, err := c.Groups.Get(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, got2.MembersCount)

	require.NoError(t, c.Groups.RemoveMember(ctx, g.ID, canvas.SISUser("A")))
	require.NoError(t, c.Groups.RemoveMembership(ctx, g.ID, m2.ID))
	err = c.Groups.RemoveMember(ctx, g.ID, canvas.SISUser("A"))
	assert.True(t, errors.Is(err, canvas.ErrNotFound), "removing an absent member is a 404")
	ms, err = canvas.Collect(c.Groups.ListMemberships(ctx, g.ID))
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Len(t, srv.Memberships(g.ID.Int64()), 2)

	require.NoError(t, c.Groups.Delete(ctx, g.ID))
	_, err = c.Groups.Get(ctx, g.ID)
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
	require.NoError(t, c.GroupCategories.Delete(ctx, cat.ID))
	assert.Empty(t, srv.GroupCategories(course))
}

// Canvas keeps a user in one group per category: saving a membership
// removes the others in the category's peer groups
// (group_membership.rb#ensure_mutually_exclusive_membership), except in
// student-organised and community categories.
func TestGroupMembershipExclusivePerCategory(t *testing.T) {
	for _, tc := range []struct {
		role      string
		keepFirst bool
	}{
		{role: "", keepFirst: false},
		{role: "student_organized", keepFirst: true},
	} {
		t.Run("role="+tc.role, func(t *testing.T) {
			c, srv := newFake(t)
			ctx := t.Context()
			course := srv.SeedCourse(canvastest.Course{Name: "IST", SISCourseID: "IST101"})
			other := srv.SeedCourse(canvastest.Course{Name: "Other", SISCourseID: "OTHER"})
			u := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
			srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u})
			srv.SeedEnrollment(canvastest.Enrollment{CourseID: other, UserID: u})
			cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: course, Name: "Set", Role: tc.role})
			g1 := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "G1"})
			g2 := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "G2"})
			otherCat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: other, Name: "Set"})
			g3 := srv.SeedGroup(canvastest.Group{CategoryID: otherCat, Name: "G3"})

			for _, g := range []int64{g3, g1, g2} {
				_, err := c.Groups.AddMember(ctx, canvas.ID(g), canvas.SISUser("A"))
				require.NoError(t, err)
			}
			active := func(g int64) int {
				ms, err := canvas.Collect(c.Groups.ListMemberships(ctx, canvas.ID(g)))
				require.NoError(t, err)
				return len(ms)
			}
			assert.Equal(t, 1, active(g2))
			assert.Equal(t, 1, active(g3), "another category is not a peer")
			if tc.keepFirst {
				assert.Equal(t, 1, active(g1))
			} else {
				assert.Zero(t, active(g1), "joining G2 removed the membership of G1")
			}
		})
	}
}

// A membership needs a non-deleted enrollment in the group's course: 401,
// or 403 where the auth-error flag is on (group.rb#can_join?).
func TestGroupMembershipNeedsEnrollment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []canvastest.Option
		status int
	}{
		{"401", nil, 401},
		{"403 with auth error updates", []canvastest.Option{canvastest.WithAuthErrorUpdates()}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := newFake(t, tc.opts...)
			ctx := t.Context()
			course := srv.SeedCourse(canvastest.Course{Name: "IST", SISCourseID: "IST101"})
			u := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
			cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: course, Name: "Set"})
			g := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "G"})
			e := srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u, State: "deleted"})
			require.NotZero(t, e)

			_, err := c.Groups.AddMember(ctx, canvas.ID(g), canvas.SISUser("A"))
			var ce *canvas.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.status, ce.StatusCode)
			assert.Empty(t, srv.Memberships(g), "nothing saved")

			srv.SeedEnrollment(canvastest.Enrollment{CourseID: course, UserID: u, State: "completed"})
			_, err = c.Groups.AddMember(ctx, canvas.ID(g), canvas.SISUser("A"))
			assert.NoError(t, err, "a concluded enrollment is not deleted")
		})
	}
}
