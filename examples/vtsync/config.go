package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/schedule"
	"github.com/vtsync/vtsync/vettrak"
)

// Default names of the environment variables that hold the secrets. The
// config file may name others; it never holds a secret itself.
const (
	defaultPasswordEnv = "VTSYNC_VETTRAK_PASSWORD"
	defaultTokenEnv    = "VTSYNC_CANVAS_TOKEN"
	defaultMoodleEnv   = "VTSYNC_MOODLE_TOKEN"
	defaultConsoleEnv  = "VTSYNC_CONSOLE_TOKEN"
	defaultConsoleAddr = "127.0.0.1:8380"
	defaultTimeZone    = "Australia/Sydney"
	defaultConfigFile  = "vtsync.json"
	configEnv          = "VTSYNC_CONFIG"
)

// LMS targets.
const (
	targetCanvas = "canvas"
	targetMoodle = "moodle"
	targetMemory = "memory"
)

// fileConfig is the config file. The mapping and results sections are laid
// over the SDK's defaults for the workflow, so a file names only what
// differs.
type fileConfig struct {
	// Comment is free text for people (JSON has no comments): a string or
	// a list of strings. vtsync ignores it.
	Comment any `json:"_comment,omitempty"`
	// Provider names this provider in log lines and reports.
	Provider string `json:"provider"`
	// Workflow is one of mapping.Workflows().
	Workflow mapping.Workflow `json:"workflow"`
	// TimeZone is the provider's zone: scope dates, result dates, VETtrak's
	// zoneless times and new users' zone. Default Australia/Sydney.
	TimeZone string        `json:"time_zone"`
	VETtrak  vettrakConfig `json:"vettrak"`
	LMS      lmsConfig     `json:"lms"`
	Scope    scopeConfig   `json:"scope"`
	Safety   safetyConfig  `json:"safety"`
	// Mapping and Results are mapping.Config and mapping.ResultConfig in
	// their JSON form, laid over the workflow's defaults.
	Mapping  json.RawMessage   `json:"mapping,omitempty"`
	Results  json.RawMessage   `json:"results,omitempty"`
	Bindings map[string]string `json:"bindings,omitempty"`
	// StaffCode limits bulk client reads to one staff member's clients.
	StaffCode string `json:"staff_code,omitempty"`
	// MarkTransferred overrides the workflow's default (on for
	// occurrence_groups).
	MarkTransferred *bool `json:"mark_transferred,omitempty"`
	SkipResults     bool  `json:"skip_results,omitempty"`
	// StateDir holds the bbolt state store (result ledger, retry state,
	// cursors). Relative to the config file's directory. Empty keeps state
	// in memory only, which is for trying things out.
	StateDir string `json:"state_dir,omitempty"`
	// LockTimeout is how long to wait for another vtsync process holding
	// the state store (default 5s; "0s" fails at once).
	LockTimeout *duration `json:"lock_timeout,omitempty"`
	// Schedule is when `vtsync schedule` runs, in schedule.Parse's form:
	// "every 30m" or "at 06:00,18:00 Australia/Sydney".
	Schedule string `json:"schedule,omitempty"`
	// Concurrency bounds parallel calls to each side (default 4).
	Concurrency int `json:"concurrency,omitempty"`
	// LogLevel is debug, info, warn or error (default info).
	LogLevel string `json:"log_level,omitempty"`
	// Console configures the web console of `vtsync serve`.
	Console *consoleConfig `json:"console,omitempty"`
}

// consoleConfig is the web console's place and secret.
type consoleConfig struct {
	// Addr is the listen address (default 127.0.0.1:8380: this machine
	// only; put a TLS proxy in front to reach it from elsewhere).
	Addr string `json:"addr,omitempty"`
	// TokenEnv names the environment variable holding the token a person
	// logs in with (default VTSYNC_CONSOLE_TOKEN).
	TokenEnv string `json:"token_env,omitempty"`
}

type vettrakConfig struct {
	// Endpoint is the VT_API.asmx URL.
	Endpoint string `json:"endpoint"`
	Username string `json:"username"`
	// PasswordEnv names the environment variable holding the password
	// (default VTSYNC_VETTRAK_PASSWORD).
	PasswordEnv string `json:"password_env,omitempty"`
	// ValidateUser logs in with ValidateUser instead of ValidateClient.
	ValidateUser bool `json:"validate_user,omitempty"`
	// RateLimit is requests per second; 0 means no client-side limit.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// Timeout bounds each call, retries included ("2m"); empty: none.
	Timeout duration `json:"timeout,omitempty"`
	// WireNames maps, per operation, a name the SDK uses to the one this
	// VETtrak server uses instead (vettrak.WithWireNames): `vtsync check`
	// prints the map to paste when the server's contract differs.
	WireNames vettrak.WireNames `json:"wire_names,omitempty"`
}

