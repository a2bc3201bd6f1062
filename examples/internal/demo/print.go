package demo

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

// Printer writes a demo's story: numbered sections, indented lines and
// tables. The first write error is kept and returned by Err, so a demo can
// print freely and check once.
type Printer struct {
	w       io.Writer
	section int
	err     error
	// names remembers what earlier plans called each SIS ID, so a later
	// plan can name objects it does not create.
	names map[string]string
}

// NewPrinter returns a Printer writing to w.
func NewPrinter(w io.Writer) *Printer { return &Printer{w: w, names: map[string]string{}} }

// Err returns the first write error.
func (p *Printer) Err() error { return p.err }

func (p *Printer) write(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, s)
}

// Title prints the program's title, underlined.
func (p *Printer) Title(title string) {
	p.write(title + "\n" + strings.Repeat("=", len([]rune(title))) + "\n")
}

// Section starts the next numbered section.
func (p *Printer) Section(title string) {
	p.section++
	h := fmt.Sprintf("%d. %s", p.section, title)
	p.write("\n" + h + "\n" + strings.Repeat("-", len([]rune(h))) + "\n")
}

// Line prints an indented line.
func (p *Printer) Line(format string, args ...any) {
	p.write("   " + fmt.Sprintf(format, args...) + "\n")
}

// Blank prints an empty line.
func (p *Printer) Blank() { p.write("\n") }

