package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vtsync/vtsync/canvas/canvastest"
)

// report is the whole run: settings, every size's figures, the targets.
type report struct {
	Generated string            `json:"generated"`
	Machine   string            `json:"machine"`
	Commands  []string          `json:"commands"`
	Settings  settings          `json:"settings"`
	Formulas  map[string]string `json:"lower_bound_formulas"`
	Notes     map[string]string `json:"notes"`
	Sizes     []sizeResult      `json:"sizes"`
	Targets   []target          `json:"targets"`
}

type settings struct {
	Workflow     string   `json:"workflow"`
	LatencyMS    float64  `json:"latency_ms"`
	Throttle     bool     `json:"throttle"`
	ThrottleCost float64  `json:"throttle_cost,omitempty"`
	HighWater    float64  `json:"throttle_high_water,omitempty"`
	Outflow      float64  `json:"throttle_outflow,omitempty"`
	UpFront      float64  `json:"throttle_up_front,omitempty"`
	Concurrency  int      `json:"concurrency"`
	IntervalH    float64  `json:"interval_hours"`
	PageSize     int      `json:"page_size"`
	Scenarios    []string `json:"scenarios"`
	// Simulated: seconds are on the virtual clock (simulate.go).
	Simulated bool `json:"simulated,omitempty"`
}

// target is one of the targets and whether this run met it.
type target struct {
	Name string `json:"name"`
	// Status is "met", "not met" or "not evaluated".
	Status string `json:"status"`
	Detail string `json:"detail"`
}

const (
	statusMet     = "met"
	statusNotMet  = "not met"
	statusNotEval = "not evaluated"
)