type lmsConfig struct {
	// Type is "canvas", "moodle" or "memory".
	Type   string        `json:"type"`
	Canvas *canvasConfig `json:"canvas,omitempty"`
	Moodle *moodleConfig `json:"moodle,omitempty"`
	Memory *memoryConfig `json:"memory,omitempty"`
}

// moodleConfig describes a Moodle site reached through its web services
// (package moodle, lms/moodlelms).
type moodleConfig struct {
	// BaseURL is the site root, e.g. https://learn.example.edu.au.
	BaseURL string `json:"base_url"`
	// TokenEnv names the environment variable holding the web service
	// token (default VTSYNC_MOODLE_TOKEN).
	TokenEnv string `json:"token_env,omitempty"`
	// CategoryID is the course category new courses go in; 0 keeps
	// moodlelms's default.
	CategoryID int64 `json:"category_id,omitempty"`
	// Roles maps student, teacher, ta, designer and observer to the
	// site's role IDs; unset roles keep a fresh install's IDs.
	Roles map[string]int64 `json:"roles,omitempty"`
	// Auth is the authentication plugin of new users (default manual).
	Auth string `json:"auth,omitempty"`
	// RateLimit is requests per second; 0 keeps the client's default.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// Timeout bounds each call, retries included ("2m"); empty: the
	// client's default.
	Timeout duration `json:"timeout,omitempty"`
}

type canvasConfig struct {
	// BaseURL is the Canvas site root, e.g. https://school.instructure.com.
	BaseURL string `json:"base_url"`
	// TokenEnv names the environment variable holding the access token
	// (default VTSYNC_CANVAS_TOKEN).
	TokenEnv string `json:"token_env,omitempty"`
	// GroupsAs is "groups" (Canvas groups, the default) or "sections".
	GroupsAs string `json:"groups_as,omitempty"`
	// GroupCategory names the per-course group category that holds the
	// groups (groups mode); empty keeps canvaslms's default.
	GroupCategory string `json:"group_category,omitempty"`
	// AccountID or AccountSISID is the account new courses and users go in
	// and courses are listed from; neither means the root account.
	AccountID    int64  `json:"account_id,omitempty"`
	AccountSISID string `json:"account_sis_id,omitempty"`
	// RateLimit is requests per second; 0 keeps the client's default.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// MaxInFlight caps concurrent requests; 0 keeps the client's default.
	MaxInFlight int `json:"max_in_flight,omitempty"`
	// Timeout bounds each call, retries included ("2m"); empty: none.
	Timeout duration `json:"timeout,omitempty"`
	// WireNames maps, per operation, a name the SDK uses to the one this
	// VETtrak server uses instead (vettrak.WithWireNames): `vtsync check`
	// prints the map to paste when the server's contract differs.
	WireNames vettrak.WireNames `json:"wire_names,omitempty"`
}

// memoryConfig describes the in-memory LMS, for trying vtsync out. It
// forgets everything when the process ends.
type memoryConfig struct {
	// Courses exist before the first sync, as if made by hand (the
	// LMS-pulls model matches them by code).
	Courses []lms.Course `json:"courses,omitempty"`
}

type scopeConfig struct {
	// From and To are dates (2006-01-02) in the provider's zone, or
	// RFC 3339 times.
	From date `json:"from,omitempty"`
	To   date `json:"to,omitempty"`
	// DaysBack and DaysAhead set From and To relative to each run's start,
	// for a schedule that must not go stale.
	DaysBack      *int    `json:"days_back,omitempty"`
	DaysAhead     *int    `json:"days_ahead,omitempty"`
	OccurrenceIDs []int64 `json:"occurrence_ids,omitempty"`
	ProgrammeID   *int64  `json:"programme_id,omitempty"`
	LocationCode  string  `json:"location_code,omitempty"`
	IncludeLMSNew bool    `json:"include_lms_new,omitempty"`
}

// safetyConfig is vtsync.Safety: an absent limit takes the SDK's default,
// and 0 means 0 (max_remove_share 0 holds any removal).
type safetyConfig struct {
	MaxRemoveShare *float64 `json:"max_remove_share,omitempty"`
	MaxUpdateShare *float64 `json:"max_update_share,omitempty"`
	MinBase        *int     `json:"min_base,omitempty"`
}

