package sync_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Results are written in the zone VETtrak's dates are read in: a learner
// who starts on 3 February in Perth gets a start of 3 February, not of
// 2 February 21:00 (Sydney's midnight seen from Perth).
func TestResultsUseTheVETtrakClientsZone(t *testing.T) {
	perth, err := time.LoadLocation("Australia/Perth")
	require.NoError(t, err)
	r := newRig(t, mapping.WorkflowOccurrenceGroups, vettraktest.SeedWalkthrough())
	r.api, err = vettrak.New(r.vt.URL(), r.vt.Credentials(), vettrak.WithTimeZone(perth),
		vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	_, err = r.lms.SeedCourse(lms.Course{Name: "Introduction to Statistics", Code: "IST101"})
	require.NoError(t, err)
	r.run(t)
	assert.Equal(t, "Australia/Perth", r.syncer(t).Config().TimeZone)

	st := r.lms.Dump()
	course := st.Courses[0].SISID
	john := userByGiven(t, st, "John")
	first := time.Date(2026, 2, 3, 10, 0, 0, 0, perth)
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, perth)
	require.NoError(t, r.lms.SetProgress(course, lms.CourseProgress{UserSISID: john, RequirementsTotal: 4, RequirementsCompleted: 4, CompletedAt: &done}))
	require.NoError(t, r.lms.SetActivity(course, lms.Activity{UserSISID: john, FirstActivity: &first, LastActivity: &done}))

	rep, err := r.syncer(t).ReportResults(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, rep.ResultsWritten)
	res := r.vt.Data().Results(3001)
	require.Len(t, res, 1)
	require.NotNil(t, res[0].StartDate)
	assert.Equal(t, "2026-02-03T00:00:00", res[0].StartDate.Format("2006-01-02T15:04:05"), "VETtrak's zoneless start")
	require.NotNil(t, res[0].FinishDate)
	assert.Equal(t, "2026-03-20T00:00:00", res[0].FinishDate.Format("2006-01-02T15:04:05"))
}

// One provider has one zone: a config that names another zone than the
// VETtrak client's is refused at New.
func TestZoneDisagreementIsAnError(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	perth, err := vettrak.New(r.vt.URL(), r.vt.Credentials(), vettrak.WithTimeZoneName("Australia/Perth"))
	require.NoError(t, err)
	tests := []struct {
		name    string
		edit    func(*vtsync.Config)
		wantErr bool
	}{
		{"client's zone by default", func(*vtsync.Config) {}, false},
		{"same zone named", func(c *vtsync.Config) { c.TimeZone = "Australia/Perth" }, false},
		{"other zone named", func(c *vtsync.Config) { c.TimeZone = "Australia/Sydney" }, true},
		{"other Results.Location", func(c *vtsync.Config) {
			c.Results.Location, _ = time.LoadLocation("Australia/Darwin")
		}, true},
		{"unknown zone", func(c *vtsync.Config) { c.TimeZone = "Mars/Olympus" }, true},
		{"users' zone may differ", func(c *vtsync.Config) { c.Mapping.TimeZone = "Australia/Sydney" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := r.cfg
			tt.edit(&cfg)
			s, err := vtsync.New(perth, r.lms, cfg)
			if tt.wantErr {
				require.ErrorIs(t, err, vtsync.ErrInvalidConfig)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "Australia/Perth", s.Config().TimeZone)
		})
	}
}

// Options given a value they cannot use fail New instead of falling back
// or panicking later.
func TestOptionsValidate(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	tests := []struct {
		name string
		opt  vtsync.Option
	}{
		{"nil clock", vtsync.WithClock(nil)},
		{"nil store", vtsync.WithStore(nil)},
		{"nil logger", vtsync.WithLogger(nil)},
		{"nil progress", vtsync.WithProgress(nil)},
		{"negative concurrency", vtsync.WithConcurrency(-3)},
		{"zero concurrency", vtsync.WithConcurrency(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := vtsync.New(r.api, r.lms, r.cfg, tt.opt)
			require.ErrorIs(t, err, vtsync.ErrInvalidConfig)
			assert.Nil(t, s)
		})
	}
	_, err := vtsync.New(r.api, r.lms, r.cfg, vtsync.WithConcurrency(1), vtsync.WithLogger(slog.New(slog.DiscardHandler)), nil)
	assert.NoError(t, err, "good options and a nil option are fine")
}

// A limit of zero means zero: MaxRemoveShare 0 holds any removal, where an
// unset limit keeps the default.
func TestSafetyZeroIsNotUnset(t *testing.T) {
	tests := []struct {
		name     string
		safety   vtsync.Safety
		wantHold bool
	}{
		{"default holds above 10%", vtsync.Safety{}, false},
		{"zero holds any removal", vtsync.Safety{MaxRemoveShare: vtsync.Ptr(0.0)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 4, Units: 2, Learners: 40, EnrolledUnits: 80, Staff: 4})
			require.NoError(t, err)
			r := newRig(t, mapping.WorkflowUnit, data)
			r.run(t)
			occ := r.vt.Data().Occurrences()[0]
			require.NoError(t, r.vt.Data().Withdraw(r.vt.Data().EnrolmentsOf(occ)[0].ID, "Withdrawn"))
			r.cfg.Safety = tt.safety
			plan, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			require.Positive(t, plan.Counts()[vtsync.OpUnenrol])
			assert.Equal(t, tt.wantHold, len(plan.Holds) > 0, "holds: %v", plan.Holds)
		})
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkTags walks a config type: every exported field has a snake_case
// JSON key (or is "-" with a data twin, like ResultConfig.Location).
func checkTags(t *testing.T, typ reflect.Type, path string, seen map[reflect.Type]bool) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() == "time" {
		return
	}
	seen[typ] = true
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && path+f.Name == "Results.Location" {
			continue // its data form is Config.TimeZone
		}
		if assert.Regexp(t, snakeCase, name, "%s%s has no snake_case JSON key", path, f.Name) {
			checkTags(t, f.Type, path+f.Name+".", seen)
		}
	}
}

// Config is data: tags on every field, one naming style, and a round trip
// through JSON changes nothing.
func TestConfigIsData(t *testing.T) {
	checkTags(t, reflect.TypeFor[vtsync.Config](), "", map[reflect.Type]bool{})

	cfg := vtsync.DefaultConfig(mapping.WorkflowUnit)
	cfg.Bindings["assignment:42"] = "BSBLDR501" // writable, as the README says
	cfg.TimeZone = "Australia/Perth"
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		ProgrammeID: vtsync.Ptr[int64](7), LocationCode: "SYD", OccurrenceIDs: []int64{1, 2}, IncludeLMSNew: true}
	cfg.Safety = vtsync.Safety{MaxRemoveShare: vtsync.Ptr(0.0), MaxUpdateShare: vtsync.Ptr(0.5), MinBase: vtsync.Ptr(0), Allow: true}
	cfg.StaffCode = "S1"
	cfg.MarkTransferred = true
	cfg.SkipResults = true
	cfg.UnitsMaxAge = 36 * time.Hour

	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	var back vtsync.Config
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, cfg, back)
	assert.Contains(t, string(b), `"time_zone":"Australia/Perth"`)
	assert.Contains(t, string(b), `"max_remove_share":0`, "a zero limit survives")

	for _, w := range mapping.Workflows() {
		d := vtsync.DefaultConfig(w)
		assert.NotPanics(t, func() { d.Bindings["x"] = "y" }, "DefaultConfig(%s) maps are writable", w)
	}
}
