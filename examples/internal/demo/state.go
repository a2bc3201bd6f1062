package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// LMSState prints every course the LMS holds with a SIS ID: its sections,
// groups and who is in them, then the users.
func (p *Printer) LMSState(ctx context.Context, l lms.LMS) error {
	courses, err := l.ListCourses(ctx)
	if err != nil {
		return fmt.Errorf("list courses: %w", err)
	}
	var ids []string
	for _, c := range courses {
		if c.SISID != "" {
			ids = append(ids, c.SISID)
		}
	}
	st, err := l.ReadState(ctx, ids)
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	// Canvas lists in creation order; sort so the printout is the same on
	// every run.
	slices.SortFunc(st.Courses, func(a, b lms.Course) int { return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.SISID, b.SISID)) })
	names := map[string]string{}
	for _, u := range st.Users {
		names[u.SISID] = u.DisplayName()
	}
	for _, c := range st.Courses {
		p.Line("Course %s %q (SIS ID %s)", c.Code, c.Name, c.SISID)
		if c.Start != nil && c.End != nil {
			// A course ends when its last day ends (the next midnight):
			// name the last day, as VETtrak does.
			p.Line("    runs %s to %s", Date(*c.Start), Date(c.End.Add(-time.Second)))
		}
		bySection := map[string][]string{}
		var teachers, students []string
		for _, e := range st.Enrolments {
			if e.CourseSISID != c.SISID || e.Status != lms.StatusActive {
				continue
			}
			label := names[e.UserSISID]
			if e.Role != lms.RoleStudent {
				label += " (" + string(e.Role) + ")"
			}
			if e.SectionSISID != "" {
				bySection[e.SectionSISID] = append(bySection[e.SectionSISID], label)
			} else if e.Role == lms.RoleStudent {
				students = append(students, label)
			} else {
				teachers = append(teachers, label)
			}
		}
		var rows [][]string
		for _, s := range st.Sections {
			if s.CourseSISID == c.SISID {
				rows = append(rows, []string{"section", strQuote(s.Name), joinSorted(bySection[s.SISID])})
			}
		}
		for _, g := range st.Groups {
			if g.CourseSISID != c.SISID {
				continue
			}
			var members []string
			for _, m := range st.Memberships {
				if m.GroupSISID == g.SISID && m.Status == lms.StatusActive {
					members = append(members, names[m.UserSISID])
				}
			}
			rows = append(rows, []string{"group", strQuote(g.Name), joinSorted(members)})
		}
		slices.SortFunc(rows, func(a, b []string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
		p.rows("    ", rows)
		if len(students) > 0 {
			p.Line("    students (no section): %s", joinSorted(students))
		}
		if len(teachers) > 0 {
			p.Line("    staff (whole course):  %s", joinSorted(teachers))
		}
	}
	rows := make([][]string, 0, len(st.Users))
	for _, u := range st.Users {
		rows = append(rows, []string{u.DisplayName(), u.Login, u.SISID, u.TimeZone})
	}
	slices.SortFunc(rows, func(a, b []string) int { return cmp.Compare(a[2], b[2]) })
	p.Blank()
	p.Table([]string{"USER", "LOGIN", "SIS ID", "TIME ZONE"}, rows)
	return nil
}

func strQuote(s string) string { return fmt.Sprintf("%q", s) }

func joinSorted(xs []string) string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if len(xs) == 0 {
		return "(nobody)"
	}
	return strings.Join(xs, ", ")
}