func newReport(o *options) *report {
	r := &report{
		Generated: realNow().UTC().Format(time.RFC3339), // the machine's clock, also in a bubble
		Machine:   fmt.Sprintf("%s %s/%s, %d CPUs", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Settings: settings{Workflow: string(o.workflow), LatencyMS: float64(o.latency) / float64(time.Millisecond),
			Throttle: o.throttle, Concurrency: o.concurrency, IntervalH: o.interval.Hours(), PageSize: pageSize, Scenarios: o.scenarios,
			Simulated: o.simulated},
		Formulas: boundFormulas(),
		Notes: map[string]string{
			"baselines": "computed by counting with the SDK clients' per-endpoint costs (one request per call, lists of up to 100 per call), not run; see baselines.go. The per-record push is the leanest honest one: per event, one user lookup per enrolment, sections and teacher enrolments included, nothing on a no-op",
			"simulated": "a simulated run (TestSimulated) runs in a testing/synctest bubble: the fakes' latency, Canvas's bucket, the canvas client's pacing and the Syncer share one virtual clock; seconds are simulated (waits exact, computation zero), real_seconds the real time",
			"heap":      "the fakes run in this process: base_heap is the live heap before a scenario (the generated dataset, the fake Canvas's records, the Syncer's store, the benchmark's bounds), peak_heap the highest heap sampled during it (runtime/metrics, every -heap-every; live objects and garbage not yet swept, up to twice the live heap with GOGC=100), peak_live_heap the highest live heap a collection marked during it; peak_live - base is what the run added (the SDK's working set and the fake Canvas's new records), peak_live - retained (the live heap after it) what it let go (the SDK's working set and transient buffers); dataset_heap_bytes is what the VETtrak dataset alone holds; -memprofile writes the heap profile at the highest live heap",
			"cpu":       "process user+system CPU time (getrusage) over the scenario, fakes included: the SDK's own CPU is at most this",
			"throttle":  "throttle_seconds = max(0, Canvas calls × cost - high water) / outflow: the bucket starts empty, so the first high-water units pass at once and the rest at the leak rate",
			"interval":  "scenarios run interval_hours apart on the fakes' shared clock; the Syncer re-reads an enrolment's units when its record changed or its cached copy is older than its share of Config.UnitsMaxAge (between half and all of it, a week by default), so the refreshes spread over the runs instead of repeating the initial sync's GetUnitsForEnrolment calls",
			"scope":     "structure runs use SkipResults (Run without passback); a scheduled Run with results on costs a structure run plus the passback scenario's reads",
		},
	}
	if o.concurrency == 0 {
		r.Settings.Concurrency = 4 // the Syncer's documented default
	}
	if o.throttle {
		t := canvastest.CanvasThrottle()
		r.Settings.ThrottleCost, r.Settings.HighWater, r.Settings.Outflow, r.Settings.UpFront = o.throttleCost, t.HighWater, t.Outflow, t.UpFront
	}
	return r
}

// writeFiles writes the JSON, SVG and markdown the flags ask for.
func (r *report) writeFiles(o *options) error {
	if o.jsonFile != "" {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("report JSON: %w", err)
		}
		if err := os.WriteFile(o.jsonFile, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if o.svgFile != "" {
		if err := os.WriteFile(o.svgFile, []byte(r.svg()), 0o644); err != nil {
			return err
		}
	}
	if o.mdFile != "" {
		var b strings.Builder
		r.writeMarkdown(&b, filepath.Base(o.svgFile))
		if err := os.WriteFile(o.mdFile, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeText prints the tables and the targets.
func (r *report) writeText(out io.Writer) {
	s := r.Settings
	throttle := "Canvas throttle off"
	if s.Throttle {
		throttle = fmt.Sprintf("Canvas throttle on (high water %g, outflow %g/s, %g up front, cost %g a request)", s.HighWater, s.Outflow, s.UpFront, s.ThrottleCost)
	}
	clock := "time s is wall time"
	if s.Simulated {
		clock = "time s is SIMULATED (one virtual clock for latency, throttle and pacing; computation counts as zero), real s the real time"
	}
	fmt.Fprintf(out, "vtsync benchmark: workflow %s, latency %gms on both fakes, %s, Syncer concurrency %d, page size %d, runs %gh apart; %s\n",
		s.Workflow, s.LatencyMS, throttle, s.Concurrency, s.PageSize, s.IntervalH, clock)
	for _, sz := range r.Sizes {
		c := sz.Counts
		fmt.Fprintf(out, "\n== %s: %d occurrences, %d units, %d clients, %d enrolments, %d enrolled units (dataset heap %s)\n",
			sz.Name, c.Occurrences, c.Units, c.Clients, c.Enrolments, c.EnrolledUnits, mib(sz.DatasetHeap))
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "scenario\tVETtrak r/w\tbound\tCanvas r/w\tbound\tcalls/bound\tKiB in/out\ttime s\treal s\tthrottle s\tCPU s\tbase heap\tpeak heap\tpeak live\t")
		for _, sc := range sz.Scenarios {
			v, k := sc.VETtrak, sc.Canvas
			fmt.Fprintf(tw, "%s\t%d/%d\t%d/%d\t%d/%d\t%d/%d\t%s\t%d/%d\t%.1f\t%.1f\t%.1f\t%.2f\t%s\t%s\t%s\t\n", sc.Name,
				v.Measured.Reads, v.Measured.Writes, v.Bound.Reads, v.Bound.Writes,
				k.Measured.Reads, k.Measured.Writes, k.Bound.Reads, k.Bound.Writes,
				ratio(sc.Calls(), sc.Bound()),
				(v.Measured.BytesIn+k.Measured.BytesIn)/1024, (v.Measured.BytesOut+k.Measured.BytesOut)/1024,
				sc.Seconds, sc.RealSeconds, sc.ThrottleSeconds, sc.CPUSeconds, mib(sc.BaseHeap), mib(sc.PeakHeap), mib(sc.PeakLiveHeap))
		}
		tw.Flush()
		for _, sc := range sz.Scenarios {
			fmt.Fprintf(out, "  %s: %s; planned %d; Canvas bound by %s", sc.Name, sc.Change, sc.Planned, sc.Canvas.Bound.Path)
			if p := sc.Canvas.Bound.Paths; len(p) > 1 {
				fmt.Fprintf(out, " (REST %d, REST reads + SIS import %d, provisioning report + SIS import %d)", p[pathREST], p[pathImport], p[pathReport])
			}
			if sc.ResultsWritten+sc.CommentsWritten > 0 || sc.Name == scResults {
				fmt.Fprintf(out, ", %d results and %d comments written, %d conflicts", sc.ResultsWritten, sc.CommentsWritten, sc.Conflicts)
			}
			if sc.Throttled+sc.PacedWaits > 0 {
				fmt.Fprintf(out, ", %d throttled answers retried, %d paced waits (%.0fs)", sc.Throttled, sc.PacedWaits, sc.PacedSeconds)
			}
			if b := sc.Bulk; b != nil {
				fmt.Fprintf(out, ", the SDK's bulk path: %d SIS import(s), %d rows imported, %s, %d Canvas writes by REST beside it, a plan after it finds %d to do",
					b.Imports, b.Rows, b.State, b.Rest, b.Left)
			}
			if sc.Failures > 0 || sc.RunError != "" {
				fmt.Fprintf(out, ", %d FAILURES %s %s", sc.Failures, strings.Join(sc.FailureSamples, "; "), sc.RunError)
			}
			fmt.Fprintln(out)
		}
		fmt.Fprintln(out, "  calls per endpoint beside the REST path's bound (initial-bulk: the import path's; excess = measured - bound):")
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, sc := range sz.Scenarios {
			for _, sd := range []struct {
				name string
				s    side
			}{{"VETtrak", sc.VETtrak}, {"Canvas", sc.Canvas}} {
				for _, e := range sd.s.Excess {
					mark := ""
					if e.Excess != 0 {
						mark = fmt.Sprintf("%+d", e.Excess)
					}
					fmt.Fprintf(tw, "    %s\t%s\t%s\t%d\t%d\t%s\n", sc.Name, sd.name, e.Endpoint, e.Measured, e.Bound, mark)
				}
			}
		}
		tw.Flush()
		fmt.Fprintln(out, "  the same work by the models vtsync replaces:")
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, sc := range sz.Scenarios {
			for _, b := range sc.Baselines {
				missed := ""
				if b.Missed > 0 {
					missed = fmt.Sprintf(", misses %d changes", b.Missed)
				}
				fmt.Fprintf(tw, "    %s\t%s\t%d runs\t%d calls (VETtrak %d, Canvas %d)\t× %s of vtsync's (Canvas × %s)%s\n", sc.Name, b.Model, b.Runs, b.Calls,
					b.VETtrak, b.Canvas, ratio(b.Calls, sc.Calls()), ratio(b.Canvas, sc.Canvas.Measured.Calls), missed)
			}
		}
		tw.Flush()
	}
	fmt.Fprintln(out, "\ntargets:")
	for _, t := range r.Targets {
		fmt.Fprintf(out, "  [%s] %s: %s\n", t.Status, t.Name, t.Detail)
	}
}

// writeMarkdown writes the report as markdown, the chart linked as svg
// (none when "" or ".").
func (r *report) writeMarkdown(b *strings.Builder, svg string) {
	fmt.Fprintf(b, "# vtsync benchmark: last run\n\n")
	fmt.Fprintf(b, "Generated %s on %s by\n\n```sh\n%s\n```\n\n", r.Generated, r.Machine, strings.Join(r.Commands, "\n"))
	if svg != "" && svg != "." {
		fmt.Fprintf(b, "![calls and time against size](%s)\n\n", svg)
	}
	b.WriteString("## Targets\n\n| target | status | detail |\n|---|---|---|\n")
	for _, t := range r.Targets {
		fmt.Fprintf(b, "| %s | **%s** | %s |\n", t.Name, t.Status, strings.ReplaceAll(t.Detail, "|", "/"))
	}
	b.WriteString("\n## Figures\n\n```\n")
	r.writeText(b)
	b.WriteString("```\n\n## Lower bound formulas\n\n")
	for _, k := range sortedKeys(r.Formulas) {
		fmt.Fprintf(b, "- **%s**: %s\n", k, r.Formulas[k])
	}
	b.WriteString("\n## Notes\n\n")
	for _, k := range sortedKeys(r.Notes) {
		fmt.Fprintf(b, "- **%s**: %s\n", k, r.Notes[k])
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func ratio(a, b int64) string {
	if b == 0 {
		if a == 0 {
			return "1.00"
		}
		return "∞"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func mib(n int64) string { return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20)) }

// loadReports merges saved JSON reports, in order, into one. Their
// settings must agree: figures taken under different latency or throttle
// are not comparable.
func loadReports(files []string) (*report, error) {
	var out *report
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if out == nil {
			out = &r
			continue
		}
		a, c := out.Settings, r.Settings
		a.Scenarios, c.Scenarios = nil, nil
		if fmt.Sprint(a) != fmt.Sprint(c) {
			return nil, fmt.Errorf("%s: settings %+v differ from %+v", f, c, a)
		}
		out.Sizes = append(out.Sizes, r.Sizes...)
		out.Commands = append(out.Commands, r.Commands...)
		if r.Generated > out.Generated {
			out.Generated = r.Generated
		}
	}
	if out == nil {
		return nil, fmt.Errorf("no report to render")
	}
	return out, nil
}
