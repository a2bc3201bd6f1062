package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/redact/redacttest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func TestReportJSONProgressAndNoSecrets(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	var logs bytes.Buffer
	var events []vtsync.Progress
	// A failing LMS call whose error text carries the password, as a
	// careless implementation might: it must not reach logs or the report.
	pw := r.vt.Credentials().Password
	r.lms.FailNext("CreateUser", 1, &leaky{msg: "upstream said: bad password " + pw})
	s := r.syncer(t, vtsync.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		vtsync.WithProgress(func(p vtsync.Progress) { events = append(events, p) }),
		vtsync.WithSecrets(pw))
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, rep.Failures)

	b, err := rep.JSON()
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(b, &back))
	for _, k := range []string{"created", "updated", "removed", "unchanged", "failures", "calls", "seconds"} {
		assert.Contains(t, back, k)
	}
	assert.Positive(t, rep.Calls["vettrak"].Reads, "VETtrak calls are counted")
	assert.NotContains(t, string(b), pw)
	assert.NotContains(t, logs.String(), pw)
	assert.Contains(t, logs.String(), "[REDACTED]")

	phases := map[vtsync.Phase]bool{}
	for _, e := range events {
		phases[e.Phase] = true
	}
	assert.True(t, phases[vtsync.PhaseObserve] && phases[vtsync.PhasePlan] && phases[vtsync.PhaseApply])
	last := events[len(events)-1]
	assert.Equal(t, last.Total, last.Done, "the last apply event reports completion")
}

// A read that fails with the password in its text, as a custom source or
// LMS might: the saved plan (its read failures) must not carry it either.
func TestPlanReadFailuresHoldNoSecrets(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	pw := r.vt.Credentials().Password
	r.run(t)
	r.lms.FailNext("ReadEvidence", 1, &leaky{msg: "evidence store said: bad password " + pw})
	p, err := r.syncer(t, vtsync.WithSecrets(pw)).Plan(context.Background())
	require.NoError(t, err)
	require.NotEmpty(t, p.ReadFailures)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	redacttest.AssertNoLeak(t, "plan JSON", string(b), pw)
	assert.Contains(t, string(b), "[REDACTED]")
	assert.ErrorAs(t, p.ReadFailures[0].Err(), new(*leaky), "the chain is kept for errors.As")
}

type leaky struct{ msg string }

func (l *leaky) Error() string { return l.msg }

// The bbolt store keeps the ledger across Syncer instances (process restarts).
func TestLedgerSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	_, err := r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	db, err := store.Open(dir)
	require.NoError(t, err)
	r.st = db
	r.run(t)
	st := r.lms.Dump()
	done := time.Date(2026, 6, 20, 14, 0, 0, 0, time.UTC) // inside Term 2
	require.NoError(t, r.lms.SetProgress(st.Courses[0].SISID, lms.CourseProgress{UserSISID: userByGiven(t, st, "Bob"), RequirementsTotal: 1, RequirementsCompleted: 1, CompletedAt: &done}))
	rep, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, rep.ResultsWritten)
	require.NoError(t, db.Close())

	db, err = store.Open(dir)
	require.NoError(t, err)
	defer db.Close()
	r.st = db
	rep, err = r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	assert.Zero(t, rep.ResultsWritten)
	assert.Empty(t, rep.Conflicts, "the reopened ledger knows the result is ours")
}

func TestCheck(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	rep, err := r.syncer(t).Check(context.Background())
	require.NoError(t, err)
	assert.True(t, rep.VETtrakOK && rep.LMSOK, rep.String())

	bad, err := vettrak.New(r.vt.URL(), vettrak.Credentials{Username: "nobody", Password: "wrong-password-123"})
	require.NoError(t, err)
	s, err := vtsync.New(bad, r.lms, r.cfg, vtsync.WithSecrets("wrong-password-123"))
	require.NoError(t, err)
	rep, err = s.Check(context.Background())
	require.Error(t, err)
	assert.False(t, rep.VETtrakOK)
	assert.True(t, rep.LMSOK)
	assert.NotContains(t, rep.String(), "wrong-password-123")
	assert.ErrorIs(t, err, vettrak.ErrBadCredentials)

	// Logged in, but the licence lacks an operation the sync reads.
	r.vt.SetLicensed("GetResultTypes", false)
	rep, err = r.syncer(t).Check(context.Background())
	require.Error(t, err)
	assert.False(t, rep.VETtrakOK)
	assert.Contains(t, err.Error(), "GetResultTypes")
}

func TestNewRejectsBadConfig(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	tests := []struct {
		name string
		edit func(*vtsync.Config)
	}{
		{"no scope", func(c *vtsync.Config) { c.Scope = vtsync.Scope{} }},
		{"inverted window", func(c *vtsync.Config) { c.Scope.To = c.Scope.From.Add(-time.Hour) }},
		{"share above one", func(c *vtsync.Config) { c.Safety.MaxRemoveShare = vtsync.Ptr(2.0) }},
		{"bad time zone", func(c *vtsync.Config) { c.Mapping.TimeZone = "Mars/Olympus" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := r.cfg
			tt.edit(&cfg)
			_, err := vtsync.New(r.api, r.lms, cfg)
			assert.ErrorIs(t, err, vtsync.ErrInvalidConfig)
		})
	}
	_, err := vtsync.New(nil, r.lms, r.cfg)
	assert.ErrorIs(t, err, vtsync.ErrInvalidConfig)
}
