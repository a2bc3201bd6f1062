package canvaslms

import (
	"context"
	"fmt"
	"strings"

	"github.com/vtsync/vtsync/canvas"
)

// checkCourseCap bounds how many courses Check counts, so a connection
// test on a large instance stays a few requests.
const checkCourseCap = 1000

// Check tests the connection and says in words what the token can do: who
// it belongs to, which account it works in, how many courses it sees and
// whether Canvas shows it SIS IDs (which needs manage_sis or read_sis; a
// sync needs manage_sis to write them). It returns an error when Canvas
// cannot be reached or refuses the token.
//
// Canvas has no call that lists a token's permissions, so SIS access is
// inferred: SIS IDs visible on courses or on the account prove it; their
// absence is reported as "none visible", which also happens on an
// instance with no SIS data yet.
func (l *LMS) Check(ctx context.Context) (string, error) {
	const op = "Check"
	if err := begin(ctx); err != nil {
		return "", err
	}
	me, err := l.c.Users.Get(ctx, canvas.Self)
	if err != nil {
		return "", wrap(op, "", "", err)
	}
	acct, err := l.c.Accounts.Get(ctx, l.cfg.account)
	if err != nil {
		return "", wrap(op, "", "", err)
	}
	courses, withSIS := 0, 0
	for c, err := range l.c.Courses.ListInAccount(ctx, l.cfg.account, nil) {
		if err != nil {
			return "", wrap(op, "", "", err)
		}
		courses++
		if c.SISCourseID != "" {
			withSIS++
		}
		if courses >= checkCourseCap {
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "connected to %s as %s", strings.TrimSuffix(l.c.BaseURL(), "/api/v1/"), me.Name)
	if me.LoginID != "" {
		fmt.Fprintf(&b, " (login %s)", me.LoginID)
	}
	fmt.Fprintf(&b, "; account %q", acct.Name)
	count := fmt.Sprint(courses)
	if courses >= checkCourseCap {
		count = fmt.Sprintf("at least %d", checkCourseCap)
	}
	fmt.Fprintf(&b, "; %s course", count)
	if courses != 1 {
		b.WriteString("s")
	}
	switch {
	case withSIS > 0:
		fmt.Fprintf(&b, ", %d with SIS IDs: the token sees SIS IDs (manage_sis or read_sis)", withSIS)
	case acct.SISAccountID != "":
		b.WriteString(": the token sees SIS IDs (manage_sis or read_sis)")
	default:
		b.WriteString(", none with a visible SIS ID: either none has one yet or the token lacks manage_sis")
	}
	return b.String(), nil
}
