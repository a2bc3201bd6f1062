package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// The chart is two log-log panels side by side, calls and wall time
// against the number of enrolments, one line per scenario, with the lower
// bound (calls) and the throttle's own time (seconds) dashed beside it and
// the per-record model dotted. Hand-written SVG: no dependency.

const (
	panelW, panelH = 460, 320
	padL, padR     = 64, 16
	padT, padB     = 36, 48
	legendH        = 90
)

// scenarioColour gives every scenario one colour in both panels.
func scenarioColour(name string) string {
	switch name {
	case scInitial:
		return "#1f77b4"
	case scNoop:
		return "#2ca02c"
	case scDelta:
		return "#ff7f0e"
	case scResults:
		return "#9467bd"
	case scBulk:
		return "#8c564b"
	case scCrowded:
		return "#17becf"
	}
	return "#444444"
}

// series is one line: a value per size.
type series struct {
	label  string
	colour string
	dash   string
	points [][2]float64 // x = enrolments, y = value
}

// logAxis maps positive values onto a pixel range on a log10 scale,
// widened to whole decades.
type logAxis struct {
	lo, hi     float64 // decades
	from, span float64 // pixels
}

func newLogAxis(vals []float64, from, span float64) logAxis {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if v > 0 {
			lo, hi = math.Min(lo, math.Log10(v)), math.Max(hi, math.Log10(v))
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)
	if hi <= lo {
		hi = lo + 1
	}
	return logAxis{lo: lo, hi: hi, from: from, span: span}
}

func (a logAxis) at(v float64) float64 {
	if v <= 0 {
		v = math.Pow(10, a.lo)
	}
	return a.from + (math.Log10(v)-a.lo)/(a.hi-a.lo)*a.span
}

func (r *report) svg() string {
	var calls, secs []series
	for _, name := range scenarioNames() {
		c := series{label: name, colour: scenarioColour(name)}
		lb := series{label: name + " lower bound", colour: scenarioColour(name), dash: "6 4"}
		t := series{label: name, colour: scenarioColour(name)}
		th := series{label: name + " throttle's own time", colour: scenarioColour(name), dash: "6 4"}
		pr := series{label: "per-record model, initial", colour: "#7f7f7f", dash: "2 3"}
		for _, sz := range r.Sizes {
			x := float64(sz.Counts.Enrolments)
			sc, ok := find(sz, name)
			if !ok {
				continue
			}
			c.points = append(c.points, [2]float64{x, float64(sc.Calls())})
			lb.points = append(lb.points, [2]float64{x, float64(sc.Bound())})
			t.points = append(t.points, [2]float64{x, sc.Seconds})
			if sc.ThrottleSeconds > 0 {
				th.points = append(th.points, [2]float64{x, sc.ThrottleSeconds})
			}
			for _, b := range sc.Baselines {
				if b.Model == modelPerRecord && name == scInitial {
					pr.points = append(pr.points, [2]float64{x, float64(b.Calls)})
				}
			}
		}
		if len(c.points) == 0 {
			continue
		}
		calls = append(calls, c, lb)
		secs = append(secs, t)
		if name == scInitial && len(th.points) > 0 {
			secs = append(secs, th)
		}
		if len(pr.points) > 0 {
			calls = append(calls, pr)
		}
	}

	var b strings.Builder
	w := 2 * panelW
	h := panelH + legendH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	panel(&b, 0, "API calls (both sides) against enrolments", calls)
	panel(&b, panelW, "wall time (s) against enrolments", secs)
	legend(&b, panelH+8)
	b.WriteString("</svg>\n")
	return b.String()
}

// panel draws one log-log plot at horizontal offset x0.
func panel(b *strings.Builder, x0 int, title string, lines []series) {
	var xs, ys []float64
	for _, s := range lines {
		for _, p := range s.points {
			xs, ys = append(xs, p[0]), append(ys, p[1])
		}
	}
	left, top := float64(x0+padL), float64(padT)
	width, height := float64(panelW-padL-padR), float64(panelH-padT-padB)
	ax := newLogAxis(xs, left, width)
	ay := newLogAxis(ys, top+height, -height)
	fmt.Fprintf(b, `<text x="%d" y="20" font-size="13" font-weight="bold">%s</text>`+"\n", x0+padL, html.EscapeString(title))
	fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`+"\n", left, top, width, height)
	for d := ax.lo; d <= ax.hi; d++ {
		x := ax.at(math.Pow(10, d))
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#eee"/>`+"\n", x, top, x, top+height)
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", x, top+height+16, decade(d))
	}
	for d := ay.lo; d <= ay.hi; d++ {
		y := ay.at(math.Pow(10, d))
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/>`+"\n", left, y, left+width, y)
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-6, y, decade(d))
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="middle">enrolments (log)</text>`+"\n", left+width/2, top+height+34)
	for _, s := range lines {
		var pts []string
		for _, p := range s.points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", ax.at(p[0]), ay.at(p[1])))
		}
		dash := ""
		if s.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s><title>%s</title></polyline>`+"\n",
			strings.Join(pts, " "), s.colour, dash, html.EscapeString(s.label))
		for _, p := range s.points {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s: %s</title></circle>`+"\n",
				ax.at(p[0]), ay.at(p[1]), s.colour, html.EscapeString(s.label), trim(p[1]))
		}
	}
}

// legend explains colours and line styles once for both panels.
func legend(b *strings.Builder, y int) {
	x := padL
	for i, name := range scenarioNames() {
		cx := x + i*160
		cy := y
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n",
			cx, cy, cx+24, cy, scenarioColour(name), cx+30, cy, name)
	}
	y += 28
	styles := []struct{ dash, colour, text string }{
		{"", "#444", "measured"},
		{"6 4", "#444", "left: lower bound; right: the time the throttle itself allows (initial)"},
		{"2 3", "#7f7f7f", "per-record push model, initial sync (counted)"},
	}
	for i, s := range styles {
		cy := y + i*18
		dash := ""
		if s.dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, s.dash)
		}
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/><text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n",
			x, cy, x+24, cy, s.colour, dash, x+30, cy, html.EscapeString(s.text))
	}
}

func decade(d float64) string {
	switch {
	case d >= 6:
		return fmt.Sprintf("%gM", math.Pow(10, d-6))
	case d >= 3:
		return fmt.Sprintf("%gk", math.Pow(10, d-3))
	default:
		return trim(math.Pow(10, d))
	}
}

func trim(v float64) string {
	if v >= 100 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2g", v)
}
