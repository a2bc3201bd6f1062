package sync

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// A mapping config that goes bad after New (its slices are the caller's)
// fails the plan with an error that is both packages' invalid config, not
// a bare mapping error.
func TestPlanWithInvalidMappingConfig(t *testing.T) {
	vt := vettraktest.NewTestServer(t, vettraktest.WithDataset(vettraktest.SeedWalkthrough()))
	api, err := vettrak.New(vt.URL(), vt.Credentials())
	require.NoError(t, err)
	cfg := DefaultConfig(mapping.WorkflowUnit)
	cfg.Scope = Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, err := New(api, memlms.New(), cfg)
	require.NoError(t, err)
	s.cfg.Mapping.Login = []mapping.LoginSource{"carrier-pigeon"}

	_, err = s.Plan(context.Background())
	require.ErrorIs(t, err, ErrInvalidConfig)
	require.ErrorIs(t, err, mapping.ErrInvalidConfig)
	var ce *mapping.ConfigError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "Login", ce.Field)
}
