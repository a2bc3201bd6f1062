package console

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 640, 200
	chartPad       = 36
)

// chart draws API calls (bars) and run time (a line) over the runs,
// oldest on the left, as inline SVG. It is built from numbers only, so
// nothing from the outside reaches the markup.
func chart(runs []Run) template.HTML {
	runs = slices.Clone(runs)
	slices.Reverse(runs)
	if len(runs) == 0 {
		return ""
	}
	var maxCalls int64 = 1
	maxSecs := 1.0
	for _, r := range runs {
		maxCalls = max(maxCalls, r.Calls())
		maxSecs = max(maxSecs, r.Seconds())
	}
	plotW, plotH := float64(chartW-2*chartPad), float64(chartH-2*chartPad)
	step := plotW / float64(len(runs))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title">`, chartW, chartH)
	fmt.Fprintf(&b, `<title id="chart-title">API calls (bars, left scale) and run time (line, right scale) over the last %d runs</title>`, len(runs))
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartPad, chartH-chartPad, chartW-chartPad, chartH-chartPad)
	fmt.Fprintf(&b, `<text class="scale" x="%d" y="%d">%d calls</text>`, 2, chartPad-8, maxCalls)
	fmt.Fprintf(&b, `<text class="scale" x="%d" y="%d" text-anchor="end">%.0f s</text>`, chartW-2, chartPad-8, maxSecs)
	var line []string
	for i, r := range runs {
		x := float64(chartPad) + step*float64(i)
		h := plotH * float64(r.Calls()) / float64(maxCalls)
		fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>run %d: %d calls, %.1f s</title></rect>`,
			statusClass(r.Status), x+step*0.15, float64(chartH-chartPad)-h, step*0.7, h, r.N, r.Calls(), r.Seconds())
		y := float64(chartH-chartPad) - plotH*r.Seconds()/maxSecs
		line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, y))
		fmt.Fprintf(&b, `<text class="label" x="%.1f" y="%d" text-anchor="middle">%d</text>`, x+step/2, chartH-chartPad+14, r.N)
	}
	fmt.Fprintf(&b, `<polyline class="time" points="%s"/>`, strings.Join(line, " "))
	fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="middle">run</text>`, chartW/2, chartH-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and fixed text only
}

// statusClass is a CSS class for a run status (one of the constants).
func statusClass(status string) string {
	switch status {
	case StatusOK, StatusFailures, StatusHeld, StatusError, StatusInterrupted:
		return "st-" + status
	}
	return "st-error"
}
