package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	webconsole "github.com/vtsync/vtsync/examples/vtsync/internal/console"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

// Outcome statuses in the JSON report.
const (
	statusOK          = "ok"
	statusFailures    = "failures"
	statusHeld        = "held"
	statusError       = "error"
	statusInterrupted = "interrupted"
)

// outcome is the JSON document --report writes: what a command did, for
// monitoring. It holds no secrets (everything written passes through the
// secrets filter as well).
type outcome struct {
	Command  string `json:"command"`
	Provider string `json:"provider,omitempty"`
	// Status is ok, failures, held, error or interrupted; ExitCode is the
	// process's exit code.
	Status   string    `json:"status"`
	ExitCode int       `json:"exit_code"`
	Error    string    `json:"error,omitempty"`
	DryRun   bool      `json:"dry_run,omitempty"`
	At       time.Time `json:"at"`
	// Run numbers the runs of `vtsync schedule`.
	Run    int                 `json:"run,omitempty"`
	Check  *vtsync.CheckReport `json:"check,omitempty"`
	Plan   *planSummary        `json:"plan,omitempty"`
	Report *vtsync.Report      `json:"report,omitempty"`
}

// planSummary is a plan in counts, for reports; the full plan is
// `vtsync plan --format json` or --out.
type planSummary struct {
	CreatedAt   time.Time                 `json:"created_at"`
	Workflow    mapping.Workflow          `json:"workflow"`
	Operations  int                       `json:"operations"`
	Counts      map[vtsync.OpKind]int     `json:"counts"`
	Unchanged   map[vtsync.ObjectKind]int `json:"unchanged,omitempty"`
	Observed    map[string]int            `json:"observed,omitempty"`
	Holds       []vtsync.Hold             `json:"holds,omitempty"`
	Conflicts   int                       `json:"conflicts"`
	Deferred    int                       `json:"deferred"`
	Diagnostics map[string]int            `json:"diagnostics,omitempty"`
}

func summarise(p *vtsync.Plan) *planSummary {
	if p == nil {
		return nil
	}
	return &planSummary{
		CreatedAt: p.CreatedAt, Workflow: p.Workflow, Operations: len(p.Ops), Counts: p.Counts(),
		Unchanged: p.Unchanged, Observed: p.Observed, Holds: p.Holds,
		Conflicts: len(p.Conflicts), Deferred: len(p.Deferred), Diagnostics: diagnosticCounts(p.Diagnostics),
	}
}

func diagnosticCounts(ds []mapping.Diagnostic) map[string]int {
	if len(ds) == 0 {
		return nil
	}
	out := map[string]int{}
	for _, d := range ds {
		out[d.Severity.String()]++
	}
	return out
}

func statusOf(code int) string {
	switch code {
	case exitOK:
		return statusOK
	case exitFailures:
		return statusFailures
	case exitHeld:
		return statusHeld
	case exitInterrupted:
		return statusInterrupted
	}
	return statusError
}

// writeReport writes the outcome to --report, if set, through a temporary
// file, so a monitor never reads half a report.
func (a *app) writeReport(o *outcome) error {
	if a.opts.report == "" {
		return nil
	}
	o.Command = a.command
	if a.cfg != nil {
		o.Provider = a.cfg.file.Provider
	}
	o.Status = statusOf(o.ExitCode)
	o.DryRun = a.opts.dryRun
	if o.At.IsZero() {
		o.At = time.Now()
	}
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return err
	}
	b = []byte(a.secrets.String(string(b)) + "\n")
	if err := writeFileAtomic(a.opts.report, b); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// finish writes the report file and returns the exit code; a report that
// cannot be written turns success into exit 1, since monitoring relies on
// it.
func (a *app) finish(o *outcome) int {
	a.console.endProgress()
	if err := a.writeReport(o); err != nil {
		fmt.Fprintf(a.console, "vtsync %s: %s\n", a.command, a.secrets.String(err.Error()))
		if o.ExitCode == exitOK {
			return exitFailures
		}
	}
	return o.ExitCode
}

// printJSON writes v indented to stdout, its empty lists as [] (not
// null), so a program reading it can range over every list.
func (a *app) printJSON(v any) {
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.Kind() != reflect.Pointer {
		// A value is not settable: fill a copy.
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		v = p.Interface()
	}
	fillNilSlices(reflect.ValueOf(v))
	b, err := json.MarshalIndent(v, "", "  ")
	if err == nil {
		b, err = severityWords(b)
	}
	if err != nil {
		fmt.Fprintf(a.console, "vtsync %s: %v\n", a.command, err)
		return
	}
	a.stdout.Write(append(b, '\n'))
}

