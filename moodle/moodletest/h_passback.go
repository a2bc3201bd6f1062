package moodletest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// tracked is completion_info::is_tracked_user(): an active enrolment and
// a role with moodle/course:isincompletionreports (student by default).
func (s *Server) tracked(user, course int64) bool {
	k := ucKey{user, course}
	e, ok := s.enrolments[k]
	if !ok || !s.active(e) {
		return false
	}
	for rid := range s.roleAssign[k] {
		if s.roles[rid].Graded {
			return true
		}
	}
	return false
}

// completionStatus follows core_completion_external::
// get_course_completion_status.
func (s *Server) completionStatus(_ *Token, p map[string]any) (any, *apiError) {
	c, ok := s.courses[num(p, "courseid")]
	if !ok {
		return nil, missingRecord("course")
	}
	uid := num(p, "userid")
	if _, ok := s.users[uid]; !ok {
		return nil, missingRecord("user")
	}
	if c.EnableCompletion == 0 {
		return nil, moodleError("cannotviewreport", "You cannot view this report")
	}
	if !s.tracked(uid, c.ID) {
		return nil, moodleError("usernotenroled", "User is not enrolled in this course")
	}
	crit := s.criteria[c.ID]
	if len(crit) == 0 {
		return nil, moodleError("nocriteriaset", "No completion criteria set for this course")
	}
	k := ucKey{uid, c.ID}
	comps := []any{}
	for i, cr := range crit {
		at, done := s.critDone[k][i]
		var tc any
		status := "No"
		if done {
			tc, status = at, "Yes"
		}
		comps = append(comps, map[string]any{"type": cr.Type, "title": cr.Title, "status": status, "complete": done,
			"timecompleted": tc, "details": map[string]any{"type": cr.Title, "criteria": cr.Title,
				"requirement": "Marking yourself complete", "status": ""}})
	}
	_, completed := s.completed[k]
	return map[string]any{"completionstatus": map[string]any{"completed": completed, "aggregation": 1,
		"completions": comps}, "warnings": []any{}}, nil
}

