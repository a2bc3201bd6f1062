package mapping

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak/record"
)

// CommencementMode says whether and how the first LMS activity date is
// recorded in the enrolled unit's comment.
type CommencementMode string

// Commencement modes.
const (
	// CommencementOff records nothing ("" means the same).
	CommencementOff CommencementMode = "off"
	// CommencementAppend adds one line (CommencementPrefix + date) to the
	// existing comment, or moves the date of that line when earlier
	// activity turns up. Other text is kept.
	CommencementAppend CommencementMode = "append"
	// CommencementReplace makes the comment that one line (the Coassemble
	// behaviour). Text the ledger did not write is not replaced unless
	// Policy.OverwriteManual; such cases go to review.
	CommencementReplace CommencementMode = "replace"
)

// DefaultCommencementPrefix starts the commencement line.
const DefaultCommencementPrefix = "LMS commencement: "

// commencement computes the enrolled unit's new comment text recording the
// first LMS activity. It returns "" when nothing changes, and a conflict
// reason when the change would destroy hand-entered text.
func (r *resulter) commencement(eu record.EnrolledUnit, ev UnitEvidence, ledger *LedgerEntry) (text, reason, conflict string) {
	if ev.FirstActivity == nil || r.rc.Commencement == "" || r.rc.Commencement == CommencementOff {
		return "", "", ""
	}
	loc := r.rc.Location
	day := dayIn(*ev.FirstActivity, loc)
	prefix := r.rc.CommencementPrefix
	line := prefix + day.Format(time.DateOnly)
	cur := eu.Comment
	reason = fmt.Sprintf("first LMS activity %s in course %q", day.Format(time.DateOnly), ev.CourseSISID)
	switch r.rc.Commencement {
	case CommencementReplace:
		if containsLine(cur, line) && r.onlyOwnLines(cur) {
			return "", "", ""
		}
		ours := ledger != nil && ledger.Comment == cur || r.onlyOwnLines(cur)
		if strings.TrimSpace(cur) != "" && !ours && !r.rc.Policy.OverwriteManual {
			return "", "", fmt.Sprintf("replacing the comment with %q would destroy text not written by the SDK; use append mode or OverwriteManual", line)
		}
		return line, reason, ""
	}
	lines := strings.Split(cur, "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), prefix)
		if !ok {
			continue
		}
		if old, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(rest), loc); err == nil && !old.After(day) {
			return "", "", "" // already recorded, same or earlier date
		}
		lines[i] = line // earlier activity found (or an unreadable date): fix our line only
		return strings.Join(lines, "\n"), reason + " (earlier than recorded)", ""
	}
	return appendLine(cur, line), reason, ""
}

// auditPrefix starts the audit line AuditComments adds.
const auditPrefix = "vtsync: "

// onlyOwnLines reports whether every line of a comment is one the SDK
// writes (commencement or audit lines).
func (r *resulter) onlyOwnLines(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, r.rc.CommencementPrefix) && !strings.HasPrefix(l, auditPrefix) {
			return false
		}
	}
	return true
}

func containsLine(text, line string) bool {
	return slices.ContainsFunc(strings.Split(text, "\n"), func(l string) bool { return strings.TrimSpace(l) == line })
}

func appendLine(text, line string) string {
	t := strings.TrimRight(text, "\n")
	if strings.TrimSpace(t) == "" {
		return line
	}
	return t + "\n" + line
}