// duration is a time.Duration written as "90s" or "2m".
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"90s\" or \"2m\"")
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as \"90s\" or \"2m\"", s)
	}
	*d = duration(v)
	return nil
}

func (d duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// date is a calendar day or a time, kept as written until the provider's
// zone is known.
type date string

func (d date) resolve(loc *time.Location) (time.Time, error) {
	if d == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, string(d), loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, string(d)); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2006-01-02) or an RFC 3339 time", string(d))
}

// ConfigError is a problem with the config file or the environment it
// names: the operator must fix it before anything can run (exit code 2).
type ConfigError struct {
	Path string // config file
	Err  error
}

func (e *ConfigError) Error() string {
	if e.Path == "" {
		return "config: " + e.Err.Error()
	}
	return "config " + e.Path + ": " + e.Err.Error()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// loadedConfig is a checked config file with its secrets read from the
// environment.
type loadedConfig struct {
	path     string
	file     fileConfig
	loc      *time.Location
	password string
	token    string
	// consoleToken is the web console's login token; "" when the
	// environment does not set it (only `serve` needs it).
	consoleToken string
	stateDir     string
	schedule     *schedule.Spec
	level        levelName
	// forceResults plans results even when skip_results is set: the
	// results command asks for nothing else.
	forceResults bool
}

type levelName string

// secretKeys are JSON keys that would hold a secret. The config file must
// not have them at all, so a password never sits in a file next to the
// config that operators share and commit.
var secretKeys = []string{"password", "token", "access_token", "api_token", "secret", "api_key"}

// maxConfigSize bounds the config file: a real one is a few KiB.
const maxConfigSize = 1 << 20

// loadConfig reads and checks the config file and the secrets it names.
func loadConfig(path string, env func(string) string) (*loadedConfig, error) {
	fail := func(err error) (*loadedConfig, error) { return nil, &ConfigError{Path: path, Err: err} }
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return fail(err)
	}
	if len(raw) > maxConfigSize {
		return fail(fmt.Errorf("larger than %d bytes", maxConfigSize))
	}
	lc, err := parseConfig(raw, env)
	if err != nil {
		return fail(err)
	}
	lc.path = path
	if lc.file.StateDir != "" && !filepath.IsAbs(lc.file.StateDir) {
		lc.stateDir = filepath.Join(filepath.Dir(path), lc.file.StateDir)
	} else {
		lc.stateDir = lc.file.StateDir
	}
	return lc, nil
}

