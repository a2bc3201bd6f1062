package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	finished := make(chan struct{})
	go func() {
		// The first signal stops vtsync cleanly (a run finishes its
		// in-flight calls and records what it did); from then on the
		// default handling is back, so a second Ctrl-C ends it at once.
		select {
		case <-ctx.Done():
			stop()
			interruptNotice(os.Stderr)
		case <-finished:
		}
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	close(finished)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	aliases []string
	summary string
	usage   string // arguments after the name
	help    string // what it does, for `vtsync help NAME`
	// flags lists the command's own flags (the shared ones are added to
	// every command).
	flags []string
	run   func(ctx context.Context, a *app) int
}

// options holds every flag's value.
type options struct {
	config     string
	stateDir   string
	stateSet   bool
	report     string
	format     string
	progress   string
	logLevel   string
	allowHolds bool
	dryRun     bool
	planFile   string
	out        string
	schedule   string
	runAtStart bool
	wide       bool
	addr       string
}

// flagDoc documents each flag once; commands pick theirs by name.
var flagDocs = map[string]func(fs *flag.FlagSet, o *options){
	"config": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.config, "config", o.config, "the JSON config `file` (default $"+configEnv+", else ./"+defaultConfigFile+")")
	},
	"state-dir": func(fs *flag.FlagSet, o *options) {
		fs.Func("state-dir", "the state store `dir`ectory (result ledger, retry state, cursors); overrides state_dir in the config", func(s string) error {
			o.stateDir, o.stateSet = s, true
			return nil
		})
	},
	"report": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.report, "report", o.report, "also write the outcome as JSON to `file` (schedule: after every run)")
	},
	"format": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.format, "format", o.format, "`text|json` on stdout: text (alias table) for people, json for programs")
	},
	"progress": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.progress, "progress", o.progress, "`auto|bar|lines|none` progress on stderr: auto draws a bar on a terminal and plain lines otherwise")
	},
	"log-level": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.logLevel, "log-level", o.logLevel, "`debug|info|warn|error` logs on stderr (default: log_level in the config, else info)")
	},
	"allow-holds": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.allowHolds, "allow-holds", o.allowHolds, "apply a plan even though it exceeds a safety limit (after reviewing it)")
	},
	"dry-run": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.dryRun, "dry-run", o.dryRun, "show what would change, and change nothing in VETtrak or the LMS (run: the plan; apply: the plan file; results: the writes; schedule: plan at each run)")
	},
	"plan": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.planFile, "plan", o.planFile, "the plan `file` to apply, as written by `vtsync plan --out` (- reads stdin)")
	},
	"out": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.out, "out", o.out, "also write the plan as JSON to `file`, for `vtsync apply --plan`")
	},
	"schedule": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.schedule, "schedule", o.schedule, "when to run: \"every 30m\" or \"at 06:00,18:00 Australia/Sydney\" (default: schedule in the config)")
	},
	"wide": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.wide, "wide", o.wide, "list every operation with its SIS IDs and reason, one table row each (wider than 80 columns)")
	},
	"addr": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.addr, "addr", o.addr, "serve: the console's listen `address` (default: console.addr in the config, else 127.0.0.1:8380)")
	},
	"run-at-start": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.runAtStart, "run-at-start", o.runAtStart, "run once as soon as the schedule starts, then on the schedule")
	},
}

// sharedFlags are accepted by every command, before or after its name.
var sharedFlags = []string{"config", "state-dir", "report", "format", "progress", "log-level"}

