package pgtemp_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet/pgtemp"
	"github.com/vtsync/vtsync/sync/fleet/pgtemp/pgtemptest"
)

// A cluster starts (as the postgres user when we are root), serves a new
// database over loopback, and Stop removes every trace of it.
func TestStartCreateStop(t *testing.T) {
	pgtemptest.Require(t)
	c, err := pgtemp.Start(t.Context())
	require.NoError(t, err)
	dsn, err := c.CreateDatabase(t.Context(), "try")
	require.NoError(t, err)
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	var enc string
	require.NoError(t, conn.QueryRow(t.Context(), "SHOW server_encoding").Scan(&enc))
	assert.Equal(t, "UTF8", enc)
	require.NoError(t, conn.Close(t.Context()))
	require.NoError(t, c.Stop())
	_, err = pgx.Connect(t.Context(), dsn)
	assert.Error(t, err, "the server is gone")
}