// printPlan writes a plan: by name, grouped by course, at 80 columns; or
// with wide, one table row per operation with its SIS IDs and reason.
// Then the totals, holds, conflicts and diagnostics.
func printPlan(w io.Writer, p *vtsync.Plan, wide bool) {
	ops := p.Ops
	fmt.Fprintf(w, "Plan (%s workflow, %s): %s\n", p.Workflow, p.CreatedAt.Format(timeLayout), plural(len(ops), "change"))
	if len(p.Observed) > 0 {
		fmt.Fprintf(w, "Observed: %s\n", countList(p.Observed))
	}
	if len(ops) > 0 {
		fmt.Fprintln(w)
		if wide {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "OPERATION\tTARGET\tREASON")
			for _, op := range ops {
				target := strings.TrimPrefix(op.Key, string(op.Kind)+":")
				fmt.Fprintf(tw, "%s\t%s\t%s\n", op.Kind, oneLine(target), oneLine(op.Reason))
			}
			tw.Flush()
			fmt.Fprintln(w)
		} else {
			planLines(w, ops, p.Names())
		}
	}
	counts := map[string]int{}
	for _, op := range ops {
		counts[string(op.Kind)]++
	}
	fmt.Fprintf(w, "Changes:   %s\n", countList(counts))
	if len(p.Unchanged) > 0 {
		fmt.Fprintf(w, "Unchanged: %s\n", countList(p.Unchanged))
	}
	if len(p.Deferred) > 0 {
		fmt.Fprintf(w, "Deferred:  %d (waiting out a retry backoff after earlier failures)\n", len(p.Deferred))
	}
	printNeedsPerson(w, p.NeedsPerson)
	printHolds(w, p.Holds)
	printConflicts(w, p.Conflicts)
	printDiagnostics(w, withoutIdleLint(p.Diagnostics, p.Lint))
	printLint(w, p.Lint)
}

// withoutIdleLint drops the lint warnings of courses that have no
// assessments at all: their results come from completion, so "this unit
// has no assessment" is not a problem there (the JSON keeps them).
func withoutIdleLint(ds []mapping.Diagnostic, lint []mapping.LintReport) []mapping.Diagnostic {
	idle := map[string]bool{}
	for _, r := range lint {
		if len(r.Bindings) == 0 {
			idle[r.CourseSISID] = true
		}
	}
	if len(idle) == 0 {
		return ds
	}
	return slices.DeleteFunc(slices.Clone(ds), func(d mapping.Diagnostic) bool {
		return d.Code == mapping.CodeLint && idle[d.Record.ID]
	})
}

// timeLayout shows a time with its zone, so an operator in another state
// (or a server on UTC) reads it right.
const timeLayout = "2006-01-02 15:04 MST"

// plural is "1 change", "2 changes" (the console's rule).
func plural(n int, word string) string { return webconsole.Plural(n, word) }

func printNeedsPerson(w io.Writer, fs []vtsync.Failure) {
	for i, f := range fs {
		if i == maxListed {
			fmt.Fprintf(w, "... and %d more waiting for a person (see --format json)\n", len(fs)-i)
			break
		}
		fmt.Fprintf(w, "NEEDS A PERSON: %s: %s\n", f.Key, oneLine(f.Error))
	}
}

// printLint lists the assessment ↔ unit binding findings, one line each.
// A course with no assessments at all is left out: its results come from
// completion, so "unit has no assessment" there is noise, not a problem.
func printLint(w io.Writer, reports []mapping.LintReport) {
	n := 0
	for _, r := range reports {
		if len(r.Bindings) == 0 {
			continue
		}
		for _, f := range r.Findings {
			if n == maxListed {
				fmt.Fprintln(w, "  ... and more (see --format json)")
				return
			}
			if n == 0 {
				fmt.Fprintln(w, "Assessment checks:")
			}
			n++
			fmt.Fprint(w, wrap("  ", r.CourseSISID+": "+oneLine(lintText(f)), textWidth))
		}
	}
}

func printHolds(w io.Writer, holds []vtsync.Hold) {
	for _, h := range holds {
		fmt.Fprintf(w, "HOLD: %s: review the plan, then rerun with --allow-holds\n", h)
	}
}

// maxListed bounds the conflicts and diagnostics listed in text output;
// the JSON output and --report carry them all.
const maxListed = 20

func printConflicts(w io.Writer, cs []mapping.Conflict) {
	for i, c := range cs {
		if i == maxListed {
			fmt.Fprintf(w, "... and %d more conflicts (see --format json)\n", len(cs)-i)
			break
		}
		fmt.Fprintf(w, "REVIEW: enrolment %d unit %s (%s): %s\n", c.EnrolmentID, c.UnitCode, c.Kind, oneLine(c.Reason))
	}
}

