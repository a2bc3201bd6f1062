package console

import (
	"fmt"
	"slices"
	"strings"

	vtsync "github.com/vtsync/vtsync/sync"
)

// Describe puts the plan's operations in words, by name, grouped by
// course:
//
//	IST101 Introduction to Statistics (Term 1)
//	  John Smith → student
//	  create group Term 1
//
// Operations outside a course (users, VETtrak writes) come last under
// their own headings. SIS IDs are left to the plan's JSON form.
func Describe(ops []vtsync.Op, names vtsync.Names) []Group {
	var order []string
	groups := map[string]*Group{}
	add := func(key, title, line string) {
		g, ok := groups[key]
		if !ok {
			g = &Group{Title: title}
			groups[key] = g
			order = append(order, key)
		}
		g.Lines = append(g.Lines, line)
	}
	// A learner's enrolment and group membership in one course read as
	// one line: "John Smith → student in IST101 Statistics (Term 1)".
	groupOf := map[string]string{} // course|user → group name
	merged := map[int]bool{}
	for i, op := range ops {
		if m := op.Membership; m != nil && op.Kind == vtsync.OpAddMember {
			if c := names.GroupCourses[m.GroupSISID]; c != "" {
				k := c + "|" + m.UserSISID
				if _, dup := groupOf[k]; !dup && enrolledIn(ops, c, m.UserSISID) {
					groupOf[k] = nameOr(names.Groups, m.GroupSISID)
					merged[i] = true
				}
			}
		}
	}
	for i, op := range ops {
		if merged[i] {
			continue
		}
		key, title := opGroup(op, names)
		line := describeOp(op, names)
		if e := op.Enrolment; e != nil && op.Kind == vtsync.OpEnrol {
			line += " in " + title
			if g := groupOf[e.CourseSISID+"|"+e.UserSISID]; g != "" {
				line += " (" + g + ")"
			}
		}
		add(key, title, line)
	}
	// Courses first, by title; then people; then VETtrak writes.
	rank := func(k string) int {
		switch {
		case strings.HasPrefix(k, "~people"):
			return 1
		case strings.HasPrefix(k, "~vettrak"):
			return 2
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(groups[a].Title, groups[b].Title)
	})
	out := make([]Group, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out
}

// Group is the operations under one heading (a course, "People", "Back to
// VETtrak"), one sentence each.
type Group struct {
	Title string
	Lines []string
}

// opGroup is the heading an operation is listed under.
func opGroup(op vtsync.Op, names vtsync.Names) (key, title string) {
	switch {
	case op.User != nil:
		return "~people", "People"
	case op.Result != nil, op.Comment != nil, op.Kind.IsVETtrakWrite():
		return "~vettrak", "Back to VETtrak"
	}
	course := courseID(op, names)
	if course == "" && op.Membership != nil {
		return "~group:" + op.Membership.GroupSISID, "Group " + nameOr(names.Groups, op.Membership.GroupSISID)
	}
	if course == "" {
		return "~other", "Other"
	}
	return course, nameOr(names.Courses, course)
}

// courseID is the SIS ID of the course an operation changes something
// in; "" for one outside any course (a user, a VETtrak flag) or in a group
// whose course the names do not know.
func courseID(op vtsync.Op, names vtsync.Names) string {
	switch {
	case op.Course != nil:
		return op.Course.SISID
	case op.Section != nil:
		return op.Section.CourseSISID
	case op.Group != nil:
		return op.Group.CourseSISID
	case op.Enrolment != nil:
		return op.Enrolment.CourseSISID
	case op.Membership != nil:
		return names.GroupCourses[op.Membership.GroupSISID]
	case op.Result != nil:
		return op.Result.CourseSISID
	}
	return ""
}

// enrolledIn reports whether ops enrol user in course.
func enrolledIn(ops []vtsync.Op, course, user string) bool {
	return slices.ContainsFunc(ops, func(op vtsync.Op) bool {
		return op.Kind == vtsync.OpEnrol && op.Enrolment != nil &&
			op.Enrolment.CourseSISID == course && op.Enrolment.UserSISID == user
	})
}

// describeOp is one operation in words, by name.
func describeOp(op vtsync.Op, n vtsync.Names) string {
	switch {
	case op.Enrolment != nil:
		e := op.Enrolment
		who := nameOr(n.Users, e.UserSISID)
		where := ""
		if e.SectionSISID != "" {
			where = " (section " + nameOr(n.Sections, e.SectionSISID) + ")"
		}
		if op.Kind == vtsync.OpUnenrol {
			return fmt.Sprintf("%s ✗ %s %s%s", who, e.Role, e.Status, where)
		}
		return fmt.Sprintf("%s → %s%s", who, e.Role, where)
	case op.Membership != nil:
		m := op.Membership
		who, grp := nameOr(n.Users, m.UserSISID), nameOr(n.Groups, m.GroupSISID)
		if op.Kind == vtsync.OpRemoveMember {
			return fmt.Sprintf("%s ✗ leaves group %s", who, grp)
		}
		return fmt.Sprintf("%s → group %s", who, grp)
	case op.Course != nil:
		return verb(op.Kind) + " course " + courseText(op.Course.Code, op.Course.Name)
	case op.Section != nil:
		return verb(op.Kind) + " section " + op.Section.Name
	case op.Group != nil:
		return verb(op.Kind) + " group " + op.Group.Name
	case op.User != nil:
		s := verb(op.Kind) + " user " + op.User.DisplayName()
		if op.User.Email != "" {
			s += " <" + op.User.Email + ">"
		}
		return s
	case op.Result != nil:
		r := op.Result
		s := fmt.Sprintf("%s: %s %s (%s in %s)", nameOr(n.Users, r.UserSISID), r.UnitCode, r.ResultName,
			r.Outcome, nameOr(n.Courses, r.CourseSISID))
		if r.Scope != "" {
			// Which rule set decided it (issue 19): scoped rules differ
			// per occurrence or programme.
			s += " [rules " + r.Scope + "]"
		}
		return s
	case op.Comment != nil:
		return fmt.Sprintf("comment on enrolment %d, unit %s", op.Comment.EnrolmentID, op.Comment.UnitCode)
	case op.Kind == vtsync.OpMarkEnrolment:
		return fmt.Sprintf("mark enrolment %d as transferred", op.EnrolmentID)
	case op.Kind == vtsync.OpMarkOccurrence:
		return fmt.Sprintf("mark occurrence %d as transferred", op.OccurrenceID)
	}
	return string(op.Kind) + " " + op.Key
}

func verb(k vtsync.OpKind) string {
	s := string(k)
	if i := strings.IndexByte(s, '_'); i > 0 {
		return s[:i]
	}
	return s
}

func courseText(code, name string) string {
	if code == "" || strings.HasPrefix(name, code) {
		return name
	}
	return code + " " + name
}

// nameOr is the name under id, else id itself.
func nameOr(m map[string]string, id string) string {
	if s := strings.TrimSpace(m[id]); s != "" {
		return s
	}
	return id
}