// gradedUsers are the learners the user report lists for userid 0:
// active enrolments with a gradebook role, by id (UNCONFIRMED order).
func (s *Server) gradedUsers(course int64) []int64 {
	var out []int64
	for _, id := range sortedKeys(s.users) {
		if s.tracked(id, course) {
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) courseItems(course int64) []*GradeItem {
	return allBy(s.gradeItems, func(it *GradeItem) bool { return it.course == course })
}

// courseTotal is the course total: an override if a teacher set one, else
// the mean of the graded items as percentages (GRADE_AGGREGATE_MEAN with
// aggregateonlygraded; the fake does not implement Natural, Moodle's
// default aggregation). nil when nothing is graded.
func (s *Server) courseTotal(course, user int64) *float64 {
	if v, ok := s.totals[ucKey{user, course}]; ok {
		return &v
	}
	var sum float64
	n := 0
	for _, it := range s.courseItems(course) {
		g := s.grades[[2]int64{it.ID, user}]
		if g == nil || g.Value == nil || it.GradeMax <= it.GradeMin {
			continue
		}
		sum += (*g.Value - it.GradeMin) / (it.GradeMax - it.GradeMin) * 100
		n++
	}
	if n == 0 {
		return nil
	}
	v := math.Round(sum/float64(n)*100000) / 100000
	return &v
}

func (s *Server) letter(course int64, pct float64) string {
	ls := s.letters[course]
	if ls == nil {
		ls = defaultLetters()
	}
	for _, l := range ls {
		if pct >= l.Min {
			return l.Letter
		}
	}
	return "-"
}

func format2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// formatGrade is grade_format_gradevalue() for the real display type: two
// decimals for values, the word for scales, "-" for no grade.
func formatGrade(it *GradeItem, v *float64) string {
	if v == nil {
		return "-"
	}
	if len(it.Scale) > 0 {
		i := int(*v) - 1
		if i >= 0 && i < len(it.Scale) {
			return it.Scale[i]
		}
		return "-"
	}
	return format2(*v)
}

func (s *Server) reportItem(course, user int64, it *GradeItem, total bool) map[string]any {
	var raw *float64
	var sub, graded any
	if total {
		raw = s.courseTotal(course, user)
	} else if g := s.grades[[2]int64{it.ID, user}]; g != nil {
		raw = g.Value
		if g.DateSubmitted != 0 {
			sub = g.DateSubmitted
		}
		if g.DateGraded != 0 {
			graded = g.DateGraded
		}
	}
	m := map[string]any{
		"id": it.ID, "itemname": nil, "itemtype": "course", "itemmodule": nil, "iteminstance": it.Instance,
		"itemnumber": nil, "idnumber": it.IDNumber, "categoryid": nil, "outcomeid": nil, "scaleid": nil,
		"locked": false, "graderaw": nil, "gradedatesubmitted": sub, "gradedategraded": graded,
		"gradehiddenbydate": false, "gradeneedsupdate": false, "gradeishidden": false, "gradeislocked": false,
		"gradeisoverridden": total && s.hasOverride(course, user), "gradeformatted": formatGrade(it, raw),
		"percentageformatted": "-", "feedback": "", "feedbackformat": 0,
	}
	if raw != nil {
		m["graderaw"] = *raw
	}
	if !total {
		m["itemname"] = it.Name
		m["itemnumber"] = 0
		m["categoryid"] = 1
		if it.Module != "" {
			m["itemtype"], m["itemmodule"], m["cmid"] = "mod", it.Module, it.CMID
		} else {
			m["itemtype"] = "manual"
		}
	}
	var pct *float64
	if raw != nil && it.GradeMax > it.GradeMin {
		v := (*raw - it.GradeMin) / (it.GradeMax - it.GradeMin) * 100
		pct = &v
		m["percentageformatted"] = format2(v) + " %"
	}
	if s.opts.showRange {
		// grade_item::get_formatted_range(): min "&ndash;" max, in the
		// real display type with grade_report_user_rangedecimals (0 by
		// default) decimals; a scale shows its first and last words.
		m["grademin"], m["grademax"] = it.GradeMin, it.GradeMax
		lo, hi := strconv.FormatFloat(it.GradeMin, 'f', 0, 64), strconv.FormatFloat(it.GradeMax, 'f', 0, 64)
		if len(it.Scale) > 0 {
			lo, hi = it.Scale[0], it.Scale[len(it.Scale)-1]
		}
		m["rangeformatted"] = lo + "&ndash;" + hi
	}
	if s.opts.showLetterGrade {
		m["lettergradeformatted"] = "-"
		if pct != nil {
			m["lettergradeformatted"] = s.letter(course, *pct)
		}
	}
	return m
}

func (s *Server) hasOverride(course, user int64) bool {
	_, ok := s.totals[ucKey{user, course}]
	return ok
}

// gradeItemsReport follows gradereport_user\external\user::get_grade_items:
// the course must exist, a named user must exist; for userid 0 every
// graded learner. Items in id order, the course total last.
func (s *Server) gradeItemsReport(_ *Token, p map[string]any) (any, *apiError) {
	c, ok := s.courses[num(p, "courseid")]
	if !ok {
		return nil, missingRecord("course")
	}
	users := s.gradedUsers(c.ID)
	if uid := num(p, "userid"); uid != 0 {
		if _, ok := s.users[uid]; !ok {
			return nil, missingRecord("user")
		}
		users = []int64{uid}
	}
	totalItem := &GradeItem{ID: c.ID*1000 + 1, Instance: c.ID, GradeMax: 100}
	out := []any{}
	for _, uid := range users {
		u := s.users[uid]
		items := []any{}
		for _, it := range s.courseItems(c.ID) {
			items = append(items, s.reportItem(c.ID, uid, it, false))
		}
		items = append(items, s.reportItem(c.ID, uid, totalItem, true))
		out = append(out, map[string]any{"courseid": c.ID, "courseidnumber": c.IDNumber, "userid": uid,
			"userfullname": u.FirstName + " " + u.LastName, "useridnumber": u.IDNumber, "maxdepth": 2,
			"gradeitems": items})
	}
	return map[string]any{"usergrades": out, "warnings": []any{}}, nil
}

// getAssignments follows mod_assign_external::get_assignments. The fake's
// admin token sees every course; without includenotenrolledcourses a
// course the admin is not enrolled in is dropped with warning 2.
func (s *Server) getAssignments(_ *Token, p map[string]any) (any, *apiError) {
	ids := ints(p, "courseids")
	if len(ids) == 0 {
		// "my enrolled courses": the admin is enrolled in none.
		return map[string]any{"courses": []any{}, "warnings": []any{}}, nil
	}
	courses, warnings := []any{}, []any{}
	for _, id := range ids {
		c, ok := s.courses[id]
		if !ok || !boolean(p, "includenotenrolledcourses") {
			warnings = append(warnings, map[string]any{"item": "course", "itemid": id, "warningcode": "2",
				"message": "User is not enrolled or does not have requested capability"})
			continue
		}
		as := []any{}
		for _, aid := range sortedKeys(s.assignments) {
			a := s.assignments[aid]
			if a.Course != id {
				continue
			}
			as = append(as, map[string]any{"id": a.ID, "cmid": a.CMID, "course": a.Course, "name": formatted(a.Name),
				"nosubmissions": 0, "submissiondrafts": 0, "sendnotifications": 0, "sendlatenotifications": 0,
				"sendstudentnotifications": 1, "duedate": a.DueDate, "allowsubmissionsfromdate": 0, "grade": a.Grade,
				"timemodified": 0, "completionsubmit": 0, "cutoffdate": 0, "gradingduedate": 0, "teamsubmission": 0,
				"requireallteammemberssubmit": 0, "teamsubmissiongroupingid": 0, "blindmarking": 0, "hidegrader": 0,
				"revealidentities": 0, "attemptreopenmethod": "untilpass", "maxattempts": -1, "markingworkflow": 0,
				"markingallocation": 0, "markinganonymous": 0, "requiresubmissionstatement": 0, "configs": []any{}})
		}
		courses = append(courses, map[string]any{"id": c.ID, "fullname": formatted(c.FullName),
			"shortname": formatted(c.ShortName), "timemodified": c.TimeModified, "assignments": as})
	}
	return map[string]any{"courses": courses, "warnings": warnings}, nil
}

// getSubmissions follows mod_assign_external::get_submissions: the latest
// attempt of each learner; none ⇒ an empty list and warning 3.
func (s *Server) getSubmissions(_ *Token, p map[string]any) (any, *apiError) {
	out, warnings := []any{}, []any{}
	status := str(p, "status")
	for _, aid := range ints(p, "assignmentids") {
		a, ok := s.assignments[aid]
		if !ok {
			warnings = append(warnings, map[string]any{"item": "module", "itemid": aid, "warningcode": "1",
				"message": "No access rights in module context"})
			continue
		}
		subs := []any{}
		var uids []int64
		for k := range s.submissions {
			if k[0] == aid {
				uids = append(uids, k[1])
			}
		}
		slices.Sort(uids)
		for _, uid := range uids {
			sub := s.submissions[[2]int64{aid, uid}]
			if status != "" && sub.Status != status {
				continue
			}
			gs := "notgraded"
			if it := s.itemFor("assign", a.ID); it != nil {
				if g := s.grades[[2]int64{it.ID, uid}]; g != nil && g.Value != nil {
					gs = "graded"
				}
			}
			subs = append(subs, map[string]any{"id": sub.ID, "userid": uid, "attemptnumber": 0,
				"timecreated": sub.TimeCreated, "timemodified": sub.TimeModified, "status": sub.Status, "groupid": 0,
				"assignment": a.ID, "latest": 1, "plugins": []any{}, "gradingstatus": gs})
		}
		if len(subs) == 0 {
			warnings = append(warnings, map[string]any{"item": "module", "itemid": aid, "warningcode": "3",
				"message": fmt.Sprintf("No submissions found")})
		}
		out = append(out, map[string]any{"assignmentid": aid, "submissions": subs})
	}
	return map[string]any{"assignments": out, "warnings": warnings}, nil
}

func (s *Server) itemFor(module string, instance int64) *GradeItem {
	for _, it := range s.gradeItems {
		if it.Module == module && it.Instance == instance {
			return it
		}
	}
	return nil
}