func commands() []*command {
	return []*command{
		{name: "check", summary: "test the connections to VETtrak and the LMS",
			help: "Logs in to VETtrak and probes the operations vtsync uses (the licence may lack some),\n" +
				"and reads the LMS's course list. Changes nothing.",
			run: cmdCheck},
		{name: "plan", summary: "show what a run would change, without changing anything",
			help: "Reads both sides and prints every change a run would make, with its reason, and the\n" +
				"safety holds it would meet. --out FILE saves the plan for `vtsync apply --plan FILE`.\n" +
				"Exits 4 when the plan exceeds a safety limit.",
			flags: []string{"out", "wide"}, run: cmdPlan},
		{name: "apply", summary: "apply a plan saved by `vtsync plan --out`", usage: "--plan FILE",
			help: "Executes exactly the operations of a reviewed plan file, nothing else. Apply it soon\n" +
				"after review and only once: what changed since fails (creating what now exists is a\n" +
				"conflict) and waits out a retry backoff, so plan again instead of re-applying an old\n" +
				"plan. --dry-run checks and shows the plan without applying it.",
			flags: []string{"plan", "allow-holds", "dry-run", "wide"}, run: cmdApply},
		{name: "run", summary: "plan and apply now: structure, then results back to VETtrak",
			help: "One full sync: reads both sides, plans, applies the plan, and writes LMS results back\n" +
				"to VETtrak (unless skip_results). Stops with exit 4, changing nothing, when the plan\n" +
				"exceeds a safety limit. --dry-run only plans.",
			flags: []string{"allow-holds", "dry-run", "wide"}, run: cmdRun},
		{name: "results", summary: "write LMS results back to VETtrak (--dry-run previews)",
			help: "Reads LMS evidence for every course in scope and writes the results (and commencement\n" +
				"comments) the rules decide, each once, never over a hand-entered or final result.\n" +
				"Conflicts are listed for review. --dry-run previews the writes.",
			flags: []string{"dry-run", "wide"}, run: cmdResults},
		{name: "schedule", summary: "run on a schedule until stopped",
			help: "Runs `vtsync run` on the schedule (e.g. at 06:00 and 18:00 Australia/Sydney) until\n" +
				"Ctrl-C or SIGTERM, which stops a running sync cleanly. A run time that comes while a\n" +
				"run is still going is skipped, not queued. It holds the state store meanwhile and saves\n" +
				"a snapshot of it after each run, so plan, status and dry runs still work beside it.\n" +
				"Exits 0 when stopped.",
			flags: []string{"schedule", "run-at-start", "allow-holds", "dry-run"}, run: cmdSchedule},
		{name: "serve", summary: "run on a schedule and serve the web console",
			help: "Like `vtsync schedule`, and serves the web console on --addr (default console.addr,\n" +
				"else 127.0.0.1:8380): the connection check, the last runs per course, failures, results\n" +
				"to review, held plans to approve, a dry-run preview and a chart of calls and run time.\n" +
				"People log in with the token in $VTSYNC_CONSOLE_TOKEN (or console.token_env). A plan\n" +
				"held by a safety limit waits in the console for approval.",
			flags: []string{"schedule", "run-at-start", "addr"}, run: cmdServe},
		{name: "status", summary: "show what a running schedule or console did last",
			help: "Reads the status file a running `vtsync schedule` or `vtsync serve` keeps in the state\n" +
				"directory: its schedule, next run, console address and last runs. Never opens the store,\n" +
				"so it works while the schedule runs.",
			run: cmdStatus},
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name || slices.Contains(c.aliases, name) {
			return c
		}
	}
	return nil
}

// run is the whole program, so tests drive every command end to end.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	o := &options{format: "text", progress: "auto"}
	global := flag.NewFlagSet("vtsync", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	for _, name := range sharedFlags {
		flagDocs[name](global, o)
	}
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "vtsync: %v\nRun `vtsync --help` for usage.\n", err)
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		if len(rest) == 0 {
			printUsage(stdout)
			return exitOK
		}
		c := findCommand(rest[0])
		if c == nil {
			fmt.Fprintf(stderr, "vtsync: no command %q\n", rest[0])
			return exitUsage
		}
		printCommandUsage(stdout, c)
		return exitOK
	}
	c := findCommand(name)
	if c == nil {
		fmt.Fprintf(stderr, "vtsync: no command %q\nRun `vtsync --help` for usage.\n", name)
		return exitUsage
	}
	fs := commandFlags(c, o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandUsage(stdout, c)
			return exitOK
		}
		fmt.Fprintf(stderr, "vtsync %s: %v\nRun `vtsync help %s` for usage.\n", c.name, err, c.name)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vtsync %s: unexpected argument %q\nRun `vtsync help %s` for usage.\n", c.name, fs.Arg(0), c.name)
		return exitUsage
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "vtsync %s: %v\n", c.name, err)
		return exitUsage
	}
	a := newApp(c.name, o, env, stdout, stderr)
	defer a.close()
	return c.run(ctx, a)
}