// parseConfig checks a config file's content and reads its secrets.
func parseConfig(raw []byte, env func(string) string) (*loadedConfig, error) {
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, jsonError(raw, err)
	}
	if p := findSecretKey(generic, ""); p != "" {
		return nil, fmt.Errorf("%s: the config file must not hold secrets: put the value in the environment "+
			"and name the variable with vettrak.password_env or lms.canvas.token_env "+
			"(defaults %s, %s)", p, defaultPasswordEnv, defaultTokenEnv)
	}
	var fc fileConfig
	if err := decodeStrict(raw, &fc); err != nil {
		return nil, jsonError(raw, friendlyDecodeError(raw, &fc, err))
	}
	lc := &loadedConfig{file: fc}
	var errs []error

	if !slices.Contains(mapping.Workflows(), fc.Workflow) {
		errs = append(errs, fmt.Errorf("workflow: %q is not one of %s", fc.Workflow, joinWorkflows()))
	}
	tz := fc.TimeZone
	if tz == "" {
		tz = defaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		errs = append(errs, fmt.Errorf("time_zone: %q is not an IANA time zone", tz))
		loc = time.UTC
	}
	lc.loc = loc

	if fc.VETtrak.Endpoint == "" {
		errs = append(errs, errors.New("vettrak.endpoint: required (the VT_API.asmx URL)"))
	}
	if fc.VETtrak.Username == "" {
		errs = append(errs, errors.New("vettrak.username: required"))
	}
	if fc.VETtrak.RateLimit < 0 {
		errs = append(errs, errors.New("vettrak.rate_limit: must not be negative"))
	}
	pwEnv := cmpOr(fc.VETtrak.PasswordEnv, defaultPasswordEnv)
	if lc.password = env(pwEnv); lc.password == "" {
		errs = append(errs, fmt.Errorf("vettrak.password_env: environment variable %s is not set (it holds the VETtrak password)", pwEnv))
	}

	consoleEnv := defaultConsoleEnv
	if fc.Console != nil {
		consoleEnv = cmpOr(fc.Console.TokenEnv, consoleEnv)
	}
	lc.consoleToken = env(consoleEnv)

	switch fc.LMS.Type {
	case targetCanvas:
		c := fc.LMS.Canvas
		if c == nil {
			errs = append(errs, errors.New("lms.canvas: required when lms.type is canvas"))
			break
		}
		if c.BaseURL == "" {
			errs = append(errs, errors.New("lms.canvas.base_url: required"))
		}
		switch c.GroupsAs {
		case "", "groups", "sections":
		default:
			errs = append(errs, fmt.Errorf("lms.canvas.groups_as: %q is not groups or sections", c.GroupsAs))
		}
		if c.AccountID != 0 && c.AccountSISID != "" {
			errs = append(errs, errors.New("lms.canvas: set account_id or account_sis_id, not both"))
		}
		if c.RateLimit < 0 || c.MaxInFlight < 0 {
			errs = append(errs, errors.New("lms.canvas: rate_limit and max_in_flight must not be negative"))
		}
		tokEnv := cmpOr(c.TokenEnv, defaultTokenEnv)
		if lc.token = env(tokEnv); lc.token == "" {
			errs = append(errs, fmt.Errorf("lms.canvas.token_env: environment variable %s is not set (it holds the Canvas access token)", tokEnv))
		}
	case targetMoodle:
		m := fc.LMS.Moodle
		if m == nil {
			errs = append(errs, errors.New("lms.moodle: required when lms.type is moodle"))
			break
		}
		if m.BaseURL == "" {
			errs = append(errs, errors.New("lms.moodle.base_url: required"))
		}
		if m.RateLimit < 0 || m.CategoryID < 0 {
			errs = append(errs, errors.New("lms.moodle: rate_limit and category_id must not be negative"))
		}
		for role, id := range m.Roles {
			if !slices.Contains(moodleRoles, role) || id <= 0 {
				errs = append(errs, fmt.Errorf("lms.moodle.roles: %q: %d is not a role ID of %s", role, id, strings.Join(moodleRoles, ", ")))
			}
		}
		tokEnv := cmpOr(m.TokenEnv, defaultMoodleEnv)
		if lc.token = env(tokEnv); lc.token == "" {
			errs = append(errs, fmt.Errorf("lms.moodle.token_env: environment variable %s is not set (it holds the Moodle web service token)", tokEnv))
		}
	case targetMemory:
	default:
		errs = append(errs, fmt.Errorf("lms.type: %q is not canvas, moodle or memory", fc.LMS.Type))
	}

	if fc.Scope.DaysBack != nil && fc.Scope.From != "" {
		errs = append(errs, errors.New("scope: set from or days_back, not both"))
	}
	if fc.Scope.DaysAhead != nil && fc.Scope.To != "" {
		errs = append(errs, errors.New("scope: set to or days_ahead, not both"))
	}
	for name, d := range map[string]date{"scope.from": fc.Scope.From, "scope.to": fc.Scope.To} {
		if _, err := d.resolve(loc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if (fc.Scope.DaysBack != nil && *fc.Scope.DaysBack < 0) || (fc.Scope.DaysAhead != nil && *fc.Scope.DaysAhead < 0) {
		errs = append(errs, errors.New("scope: days_back and days_ahead must not be negative"))
	}
	if fc.Concurrency < 0 {
		errs = append(errs, errors.New("concurrency: must not be negative"))
	}
	if fc.Schedule != "" {
		spec, err := schedule.Parse(fc.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule: %w", err))
		} else {
			lc.schedule = &spec
		}
	}
	switch fc.LogLevel {
	case "", "debug", "info", "warn", "error":
		lc.level = levelName(cmpOr(fc.LogLevel, "info"))
	default:
		errs = append(errs, fmt.Errorf("log_level: %q is not debug, info, warn or error", fc.LogLevel))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Build once now so mapping and results mistakes surface at load time,
	// not at the first scheduled run.
	if _, err := lc.syncConfig(time.Now()); err != nil {
		return nil, err
	}
	return lc, nil
}

// syncConfig builds the Syncer's configuration for a run starting at now:
// relative scope windows move with each run.
func (lc *loadedConfig) syncConfig(now time.Time) (vtsync.Config, error) {
	fc := lc.file
	cfg := vtsync.DefaultConfig(fc.Workflow)
	if len(fc.Mapping) > 0 {
		if err := decodeStrict(fc.Mapping, &cfg.Mapping); err != nil {
			return cfg, fmt.Errorf("mapping: %w", jsonError(fc.Mapping, friendlyDecodeError(fc.Mapping, &cfg.Mapping, err)))
		}
		if cfg.Mapping.Workflow != fc.Workflow {
			return cfg, fmt.Errorf("mapping.workflow: %q differs from workflow %q: set it once, at the top", cfg.Mapping.Workflow, fc.Workflow)
		}
	}
	if cfg.Mapping.TimeZone == "" {
		cfg.Mapping.TimeZone = lc.loc.String()
	}
	if len(fc.Results) > 0 {
		if err := decodeStrict(fc.Results, &cfg.Results); err != nil {
			return cfg, fmt.Errorf("results: %w", jsonError(fc.Results, friendlyDecodeError(fc.Results, &cfg.Results, err)))
		}
	}
	// The provider's one zone, by name: the VETtrak client reads in the
	// same zone (New fails if the two disagree).
	cfg.TimeZone = lc.loc.String()
	if err := cfg.Mapping.Validate(); err != nil {
		return cfg, fmt.Errorf("mapping: %w", err)
	}
	if err := cfg.Results.ValidateRules(); err != nil {
		return cfg, fmt.Errorf("results: %w", err)
	}

	sc := fc.Scope
	day := func(t time.Time) time.Time {
		t = t.In(lc.loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, lc.loc)
	}
	cfg.Scope.From, _ = sc.From.resolve(lc.loc)
	cfg.Scope.To, _ = sc.To.resolve(lc.loc)
	if sc.DaysBack != nil {
		cfg.Scope.From = day(now).AddDate(0, 0, -*sc.DaysBack)
	}
	if sc.DaysAhead != nil {
		cfg.Scope.To = day(now).AddDate(0, 0, *sc.DaysAhead+1).Add(-time.Nanosecond)
	}
	cfg.Scope.OccurrenceIDs = sc.OccurrenceIDs
	cfg.Scope.ProgrammeID = sc.ProgrammeID
	cfg.Scope.LocationCode = sc.LocationCode
	cfg.Scope.IncludeLMSNew = sc.IncludeLMSNew

	cfg.Safety = vtsync.Safety{
		MaxRemoveShare: fc.Safety.MaxRemoveShare,
		MaxUpdateShare: fc.Safety.MaxUpdateShare,
		MinBase:        fc.Safety.MinBase,
	}
	cfg.Bindings = fc.Bindings
	cfg.StaffCode = fc.StaffCode
	if fc.MarkTransferred != nil {
		cfg.MarkTransferred = *fc.MarkTransferred
	}
	cfg.SkipResults = fc.SkipResults && !lc.forceResults
	return cfg, nil
}

// decodeStrict decodes JSON into v, refusing unknown fields (a typo in a
// config key must not be silently ignored) and trailing data.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// jsonError adds the line and column to a JSON error, so an operator finds
// the mistake. It never quotes the offending value.
func jsonError(raw []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	default:
		return err
	}
	if off > int64(len(raw)) {
		off = int64(len(raw))
	}
	// Offset counts the bytes read, the offending one included.
	if off > 0 {
		off--
	}
	line := 1 + bytes.Count(raw[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(raw[:off], '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// findSecretKey returns the path of the first key that would hold a secret.
func findSecretKey(v any, path string) string {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if slices.Contains(secretKeys, strings.ToLower(k)) {
				return p
			}
			if q := findSecretKey(t[k], p); q != "" {
				return q
			}
		}
	case []any:
		for i, e := range t {
			if q := findSecretKey(e, fmt.Sprintf("%s[%d]", path, i)); q != "" {
				return q
			}
		}
	}
	return ""
}

func joinWorkflows() string {
	ws := mapping.Workflows()
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = string(w)
	}
	return strings.Join(parts, ", ")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// consoleAddr is where `vtsync serve` listens.
func (lc *loadedConfig) consoleAddr() string {
	if lc.file.Console != nil && lc.file.Console.Addr != "" {
		return lc.file.Console.Addr
	}
	return defaultConsoleAddr
}

// consoleTokenEnv names the variable that holds the console token.
func (lc *loadedConfig) consoleTokenEnv() string {
	if lc.file.Console != nil && lc.file.Console.TokenEnv != "" {
		return lc.file.Console.TokenEnv
	}
	return defaultConsoleEnv
}