// Table prints rows under a header, in aligned columns.
func (p *Printer) Table(header []string, rows [][]string) {
	if p.err != nil {
		return
	}
	tw := tabwriter.NewWriter(p.w, 0, 0, 2, ' ', 0)
	line := func(cols []string) {
		if p.err == nil {
			_, p.err = fmt.Fprintln(tw, "   "+strings.Join(cols, "\t"))
		}
	}
	line(header)
	rule := make([]string, len(header))
	for i, h := range header {
		rule[i] = strings.Repeat("-", len([]rune(h)))
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
	if err := tw.Flush(); p.err == nil {
		p.err = err
	}
}

// rows prints rows in aligned columns without a header.
func (p *Printer) rows(indent string, rows [][]string) {
	if p.err != nil || len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(p.w, 0, 0, 1, ' ', 0)
	for _, r := range rows {
		if _, err := fmt.Fprintln(tw, "   "+indent+strings.Join(r, "\t")); err != nil {
			p.err = err
			return
		}
	}
	p.err = tw.Flush()
}

// Plan prints a plan as a table: one row per operation, with the object it
// touches in words and why, then the counts per kind.
func (p *Printer) Plan(plan *vtsync.Plan) {
	if plan.Empty() {
		p.Line("Nothing to do: the LMS already matches VETtrak.")
		return
	}
	maps.Copy(p.names, objectNames(plan))
	names := p.names
	rows := make([][]string, 0, len(plan.Ops))
	for i, op := range plan.Ops {
		rows = append(rows, []string{fmt.Sprint(i + 1), string(op.Kind), Describe(op, names), why(op)})
	}
	p.Table([]string{"#", "OPERATION", "OBJECT", "WHY"}, rows)
	p.Line("%d operations: %s.", len(plan.Ops), countsText(plan.Counts()))
	p.Diagnostics(plan.Diagnostics)
}

// Diagnostics prints what the mapping noticed, warnings and errors first.
func (p *Printer) Diagnostics(ds []mapping.Diagnostic) {
	ds = slices.Clone(ds)
	slices.SortStableFunc(ds, func(a, b mapping.Diagnostic) int { return cmp.Compare(b.Severity, a.Severity) })
	for _, d := range ds {
		p.Line("note: %s", d)
	}
}

// Report prints what a run did in one or two sentences, then any failures,
// conflicts and holds.
func (p *Printer) Report(rep *vtsync.Report) {
	var parts []string
	for _, verb := range []struct {
		name string
		m    map[vtsync.ObjectKind]int
	}{{"created", rep.Created}, {"updated", rep.Updated}, {"removed", rep.Removed}} {
		if s := objectsText(verb.m); s != "" {
			parts = append(parts, verb.name+" "+s)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no LMS changes")
	}
	vettrakWrites := rep.ResultsWritten + rep.CommentsWritten + rep.Marked
	if rep.Changes() > 0 || vettrakWrites == 0 {
		p.Line("LMS: %s.", strings.Join(parts, "; "))
	}
	if vettrakWrites > 0 {
		p.Line("VETtrak: %d results written, %d comments written, %d records flagged as in the LMS.",
			rep.ResultsWritten, rep.CommentsWritten, rep.Marked)
	}
	p.Line("Failures: %d.", len(rep.Failures))
	for _, f := range rep.Failures {
		p.Line("  failed %s: %s", f.Key, f.Error)
	}
	for _, c := range rep.Conflicts {
		p.Line("  for review: enrolment %d unit %s (%s): %s", c.EnrolmentID, c.UnitCode, c.Kind, c.Reason)
	}
	for _, h := range rep.Holds {
		p.Line("  held: %s", h)
	}
}

// Progress returns a progress callback for vtsync.WithProgress that prints
// one line per apply phase.
func (p *Printer) Progress() func(vtsync.Progress) {
	return func(ev vtsync.Progress) {
		if ev.Phase != vtsync.PhaseApply || ev.Total == 0 {
			return
		}
		width := len(fmt.Sprint(ev.Total))
		p.Line("applied %*d/%d  %s", width, ev.Done, ev.Total, phaseNames[vtsync.OpKind(ev.Item)])
	}
}

// phaseNames names Apply's phases by their first operation kind, which is
// what a progress event carries.
var phaseNames = map[vtsync.OpKind]string{
	vtsync.OpCreateCourse:   "courses",
	vtsync.OpCreateSection:  "sections, groups and users",
	vtsync.OpEnrol:          "enrolments",
	vtsync.OpAddMember:      "group memberships",
	vtsync.OpUnenrol:        "removals",
	vtsync.OpWriteResult:    "VETtrak results and comments",
	vtsync.OpMarkEnrolment:  "VETtrak enrolment flags",
	vtsync.OpMarkOccurrence: "VETtrak occurrence flags",
}

// Check prints the connection test in a few lines.
func (p *Printer) Check(rep *vtsync.CheckReport) {
	mark := func(ok bool) string {
		if ok {
			return "ok  "
		}
		return "FAIL"
	}
	p.Line("%s %s", mark(rep.VETtrakOK), firstLines(rep.VETtrak))
	if rep.Contract != "" {
		p.Line("%s %s", mark(rep.ContractOK), firstLines(rep.Contract))
	}
	if rep.Rules != "" {
		p.Line("%s %s", mark(rep.RulesOK), firstLines(rep.Rules))
	}
	p.Line("%s %s", mark(rep.LMSOK), firstLines(rep.LMS))
}

// firstLines keeps the sentences of a check report and drops its
// per-operation list and timings, which vary between runs.
func firstLines(s string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "Not checked") {
			continue
		}
		keep = append(keep, l)
	}
	out := strings.Join(keep, "\n        ")
	// "… in 1.234ms." is a timing: drop it so the story prints the same.
	if i := strings.Index(out, ") in "); i >= 0 {
		if j := strings.Index(out[i:], ".\n"); j >= 0 {
			out = out[:i+1] + out[i+j:]
		}
	}
	return out
}