func commandFlags(c *command, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("vtsync "+c.name, flag.ContinueOnError)
	for _, name := range c.flags {
		flagDocs[name](fs, o)
	}
	for _, name := range sharedFlags {
		flagDocs[name](fs, o)
	}
	return fs
}

func (o *options) check() error {
	switch o.format {
	case "text", "table":
		o.format = "text"
	case "json":
	default:
		return &usageError{fmt.Sprintf("--format %q is not text, table or json", o.format)}
	}
	switch o.progress {
	case "auto", "bar", "lines", "none":
	default:
		return &usageError{fmt.Sprintf("--progress %q is not auto, bar, lines or none", o.progress)}
	}
	switch o.logLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return &usageError{fmt.Sprintf("--log-level %q is not debug, info, warn or error", o.logLevel)}
	}
	return nil
}

const usageHead = `vtsync keeps VETtrak and an LMS (Canvas, Moodle, or an in-memory one for trying it out) in step,
and writes LMS results back to VETtrak.

Usage:
  vtsync [flags] <command> [command flags]

Commands:
`

const usageConfig = `Configuration:
  A JSON file (--config, $VTSYNC_CONFIG, else ./vtsync.json); see vtsync.example.json.
  Secrets never go in the file: it names the environment variables that hold them
  (vettrak.password_env, default VTSYNC_VETTRAK_PASSWORD; lms.canvas.token_env,
  default VTSYNC_CANVAS_TOKEN). vtsync never prints or logs them.

Output:
  Results go to stdout (--format text or json); logs and progress go to stderr.
  --report FILE writes the outcome as JSON for monitoring.
`

func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString(usageHead)
	for _, c := range commands() {
		name := c.name
		if len(c.aliases) > 0 {
			name += " (" + strings.Join(c.aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-20s %s\n", name, c.summary)
	}
	fmt.Fprintf(&b, "  %-20s %s\n", "help <command>", "explain a command and its flags")
	b.WriteString("\nFlags for every command (before or after its name):\n")
	fs := flag.NewFlagSet("vtsync", flag.ContinueOnError)
	o := &options{format: "text", progress: "auto"}
	for _, name := range sharedFlags {
		flagDocs[name](fs, o)
	}
	fs.SetOutput(&b)
	fs.PrintDefaults()
	b.WriteString("\n" + usageConfig + "\n" + exitCodeHelp)
	fmt.Fprint(w, b.String())
}

func printCommandUsage(w io.Writer, c *command) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: vtsync %s [flags] %s\n\n%s\n", c.name, c.usage, c.help)
	if len(c.aliases) > 0 {
		fmt.Fprintf(&b, "Also called: %s\n", strings.Join(c.aliases, ", "))
	}
	fresh := &options{format: "text", progress: "auto"}
	if len(c.flags) > 0 {
		b.WriteString("\nFlags:\n")
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		for _, name := range c.flags {
			flagDocs[name](fs, fresh)
		}
		fs.SetOutput(&b)
		fs.PrintDefaults()
	}
	b.WriteString("\nShared flags:\n")
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	for _, name := range sharedFlags {
		flagDocs[name](fs, fresh)
	}
	fs.SetOutput(&b)
	fs.PrintDefaults()
	b.WriteString("\n" + exitCodeHelp)
	fmt.Fprint(w, b.String())
}

// interruptNotice starts on a new line: the terminal has just echoed ^C
// after whatever was on the line (often the progress bar).
func interruptNotice(w io.Writer) {
	fmt.Fprintln(w, "\nvtsync: stopping; press Ctrl-C again to force")
}
