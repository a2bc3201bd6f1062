package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

const userAgent = "vtsync-cli"

// app is one command's wiring: config, secrets, logs, clients and store.
type app struct {
	command string
	opts    *options
	env     func(string) string
	stdout  io.Writer
	console *console // stderr, shared by logs and the progress display
	secrets *redact.Secrets
	log     *slog.Logger
	cfg     *loadedConfig
	src     *vettrak.Client
	dst     lms.LMS
	store   store.Store
	closers []func() error
	// readOnly commands (plan, dry runs) only look at the state store:
	// while a schedule holds it, they read its latest snapshot.
	readOnly bool
	// status is what a schedule or console has done, for the status file.
	status runnerStatus
}

func newApp(command string, o *options, env func(string) string, stdout, stderr io.Writer) *app {
	a := &app{command: command, opts: o, env: env, secrets: &redact.Secrets{}}
	// Everything the program prints passes through the secrets, not only
	// the logs: a report or an error string must not leak either.
	a.console = newConsole(&redactWriter{w: stderr, s: a.secrets}, stderr, o.progress)
	a.stdout = &redactWriter{w: stdout, s: a.secrets}
	a.log = a.newLogger(slog.LevelInfo)
	return a
}

func (a *app) newLogger(level slog.Level) *slog.Logger {
	h := slog.NewTextHandler(a.console, &slog.HandlerOptions{Level: level})
	return slog.New(redact.Handler(h, a.secrets))
}

// addSecret registers a secret in every form it may be printed in.
func (a *app) addSecret(s string) {
	if s == "" {
		return
	}
	a.secrets.Add(s)
	// JSON-escaped forms, for reports and plans.
	for _, escHTML := range []bool{true, false} {
		if b, err := marshalNoHTML(s, escHTML); err == nil && len(b) >= 2 {
			a.secrets.Add(string(b[1 : len(b)-1]))
		}
	}
}

// load reads the config and prepares logging; it contacts nothing.
func (a *app) load() error {
	path := a.opts.config
	if path == "" {
		path = cmpOr(a.env(configEnv), defaultConfigFile)
	}
	cfg, err := loadConfig(path, a.env)
	if err != nil {
		return err
	}
	a.cfg = cfg
	a.addSecret(cfg.password)
	a.addSecret(cfg.token)
	a.addSecret(cfg.consoleToken)
	level := cmpOr(a.opts.logLevel, string(cfg.level))
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	a.log = a.newLogger(l)
	if p := cfg.file.Provider; p != "" {
		a.log = a.log.With("provider", p)
	}
	if a.opts.stateSet {
		cfg.stateDir = a.opts.stateDir
	}
	return nil
}

// connect builds the VETtrak client and the LMS. Neither contacts its
// server yet.
func (a *app) connect() error {
	fc := a.cfg.file
	vopts := []vettrak.Option{
		vettrak.WithTimeZone(a.cfg.loc),
		vettrak.WithLogger(a.log.With("side", "vettrak")),
		vettrak.WithUserAgent(userAgent),
	}
	if fc.VETtrak.ValidateUser {
		vopts = append(vopts, vettrak.WithValidateUser())
	}
	if r := fc.VETtrak.RateLimit; r > 0 {
		vopts = append(vopts, vettrak.WithRateLimit(rate.Limit(r), max(1, int(r))))
	}
	if d := time.Duration(fc.VETtrak.Timeout); d > 0 {
		vopts = append(vopts, vettrak.WithTimeout(d))
	}
	if len(fc.VETtrak.WireNames) > 0 {
		vopts = append(vopts, vettrak.WithWireNames(fc.VETtrak.WireNames))
	}
	src, err := vettrak.New(fc.VETtrak.Endpoint, vettrak.Credentials{Username: fc.VETtrak.Username, Password: a.cfg.password}, vopts...)
	if err != nil {
		return &ConfigError{Path: a.cfg.path, Err: fmt.Errorf("vettrak: %w", err)}
	}
	a.src = src

	switch fc.LMS.Type {
	case targetMemory:
		m := memlms.New()
		if fc.LMS.Memory != nil {
			for _, c := range fc.LMS.Memory.Courses {
				if _, err := m.SeedCourse(c); err != nil {
					return &ConfigError{Path: a.cfg.path, Err: fmt.Errorf("lms.memory.courses: %s: %w", c.Code, err)}
				}
			}
		}
		a.dst = m
	case targetCanvas:
		dst, err := newCanvasLMS(fc.LMS.Canvas, a.cfg.token, a.log.With("side", "canvas"), fc.Concurrency)
		if err != nil {
			return &ConfigError{Path: a.cfg.path, Err: fmt.Errorf("lms.canvas: %w", err)}
		}
		a.dst = dst
	case targetMoodle:
		dst, err := newMoodleLMS(fc.LMS.Moodle, a.cfg.token, a.log.With("side", "moodle"))
		if err != nil {
			return &ConfigError{Path: a.cfg.path, Err: fmt.Errorf("lms.moodle: %w", err)}
		}
		a.dst = dst
	}
	return nil
}

