package main

import (
	"fmt"
	"io"
	"unicode/utf8"

	webconsole "github.com/vtsync/vtsync/examples/vtsync/internal/console"
	vtsync "github.com/vtsync/vtsync/sync"
)

// textWidth is the width the plan's text form fits: a default terminal.
const textWidth = 80

// planLines writes the plan's operations by name, grouped by course, one
// line each, no wider than textWidth (see webconsole.Describe). SIS IDs are
// for --wide and the JSON form.
func planLines(w io.Writer, ops []vtsync.Op, names vtsync.Names) {
	for _, g := range webconsole.Describe(ops, names) {
		fmt.Fprintln(w, fit(oneLine(g.Title), textWidth))
		for _, l := range g.Lines {
			fmt.Fprintln(w, fit("  "+oneLine(l), textWidth))
		}
		fmt.Fprintln(w)
	}
}

// fit cuts s to width columns (runes; the names are mostly Latin),
// ending with "…" when cut.
func fit(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}