func printDiagnostics(w io.Writer, ds []mapping.Diagnostic) {
	var shown []mapping.Diagnostic
	for _, d := range ds {
		if d.Severity >= mapping.SeverityWarning {
			shown = append(shown, d)
		}
	}
	if counts := diagnosticCounts(ds); len(counts) > 0 {
		fmt.Fprintf(w, "Diagnostics: %s\n", countList(counts))
	}
	slices.SortStableFunc(shown, func(a, b mapping.Diagnostic) int { return cmp.Compare(b.Severity, a.Severity) })
	for i, d := range shown {
		if i == maxListed {
			fmt.Fprintf(w, "  ... and %d more (see --format json)\n", len(shown)-i)
			break
		}
		fmt.Fprint(w, wrap("  ", oneLine(d.String()), textWidth))
	}
}

// printRunReport writes a run's report in words.
func printRunReport(w io.Writer, what string, r *vtsync.Report) {
	state := "finished"
	if r.Cancelled {
		state = "interrupted"
	}
	fmt.Fprintf(w, "%s %s in %.1fs: %d planned, %s, %s\n",
		what, state, r.Seconds, r.Planned, plural(r.Changes(), "LMS change"), plural(len(r.Failures), "failure"))
	fmt.Fprintf(w, "  created    %s\n", countList(r.Created))
	fmt.Fprintf(w, "  updated    %s\n", countList(r.Updated))
	fmt.Fprintf(w, "  removed    %s\n", countList(r.Removed))
	fmt.Fprintf(w, "  unchanged  %s\n", countList(r.Unchanged))
	fmt.Fprintf(w, "  VETtrak    %d results written, %d comments written, %d marked transferred\n",
		r.ResultsWritten, r.CommentsWritten, r.Marked)
	if len(r.Deferred) > 0 {
		fmt.Fprintf(w, "  deferred   %d (waiting out a retry backoff)\n", len(r.Deferred))
	}
	for i, f := range r.Failures {
		if i == maxListed {
			fmt.Fprintf(w, "... and %d more failures (see --report)\n", len(r.Failures)-i)
			break
		}
		retry := ""
		if f.NextRetry != nil {
			retry = fmt.Sprintf(" (attempt %d; next retry after %s)", f.Attempts, f.NextRetry.Format(timeLayout))
		}
		fmt.Fprintf(w, "FAILED: %s %s: %s%s\n", f.Kind, f.Key, oneLine(f.Error), retry)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "SKIPPED: %d operations (what they depend on failed)\n", len(r.Skipped))
	}
	printNeedsPerson(w, r.NeedsPerson)
	printHolds(w, r.Holds)
	printConflicts(w, r.Conflicts)
	printDiagnostics(w, r.Diagnostics)
}

// countList renders counts as "group 2, user 6", sorted, or "-".
func countList[K ~string](m map[K]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// oneLine keeps hostile or multi-line text (names from VETtrak, LMS error
// bodies) on one line, so it cannot forge lines of output.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

// lintText is a finding in words: its message, with the assessment or
// unit it is about when the message does not name it.
func lintText(f mapping.LintFinding) string {
	s := f.Severity.String() + ": " + f.Message
	if f.UnitCode != "" && !strings.Contains(f.Message, f.UnitCode) {
		s += " (unit " + f.UnitCode + ")"
	}
	return s
}

// orEmpty keeps a JSON list a list: [] rather than null when empty.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// wrap breaks s into lines of at most width columns at spaces, the first
// starting with indent and the rest with two more spaces; a word longer
// than a line stays whole.
func wrap(indent, s string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if line != indent && line != indent+"  " && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line = indent + "  "
		}
		if line != indent && line != indent+"  " {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// fillNilSlices sets every nil slice reachable from v through pointers,
// structs and slices to an empty one. A field marked omitempty stays
// omitted either way.
func fillNilSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fillNilSlices(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillNilSlices(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() && v.Type().Elem().Kind() != reflect.Uint8 {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := range v.Len() {
			fillNilSlices(v.Index(i))
		}
	}
}

// severityWords rewrites every "severity": N in a JSON document as its
// word ("info", "warning", "error"), for people and scripts reading the
// output: the library's numbers are for Go code. Plan files (--out) keep
// the numbers, so `vtsync apply` reads them back unchanged.
func severityWords(b []byte) ([]byte, error) {
	if !bytes.Contains(b, []byte(`"severity"`)) {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if n, ok := e.(json.Number); ok && k == "severity" {
					if i, err := n.Int64(); err == nil {
						t[k] = mapping.Severity(i).String()
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(doc)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}