func countsText(m map[vtsync.OpKind]int) string {
	kinds := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func objectsText(m map[vtsync.ObjectKind]int) string {
	var parts []string
	for _, k := range []vtsync.ObjectKind{vtsync.ObjectCourse, vtsync.ObjectSection, vtsync.ObjectGroup, vtsync.ObjectUser, vtsync.ObjectEnrolment, vtsync.ObjectMembership} {
		if n := m[k]; n > 0 {
			parts = append(parts, plural(n, string(k)))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// objectNames maps the SIS IDs of the plan's users, courses, sections and
// groups to names, so rows about enrolments and memberships can name them.
func objectNames(plan *vtsync.Plan) map[string]string {
	out := map[string]string{}
	codes := map[string]string{}
	for _, op := range plan.Ops {
		if op.Course != nil {
			codes[op.Course.SISID] = op.Course.Code
		}
	}
	code := func(courseSISID string) string {
		if c := codes[courseSISID]; c != "" {
			return c
		}
		return courseSISID
	}
	for _, op := range plan.Ops {
		switch {
		case op.User != nil:
			out[op.User.SISID] = op.User.DisplayName()
		case op.Course != nil:
			out[op.Course.SISID] = "course " + op.Course.Code
		case op.Section != nil:
			out[op.Section.SISID] = fmt.Sprintf("section %q of %s", op.Section.Name, code(op.Section.CourseSISID))
		case op.Group != nil:
			out[op.Group.SISID] = fmt.Sprintf("group %q of %s", op.Group.Name, code(op.Group.CourseSISID))
		}
	}
	return out
}

// Describe names the object an operation touches, in words.
func Describe(op vtsync.Op, names map[string]string) string {
	name := func(sis string) string {
		if n := names[sis]; n != "" {
			return n
		}
		return sis
	}
	switch {
	case op.Course != nil:
		return fmt.Sprintf("course %s %q", op.Course.Code, op.Course.Name)
	case op.Section != nil:
		return name(op.Section.SISID)
	case op.Group != nil:
		return name(op.Group.SISID)
	case op.User != nil:
		return fmt.Sprintf("user %s (%s)", op.User.DisplayName(), op.User.Login)
	case op.Enrolment != nil:
		in := op.Enrolment.CourseSISID
		if op.Enrolment.SectionSISID != "" {
			in = op.Enrolment.SectionSISID
		}
		return fmt.Sprintf("%s as %s in %s", name(op.Enrolment.UserSISID), op.Enrolment.Role, name(in))
	case op.Membership != nil:
		return fmt.Sprintf("%s in %s", name(op.Membership.UserSISID), name(op.Membership.GroupSISID))
	case op.Result != nil:
		return fmt.Sprintf("enrolment %d, unit %s: %s", op.Result.EnrolmentID, op.Result.UnitCode, op.Result.ResultName)
	case op.Comment != nil:
		return fmt.Sprintf("enrolment %d, unit %s: comment", op.Comment.EnrolmentID, op.Comment.UnitCode)
	case op.EnrolmentID != 0:
		return fmt.Sprintf("VETtrak enrolment %d", op.EnrolmentID)
	case op.OccurrenceID != 0:
		return fmt.Sprintf("VETtrak occurrence %d", op.OccurrenceID)
	}
	return op.Key
}

// why shortens an operation's reason to its last clause ("not enrolled",
// "does not exist"): the object column already names what it is about.
func why(op vtsync.Op) string {
	r := op.Reason
	switch {
	case strings.HasSuffix(r, "does not exist") || strings.Contains(r, "does not exist in course"):
		return "does not exist yet"
	case strings.HasPrefix(r, "adopt course"):
		return "made by hand: adopt it by giving it a SIS ID"
	case strings.Contains(r, "set VETtrak's LMS flag"):
		return "now in the LMS: set VETtrak's LMS flag"
	case strings.Contains(r, "is not in group"):
		return "not in the group"
	}
	if i := strings.LastIndex(r, ": "); i >= 0 {
		return r[i+2:]
	}
	return r
}

// Date formats a day the way Australian providers read it, in Sydney time
// (Canvas answers in UTC, where a Sydney midnight is the day before).
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Sydney()).Format("2 Jan 2006")
}
