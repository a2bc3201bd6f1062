package canvas_test

import (
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
	assert.True(t, canvas.IsSISIDTaken(err), "%v", err)

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
	assert.True(t, canvas.IsNotFound(err), "removing an absent member is a 404")
	ms, err = canvas.Collect(c.Groups.ListMemberships(ctx, g.ID))
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Len(t, srv.Memberships(g.ID.Int64()), 2)

	require.NoError(t, c.Groups.Delete(ctx, g.ID))
	_, err = c.Groups.Get(ctx, g.ID)
	assert.True(t, canvas.IsNotFound(err))
	require.NoError(t, c.GroupCategories.Delete(ctx, cat.ID))
	assert.Empty(t, srv.GroupCategories(course))
}