// openStore opens the state store, or a memory one when no directory is
// configured.
func (a *app) openStore() error {
	dir := a.cfg.stateDir
	if dir == "" {
		a.log.Warn("no state_dir: the result ledger and retry state live in memory and are forgotten when vtsync exits")
		a.store = store.NewMemory()
		return nil
	}
	var opts []store.Option
	if d := a.cfg.file.LockTimeout; d != nil {
		opts = append(opts, store.WithLockTimeout(time.Duration(*d)))
	}
	if a.readOnly {
		// Do not queue behind a schedule that holds the store for hours.
		opts = append(opts, store.WithLockTimeout(readOnlyWait))
	}
	db, err := store.Open(dir, opts...)
	if err != nil && a.readOnly && errors.Is(err, store.ErrLocked) {
		return a.openSnapshot(dir)
	}
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("state directory %s: another vtsync process is using it: %w", dir, err)
		}
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	a.store = db
	a.closers = append(a.closers, db.Close)
	return nil
}

// readOnlyWait is how long a read-only command waits for the store before
// it reads the snapshot instead.
const readOnlyWait = 200 * time.Millisecond

// openSnapshot gives a read-only command the state as the running
// schedule last saved it (after its latest run). Writes go to a copy in
// memory, so a dry run can plan as usual and changes nothing on disk.
func (a *app) openSnapshot(dir string) error {
	m, at, err := store.OpenSnapshot(dir)
	if errors.Is(err, store.ErrNoSnapshot) {
		a.log.Warn("another vtsync process holds the state directory and has saved no snapshot yet: " +
			"planning without the result ledger and retry state, so results already written may show as writes")
		a.store = store.NewMemory()
		return nil
	}
	if err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	a.log.Info("another vtsync process (a schedule or the console) holds the state directory: reading its snapshot",
		"snapshot_at", at.Format(time.RFC3339))
	a.store = m
	return nil
}

// setup is load, connect and (when withStore) openStore.
func (a *app) setup(withStore bool) error {
	if err := a.load(); err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	if withStore {
		return a.openStore()
	}
	return nil
}

// syncer builds a Syncer for a run starting now; the scope window moves
// with each run.
func (a *app) syncer(now time.Time) (*vtsync.Syncer, error) {
	cfg, err := a.cfg.syncConfig(now)
	if err != nil {
		return nil, &ConfigError{Path: a.cfg.path, Err: err}
	}
	if a.opts.allowHolds {
		cfg.Safety.Allow = true
	}
	st := a.store
	if st == nil {
		st = store.NewMemory()
	}
	opts := []vtsync.Option{
		vtsync.WithStore(st),
		vtsync.WithLogger(a.log),
		vtsync.WithSecrets(a.cfg.password, a.cfg.token),
		vtsync.WithProgress(a.console.progress),
	}
	if n := a.cfg.file.Concurrency; n > 0 {
		opts = append(opts, vtsync.WithConcurrency(n))
	}
	s, err := vtsync.New(a.src, a.dst, cfg, opts...)
	if err != nil {
		return nil, &ConfigError{Path: a.cfg.path, Err: err}
	}
	return s, nil
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Error("close", "err", err)
		}
	}
	a.closers = nil
	a.console.close()
}

// fail prints a command's error on stderr (secrets masked) and returns its
// exit code.
func (a *app) fail(ctx context.Context, err error) int {
	a.console.endProgress()
	code := exitCode(ctx, err)
	msg := a.secrets.String(err.Error())
	switch code {
	case exitInterrupted:
		msg = "interrupted: " + msg
	case exitConnection:
		if adv := a.advice(err); adv != "" {
			msg += "\n" + a.secrets.String(adv)
		} else {
			msg += "\n(check the endpoint URLs, the network, and the credentials in the environment; `vtsync check` says more)"
		}
	}
	fmt.Fprintf(a.console, "vtsync %s: %s\n", a.command, msg)
	return code
}

// marshalNoHTML marshals v, optionally without escaping <, > and &.
func marshalNoHTML(v any, escapeHTML bool) ([]byte, error) {
	if escapeHTML {
		return json.Marshal(v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// redactWriter masks secrets in everything written through it. Writes are
// whole lines or whole documents in this program, so a secret is never
// split across two writes.
type redactWriter struct {
	w io.Writer
	s *redact.Secrets
}

func (r *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.s.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isTerminal reports whether w is a terminal (a character device), the
// standard library's way, with no extra dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
