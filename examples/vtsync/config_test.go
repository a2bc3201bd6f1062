package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

func baseConfig() map[string]any {
	return map[string]any{
		"workflow": "unit",
		"vettrak":  map[string]any{"endpoint": "http://vt.example/VT_API.asmx", "username": "api"},
		"lms":      map[string]any{"type": "memory"},
		"scope":    map[string]any{"occurrence_ids": []int{1}},
	}
}

func envWith(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestParseConfigOverlaysDefaults(t *testing.T) {
	t.Parallel()
	c := baseConfig()
	c["mapping"] = map[string]any{"sections": "occurrence", "sis": map[string]any{"prefix": "rto1"}}
	c["results"] = map[string]any{"commencement": "off", "policy": map[string]any{"overwrite_negative": true}}
	c["mark_transferred"] = true
	c["time_zone"] = "Australia/Perth"
	lc, err := parseConfig(mustJSON(t, c), envWith("VTSYNC_VETTRAK_PASSWORD", "pw-1234"))
	require.NoError(t, err)
	assert.Equal(t, "pw-1234", lc.password)

	cfg, err := lc.syncConfig(time.Now())
	require.NoError(t, err)
	def := mapping.DefaultConfig(mapping.WorkflowUnit)
	assert.Equal(t, mapping.SectionPerOccurrence, cfg.Mapping.Sections)
	assert.Equal(t, "rto1", cfg.Mapping.SIS.Prefix)
	assert.Equal(t, def.SIS.Separator, cfg.Mapping.SIS.Separator, "fields the file does not name keep their defaults")
	assert.Equal(t, def.Login, cfg.Mapping.Login)
	assert.Equal(t, "Australia/Perth", cfg.Mapping.TimeZone, "new users get the provider's zone")
	assert.Equal(t, mapping.CommencementOff, cfg.Results.Commencement)
	assert.True(t, cfg.Results.Policy.OverwriteNegative)
	assert.False(t, cfg.Results.Policy.OverwriteManual)
	assert.NotEmpty(t, cfg.Results.Rules.Rules, "default rules kept")
	assert.Equal(t, "Australia/Perth", cfg.TimeZone)
	assert.True(t, cfg.MarkTransferred)
	assert.Equal(t, []int64{1}, cfg.Scope.OccurrenceIDs)
}

// A safety limit of 0 in the file means 0 (hold any removal); an absent
// one keeps the SDK's default.
func TestSafetyZeroIsKept(t *testing.T) {
	t.Parallel()
	c := baseConfig()
	c["safety"] = map[string]any{"max_remove_share": 0, "min_base": 0}
	lc, err := parseConfig(mustJSON(t, c), envWith("VTSYNC_VETTRAK_PASSWORD", "pw"))
	require.NoError(t, err)
	cfg, err := lc.syncConfig(time.Now())
	require.NoError(t, err)
	require.NotNil(t, cfg.Safety.MaxRemoveShare)
	assert.Zero(t, *cfg.Safety.MaxRemoveShare)
	require.NotNil(t, cfg.Safety.MinBase)
	assert.Zero(t, *cfg.Safety.MinBase)
	assert.Nil(t, cfg.Safety.MaxUpdateShare, "absent: the default")
}

func TestScopeWindows(t *testing.T) {
	t.Parallel()
	syd, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	now := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC) // 11 March 10:30 in Sydney
	tests := []struct {
		name     string
		scope    map[string]any
		from, to time.Time
	}{
		{"dates are days in the provider's zone", map[string]any{"from": "2026-01-01", "to": "2026-12-31"},
			time.Date(2026, 1, 1, 0, 0, 0, 0, syd), time.Date(2026, 12, 31, 0, 0, 0, 0, syd)},
		{"RFC 3339", map[string]any{"from": "2026-01-01T00:00:00Z"},
			time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}},
		{"relative to the run", map[string]any{"days_back": 30, "days_ahead": 0},
			time.Date(2026, 2, 9, 0, 0, 0, 0, syd), time.Date(2026, 3, 12, 0, 0, 0, 0, syd).Add(-time.Nanosecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseConfig()
			c["scope"] = tt.scope
			lc, err := parseConfig(mustJSON(t, c), envWith("VTSYNC_VETTRAK_PASSWORD", "pw-1234"))
			require.NoError(t, err)
			cfg, err := lc.syncConfig(now)
			require.NoError(t, err)
			assert.True(t, tt.from.Equal(cfg.Scope.From), "from %s, want %s", cfg.Scope.From, tt.from)
			assert.True(t, tt.to.Equal(cfg.Scope.To), "to %s, want %s", cfg.Scope.To, tt.to)
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	env := envWith("VTSYNC_VETTRAK_PASSWORD", "pw-1234", "VTSYNC_CANVAS_TOKEN", "tok-1234")
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"syntax error with its line", "{\n  \"workflow\": \"unit\",\n  oops\n}", "line 3, column 3"},
		{"wrong type with its line", "{\n\"workflow\": 7\n}", "line 2"},
		{"trailing data", `{"workflow":"unit"} {}`, "after"},
		{"token in the file", `{"lms":{"canvas":{"Token":"abcd-secret"}}}`, "lms.canvas.Token: the config file must not hold secrets"},
		{"secret in a list", `{"lms":{"memory":{"courses":[{"password":"x"}]}}}`, "lms.memory.courses[0].password"},
		{"canvas without its section", `{"workflow":"unit","lms":{"type":"canvas"}}`, "lms.canvas: required"},
		{"groups mode", `{"workflow":"unit","lms":{"type":"canvas","canvas":{"base_url":"http://c","groups_as":"teams"}}}`, `"teams" is not groups or sections`},
		{"two accounts", `{"workflow":"unit","lms":{"type":"canvas","canvas":{"base_url":"http://c","account_id":1,"account_sis_id":"a"}}}`, "not both"},
		{"bad duration", `{"workflow":"unit","vettrak":{"timeout":"soon"}}`, `"soon" is not a duration`},
		{"from and days_back", `{"workflow":"unit","scope":{"from":"2026-01-01","days_back":3}}`, "from or days_back"},
		{"negative window", `{"workflow":"unit","scope":{"days_ahead":-1}}`, "must not be negative"},
		{"log level", `{"workflow":"unit","log_level":"loud"}`, `"loud" is not debug`},
		{"mapping workflow differs", `{"workflow":"unit","vettrak":{"endpoint":"e","username":"u"},"lms":{"type":"memory"},"mapping":{"workflow":"course"}}`, "mapping.workflow"},
		{"unknown mapping key", `{"workflow":"unit","vettrak":{"endpoint":"e","username":"u"},"lms":{"type":"memory"},"mapping":{"sectons":"trainer"}}`, `mapping: unknown field "sectons" — did you mean "sections"?`},
		{"invalid rule", `{"workflow":"unit","vettrak":{"endpoint":"e","username":"u"},"lms":{"type":"memory"},"results":{"rules":{"rules":[{"id":"x","when":"never"}]}}}`, "results: mapping: invalid rule \"x@1\": unknown condition"},
		{"invalid rule scope", `{"workflow":"unit","vettrak":{"endpoint":"e","username":"u"},"lms":{"type":"memory"},"results":{"scoped":[{"id":"short","match":{"unit_code":"BSB["}}]}}`, `invalid rule scope "short": unit code pattern`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tt.raw), env)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "abcd-secret")
		})
	}
}

func TestMemoryCoursesAndComment(t *testing.T) {
	t.Parallel()
	c := baseConfig()
	c["_comment"] = []string{"notes for people"}
	c["lms"] = map[string]any{"type": "memory", "memory": map[string]any{"courses": []lms.Course{{Name: "Stats", Code: "IST101"}}}}
	lc, err := parseConfig(mustJSON(t, c), envWith("VTSYNC_VETTRAK_PASSWORD", "pw-1234"))
	require.NoError(t, err)
	require.NotNil(t, lc.file.LMS.Memory)
	assert.Equal(t, "IST101", lc.file.LMS.Memory.Courses[0].Code)
}
