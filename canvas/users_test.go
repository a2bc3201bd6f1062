package canvas_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestUsersLifecycle(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	u, err := c.Users.Create(ctx, canvas.Self, canvas.NewUser{
		Name: "Ada Lovelace", UniqueID: "ada@example.edu", SISUserID: "S/1001.é",
		Email: "ada@example.edu", SkipConfirmation: true, SkipRegistration: true, TimeZone: "Australia/Sydney",
	})
	require.NoError(t, err)
	assert.Equal(t, "S/1001.é", u.SISUserID)
	assert.Equal(t, "ada@example.edu", u.LoginID)
	assert.Equal(t, "Lovelace, Ada", u.SortableName)
	assert.Equal(t, "ada@example.edu", u.Email)

	got, err := c.Users.Get(ctx, canvas.SISUser("S/1001.é"))
	require.NoError(t, err)
	assert.Equal(t, u.ID, got.ID)
	got, err = c.Users.Get(ctx, canvas.SISLogin("ada@example.edu"))
	require.NoError(t, err)
	assert.Equal(t, u.ID, got.ID)

	upd, err := c.Users.Update(ctx, u.ID, canvas.UserParams{Name: canvas.Ptr("Ada King"), Email: canvas.Ptr("ada@king.example"), TimeZone: canvas.Ptr("Australia/Perth")})
	require.NoError(t, err)
	assert.Equal(t, "Ada King", upd.Name)
	assert.Equal(t, "ada@king.example", upd.Email)
	assert.Equal(t, "Australia/Perth", upd.TimeZone)

	logins, err := canvas.Collect(c.Users.ListLogins(ctx, canvas.SISUser("S/1001.é")))
	require.NoError(t, err)
	require.Len(t, logins, 1)
	assert.Equal(t, "ada@example.edu", logins[0].UniqueID)
	l, err := c.Users.UpdateLogin(ctx, canvas.Self, logins[0].ID, canvas.LoginParams{SISUserID: canvas.Ptr("S1002")})
	require.NoError(t, err)
	assert.Equal(t, "S1002", l.SISUserID)
	_, err = c.Users.Get(ctx, canvas.SISUser("S1002"))
	require.NoError(t, err)

	me, err := c.Users.Get(ctx, canvas.Self)
	require.NoError(t, err)
	assert.NotEqual(t, u.ID, me.ID)
	_, err = c.Users.Get(ctx, canvas.SISUser("nobody"))
	assert.True(t, errors.Is(err, canvas.ErrNotFound))
	assert.Len(t, srv.Users(), 1)
}

func TestUserDuplicates(t *testing.T) {
	c, _ := newFake(t)
	ctx := t.Context()
	_, err := c.Users.Create(ctx, canvas.Self, canvas.NewUser{UniqueID: "a@x", SISUserID: "S1"})
	require.NoError(t, err)

	_, err = c.Users.Create(ctx, canvas.Self, canvas.NewUser{UniqueID: "b@x", SISUserID: "S1"})
	assert.True(t, errors.Is(err, canvas.ErrSISIDTaken), "%v", err)
	assert.False(t, errors.Is(err, canvas.ErrLoginTaken))

	_, err = c.Users.Create(ctx, canvas.Self, canvas.NewUser{UniqueID: "A@X", SISUserID: "S2"})
	assert.True(t, errors.Is(err, canvas.ErrLoginTaken), "%v", err)
	assert.False(t, errors.Is(err, canvas.ErrSISIDTaken))
	var ce *canvas.Error
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Message(), "pseudonym.unique_id: ID already in use")

	_, err = c.Users.Create(ctx, canvas.Self, canvas.NewUser{UniqueID: "  "})
	assert.Error(t, err, "client refuses an empty login before calling")
}

func TestListUsersInAccountWithoutLastLink(t *testing.T) {
	_, srv := newFake(t)
	for i := range 25 {
		srv.SeedUser(canvastest.User{Name: fmt.Sprintf("User %02d", i), LoginID: fmt.Sprintf("u%02d", i), SISUserID: fmt.Sprintf("S%02d", i), Email: fmt.Sprintf("u%02d@x", i)})
	}
	c := clientFor(t, srv, srv.AdminToken(), canvas.WithPerPage(10))
	users, err := canvas.Collect(c.Users.ListInAccount(t.Context(), canvas.Self, &canvas.ListUsersOptions{Include: []string{"email"}}))
	require.NoError(t, err)
	require.Len(t, users, 25)
	assert.Equal(t, "S24", users[24].SISUserID)
	assert.Equal(t, "u24@x", users[24].Email)
	assert.Equal(t, 3, srv.Calls()["GET accounts/{id}/users"])

	one, err := canvas.Collect(c.Users.ListInAccount(t.Context(), canvas.Self, &canvas.ListUsersOptions{SearchTerm: "S07"}))
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "User 07", one[0].Name)
}
