package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Every workflow converges on Moodle: the first run applies without
// failures and the second plans nothing and writes nothing.
//
// A shortname clash (a workflow creating a course whose code a
// hand-made course already uses) fails that course with lms.ErrConflict
// (shortnametaken) and the run goes on: see TestShortnameClash.
func TestEveryWorkflowConverges(t *testing.T) {
	for _, w := range []mapping.Workflow{mapping.WorkflowUnit, mapping.WorkflowModule, mapping.WorkflowSubject,
		mapping.WorkflowCourse, mapping.WorkflowOccurrenceGroups} {
		t.Run(string(w), func(t *testing.T) {
			vt, err := demo.StartVETtrak(vettraktest.SeedWalkthrough())
			require.NoError(t, err)
			t.Cleanup(vt.Close)
			srv := moodletest.NewServer()
			t.Cleanup(srv.Close)
			clock := demo.NewClock()
			srv.SetClock(clock.Now)
			if w == mapping.WorkflowOccurrenceGroups || w == mapping.WorkflowUnit {
				// A teacher's course to adopt by code. Not for the others:
				// Moodle keeps shortnames unique, so their own course with
				// the same code could not be made beside it.
				srv.SeedCourse(moodletest.Course{FullName: "Introduction to Statistics", ShortName: vettraktest.WalkthroughUnit})
			}
			client, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0))
			require.NoError(t, err)
			target, err := moodlelms.New(client)
			require.NoError(t, err)
			cfg := vtsync.DefaultConfig(w)
			cfg.Scope.From, cfg.Scope.To = demo.Year2026()
			cfg.Mapping.TimeZone = "Australia/Sydney"
			syncer, err := vtsync.New(vt.API, target, cfg, vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
			require.NoError(t, err)

			first, err := syncer.Run(t.Context())
			require.NoError(t, err)
			require.True(t, first.OK(), "first run: %+v", first.Failures)
			assert.NotZero(t, first.Changes(), "the first run changes Moodle")

			before := client.Stats().Writes
			second, err := syncer.Run(t.Context())
			require.NoError(t, err)
			assert.Zero(t, second.Planned, "the second run plans nothing")
			assert.Zero(t, client.Stats().Writes-before, "the second run writes nothing to Moodle")
		})
	}
}

// Moodle keeps course shortnames unique where Canvas course codes are
// not: a workflow that creates a course whose code a hand-made course
// holds fails that course with lms.ErrConflict, names it, and does the
// rest of the run.
func TestShortnameClash(t *testing.T) {
	vt, err := demo.StartVETtrak(vettraktest.SeedWalkthrough())
	require.NoError(t, err)
	t.Cleanup(vt.Close)
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	clock := demo.NewClock()
	srv.SetClock(clock.Now)
	srv.SeedCourse(moodletest.Course{FullName: "Made by hand", ShortName: vettraktest.WalkthroughUnit})
	client, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	target, err := moodlelms.New(client)
	require.NoError(t, err)
	cfg := vtsync.DefaultConfig(mapping.WorkflowSubject)
	cfg.Scope.From, cfg.Scope.To = demo.Year2026()
	syncer, err := vtsync.New(vt.API, target, cfg, vtsync.WithStore(store.NewMemory()), vtsync.WithClock(clock.Now))
	require.NoError(t, err)
	rep, err := syncer.Run(t.Context())
	require.NoError(t, err, "one course failing does not fail the run")
	require.Len(t, rep.Failures, 1)
	assert.ErrorIs(t, rep.Failures[0].Err(), lms.ErrConflict)
	assert.Contains(t, rep.Failures[0].Error, "shortnametaken")
	assert.NotZero(t, rep.Changes(), "users were still created")
}
