package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	vtsync "github.com/vtsync/vtsync/sync"
)

// console is stderr, shared by log lines and the progress display: on a
// terminal, progress is one bar redrawn in place, and a log line first
// clears the bar and then redraws it below; elsewhere (a pipe, a file,
// a service manager's journal) each progress event is a plain line.
type console struct {
	mu   sync.Mutex
	w    io.Writer
	mode string // bar, lines or none
	bar  string // the bar on screen, "" when none
}

const barWidth = 30

// newConsole writes to w; the display mode is chosen by looking at term,
// the writer under w (a terminal gets a bar).
func newConsole(w, term io.Writer, mode string) *console {
	if mode == "auto" {
		mode = "lines"
		if isTerminal(term) {
			mode = "bar"
		}
	}
	return &console{w: w, mode: mode}
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
	switch c.mode {
	case "lines":
		fmt.Fprintln(c.w, progressLine(p))
	case "bar":
		c.bar = progressBar(p)
		fmt.Fprint(c.w, "\r\033[K"+c.bar)
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
}

// progressLine is a progress event as one plain line.
func progressLine(p vtsync.Progress) string {
	s := "progress: " + string(p.Phase)
	if p.Item != "" {
		s += " " + p.Item
	}
	if p.Total > 0 {
		s += fmt.Sprintf(" %d/%d", p.Done, p.Total)
	}
	return s
}

// progressBar draws "apply    [#########.........]  12/40 enrol".
func progressBar(p vtsync.Progress) string {
	if p.Total <= 0 {
		return fmt.Sprintf("%-8s %s…", p.Phase, p.Item)
	}
	done := min(max(p.Done, 0), p.Total)
	fill := done * barWidth / p.Total
	return fmt.Sprintf("%-8s [%s%s] %d/%d %s", p.Phase,
		strings.Repeat("#", fill), strings.Repeat(".", barWidth-fill), done, p.Total, p.Item)
}
