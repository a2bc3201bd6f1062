// Package pgtemp starts a throwaway PostgreSQL cluster in a temporary
// directory, for tests, benchmarks and demos of the fleet: initdb, then
// pg_ctl start on a free loopback port, and Stop removes it all.
//
// It needs PostgreSQL's server binaries (Debian's postgresql package puts
// them in /usr/lib/postgresql/<version>/bin; set VTSYNC_PG_BIN to use
// others). initdb refuses to run as root, so as root the cluster runs as
// the "postgres" user that package creates, in a directory it owns.
//
// The cluster trades durability for speed (fsync off): it is for tests
// that kill clients, never the server, and for nothing that must last.
package pgtemp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotInstalled: initdb and pg_ctl were not found.
var ErrNotInstalled = errors.New("pgtemp: PostgreSQL server binaries (initdb, pg_ctl) not found")

// Hint says how to get PostgreSQL, for messages that report ErrNotInstalled.
const Hint = "install Debian's postgresql package (apt-get install -y postgresql) " +
	"or set VTSYNC_PG_BIN to the directory holding initdb and pg_ctl"

// User is the cluster's superuser; it logs in without a password over
// loopback only.
const User = "vtsync"

// Cluster is a running throwaway PostgreSQL server.
type Cluster struct {
	dir  string // temporary directory: data/, the log, the socket
	bin  string
	port int
	cred *syscall.Credential // nil unless we run as root
}

// FindBin returns the directory holding initdb and pg_ctl: VTSYNC_PG_BIN,
// else the PATH, else the newest /usr/lib/postgresql/*/bin.
func FindBin() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv("VTSYNC_PG_BIN"); dir != "" {
		if has(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("%w in VTSYNC_PG_BIN=%q", ErrNotInstalled, dir)
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Newest major version first: compare the version directory numerically.
	version := func(d string) int { n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d))); return n }
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

// Start creates and starts a cluster. Stop it when done.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if c.dir, err = os.MkdirTemp("", "vtsync-pg-"); err != nil {
		return nil, fmt.Errorf("pgtemp: %w", err)
	}
	if os.Geteuid() == 0 {
		if err := c.dropRoot(); err != nil {
			_ = os.RemoveAll(c.dir)
			return nil, err
		}
	}
	if err := c.run(ctx, "initdb", "-D", c.data(), "-U", User, "-A", "trust", "-E", "UTF8",
		"--no-locale", "--no-sync"); err != nil {
		_ = os.RemoveAll(c.dir)
		return nil, err
	}
	// A free port can be taken between our probe and the server's bind:
	// try a few.
	for attempt := range 3 {
		if c.port, err = freePort(); err != nil {
			break
		}
		if err = c.start(ctx); err == nil {
			return c, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			break
		}
	}
	_ = os.RemoveAll(c.dir)
	return nil, err
}

// dropRoot makes the directory the postgres user's and runs the server
// binaries as that user: initdb will not run as root.
func (c *Cluster) dropRoot() error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgtemp: running as root needs the postgres user (Debian's postgresql package makes it): %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("pgtemp: postgres user: %w", err)
	}
	if err := os.Chown(c.dir, int(uid), int(gid)); err != nil {
		return fmt.Errorf("pgtemp: %w", err)
	}
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) start(ctx context.Context) error {
	opts := strings.Join([]string{
		"-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c listen_addresses=127.0.0.1",
		"-c max_connections=300",
		"-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
	}, " ")
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start")
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if log, rerr := os.ReadFile(filepath.Join(c.dir, "server.log")); rerr == nil && name == "pg_ctl" {
			msg += "\n" + lastLines(string(log), 10)
		}
		return fmt.Errorf("pgtemp: %s: %w: %s", name, err, msg)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtemp: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// DSN returns the connection string of database db on the cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", User, c.port, db)
}

// CreateDatabase creates database name and returns its DSN.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtemp: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtemp: create database %q: %w", name, err)
	}
	return c.DSN(name), nil
}

// Stop stops the server at once (no checkpoint: nothing is kept) and
// removes its directory.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
	return errors.Join(err, os.RemoveAll(c.dir))
}
