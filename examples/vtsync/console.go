package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	vtsync "github.com/vtsync/vtsync/sync"
)

// console is stderr, shared by log lines and the progress display: on a
// terminal, progress is one bar redrawn in place (and every second, so
// the elapsed time moves while a long call runs), and a log line first
// clears the bar and then redraws it below; elsewhere (a pipe, a file, a
// service manager's journal) progress is plain lines: one when the phase
// or the kind of work changes, and at most one every lineEvery otherwise.
type console struct {
	mu   sync.Mutex
	w    io.Writer
	mode string // bar, lines or none
	bar  string // the bar on screen, "" when none
	now  func() time.Time

	last     vtsync.Progress // the latest event
	started  time.Time       // when last.Phase began
	lastLine time.Time       // when the last plain line was written
	ticking  bool
	stop     chan struct{}
}

const (
	barWidth  = 30
	lineEvery = 5 * time.Second
)

// newConsole writes to w; the display mode is chosen by looking at term,
// the writer under w (a terminal gets a bar).
func newConsole(w, term io.Writer, mode string) *console {
	if mode == "auto" {
		mode = "lines"
		if isTerminal(term) {
			mode = "bar"
		}
	}
	return &console{w: w, mode: mode, now: time.Now, stop: make(chan struct{})}
}

// Write writes log lines and messages, keeping the bar below them.
func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bar != "" {
		fmt.Fprint(c.w, "\r\033[K")
	}
	n, err := c.w.Write(p)
	if c.bar != "" {
		fmt.Fprint(c.w, c.bar)
	}
	return n, err
}

// progress shows one Syncer progress event.
func (c *console) progress(p vtsync.Progress) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	changed := p.Phase != c.last.Phase || p.Item != c.last.Item
	if p.Phase != c.last.Phase || c.started.IsZero() {
		c.started = now
	}
	c.last = p
	elapsed := now.Sub(c.started)
	switch c.mode {
	case "lines":
		if changed || (p.Total > 0 && p.Done >= p.Total) || now.Sub(c.lastLine) >= lineEvery {
			fmt.Fprintln(c.w, progressLine(p, elapsed))
			c.lastLine = now
		}
	case "bar":
		c.bar = progressBar(p, elapsed)
		fmt.Fprint(c.w, "\r\033[K"+c.bar)
		if !c.ticking && c.stop != nil {
			c.ticking = true
			go c.tick(c.stop)
		}
	}
}

// tick redraws the bar every second until close, so the elapsed time and
// the estimate move while a long call is in flight.
func (c *console) tick(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.mu.Lock()
			if c.bar != "" {
				c.bar = progressBar(c.last, c.now().Sub(c.started))
				fmt.Fprint(c.w, "\r\033[K"+c.bar)
			}
			c.mu.Unlock()
		}
	}
}

// close stops the ticker.
func (c *console) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		close(c.stop)
		c.stop = nil
	}
}

// endProgress clears the bar, before the command prints its outcome.
func (c *console) endProgress() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bar != "" {
		fmt.Fprint(c.w, "\r\033[K")
		c.bar = ""
	}
	c.last, c.started = vtsync.Progress{}, time.Time{}
}

// progressLine is a progress event as one plain line.
func progressLine(p vtsync.Progress, elapsed time.Duration) string {
	s := "progress: " + string(p.Phase)
	if p.Item != "" {
		s += " " + p.Item
	}
	if p.Total > 0 {
		s += fmt.Sprintf(" %d/%d", p.Done, p.Total)
	}
	return s + " (" + timing(p, elapsed) + ")"
}

// progressBar draws "apply    [#########.........]  12/40 enrol  0:04, ~0:09 left".
func progressBar(p vtsync.Progress, elapsed time.Duration) string {
	if p.Total <= 0 {
		return fmt.Sprintf("%-8s %s…  %s", p.Phase, p.Item, timing(p, elapsed))
	}
	done := min(max(p.Done, 0), p.Total)
	fill := done * barWidth / p.Total
	return fmt.Sprintf("%-8s [%s%s] %d/%d %s  %s", p.Phase,
		strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), done, p.Total, p.Item, timing(p, elapsed))
}

// timing is the phase's elapsed time and, once some of a known total is
// done, an estimate of what is left at the pace so far.
func timing(p vtsync.Progress, elapsed time.Duration) string {
	s := clock(elapsed)
	if p.Total > 0 && p.Done > 0 && p.Done < p.Total && elapsed >= time.Second {
		left := time.Duration(float64(elapsed) / float64(p.Done) * float64(p.Total-p.Done))
		s += ", ~" + clock(left) + " left"
	}
	return s
}

// clock is m:ss, or h:mm:ss from an hour.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}
