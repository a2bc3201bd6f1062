package canvastest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (x *rctx) renderAssignment(a *Assignment) map[string]any {
	state := "unpublished"
	if a.Published {
		state = "published"
	}
	return map[string]any{
		"id": x.id(a.ID), "name": a.Name, "course_id": x.id(a.CourseID), "assignment_group_id": nil,
		"points_possible": a.PointsPossible, "grading_type": a.GradingType, "published": a.Published,
		"workflow_state": state, "due_at": timeOrNull(a.DueAt), "post_to_sis": a.PostToSIS,
		"integration_id": nil, "omit_from_final_grade": false, "submission_types": []string{"online_upload"},
		"position": a.Position, "html_url": "/courses/" + itoa(a.CourseID) + "/assignments/" + itoa(a.ID),
		"description": nil, "muted": false, "anonymous_grading": false,
	}
}

func (s *Server) listAssignments(x *rctx, c *Course) {
	want := map[int64]bool{}
	for _, v := range x.list("assignment_ids") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			want[id] = true
		}
	}
	term := strings.ToLower(x.param("search_term"))
	all := sorted(s.assignments, func(a *Assignment) int64 { return a.ID }, func(a *Assignment) bool {
		return a.CourseID == c.ID && (len(want) == 0 || want[a.ID]) &&
			(term == "" || strings.Contains(strings.ToLower(a.Name), term))
	})
	if x.param("order_by") == "name" {
		slices.SortStableFunc(all, func(a, b *Assignment) int { return strings.Compare(a.Name, b.Name) })
	} else {
		slices.SortStableFunc(all, func(a, b *Assignment) int { return a.Position - b.Position })
	}
	writePage(x, all, func(a *Assignment) int64 { return a.ID }, numbered, x.renderAssignment)
}

func (s *Server) getAssignment(x *rctx) {
	a := s.courseAssignment(x)
	if a == nil {
		x.notFound()
		return
	}
	x.json(http.StatusOK, x.renderAssignment(a))
}

func (s *Server) courseAssignment(x *rctx) *Assignment {
	c := s.findCourse(x.params[0], false)
	r, ok := parseRef(x.params[1])
	if c == nil || !ok || r.field != "" {
		return nil
	}
	a := s.assignments[r.id]
	if a == nil || a.CourseID != c.ID {
		return nil
	}
	return a
}

func gradeString(a *Assignment, sub *Submission) any {
	if sub.Grade != "" {
		return sub.Grade
	}
	if sub.Score == nil {
		return nil
	}
	if a.GradingType == "pass_fail" {
		if *sub.Score > 0 {
			return "complete"
		}
		return "incomplete"
	}
	return strconv.FormatFloat(*sub.Score, 'f', -1, 64)
}

func (x *rctx) renderSubmission(a *Assignment, sub *Submission) map[string]any {
	var score any
	if sub.Score != nil {
		score = *sub.Score
	}
	var attempt, grader any
	if sub.Attempt > 0 {
		attempt = sub.Attempt
	}
	if sub.WorkflowState == "graded" {
		grader = x.id(x.s.adminUser)
	}
	m := map[string]any{
		"id": x.id(sub.ID), "assignment_id": x.id(sub.AssignmentID), "user_id": x.id(sub.UserID),
		"grade": gradeString(a, sub), "score": score, "entered_grade": gradeString(a, sub), "entered_score": score,
		"attempt": attempt, "workflow_state": sub.WorkflowState, "grade_matches_current_submission": true,
		"submitted_at": timeOrNull(sub.SubmittedAt), "graded_at": timeOrNull(sub.GradedAt),
		"posted_at": timeOrNull(sub.GradedAt), "grader_id": grader, "late": sub.Late, "missing": sub.Missing,
		"excused": sub.Excused, "late_policy_status": nil, "points_deducted": nil, "seconds_late": 0,
		"assignment_visible": true, "submission_type": nil, "body": nil, "url": nil,
	}
	if x.includes("assignment") {
		m["assignment"] = x.renderAssignment(a)
	}
	if x.includes("user") {
		if u := x.s.users[sub.UserID]; u != nil {
			m["user"] = x.renderUser(u, false)
		}
	}
	return m
}

// submissionFor returns the stored submission, creating the unsubmitted
// row Canvas keeps for every assigned student the first time it is read.
func (s *Server) submissionFor(a *Assignment, userID int64) *Submission {
	if sub := s.findSubmission(a.ID, userID); sub != nil {
		return sub
	}
	sub := &Submission{ID: s.nextID(), AssignmentID: a.ID, UserID: userID, WorkflowState: "unsubmitted"}
	s.submissions[sub.ID] = sub
	return sub
}

func (s *Server) listStudentSubmissions(x *rctx, c *Course) {
	s.studentSubmissions(x, c, 0)
}

func (s *Server) listSectionStudentSubmissions(x *rctx, sec *Section) {
	s.studentSubmissions(x, s.courses[sec.CourseID], sec.ID)
}

// studentSubmissions follows submissions_api_controller#for_students.
func (s *Server) studentSubmissions(x *rctx, c *Course, sectionID int64) {
	ids := x.list("student_ids")
	all := slices.Contains(ids, "all")
	if !all && len(ids) > x.s.opts.perPageMax {
		x.errorString(http.StatusBadRequest, "too many students")
		return
	}
	var states []string
	switch es := x.param("enrollment_state"); es {
	case "":
		states = []string{"active", "invited", "creation_pending", "inactive", "completed"}
	case "active":
		states = []string{"active", "invited", "creation_pending"}
	case "concluded":
		states = []string{"completed"}
	default:
		x.errorString(http.StatusBadRequest, "invalid enrollment_state")
		return
	}
	var gradedSince, submittedSince *time.Time
	for _, f := range []struct {
		key string
		dst **time.Time
	}{{"graded_since", &gradedSince}, {"submitted_since", &submittedSince}} {
		if v := x.param(f.key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{f.key: "Invalid datetime for " + f.key}})
				return
			}
			*f.dst = &t
		}
	}
	// Students: enrolled as students in the course (or section).
	studentSection := map[int64]int64{}
	for _, e := range s.enrollments {
		if e.CourseID == c.ID && e.Type == "StudentEnrollment" && slices.Contains(states, e.State) &&
			(sectionID == 0 || e.SectionID == sectionID) {
			studentSection[e.UserID] = e.SectionID
		}
	}
	var students []int64
	if all {
		for u := range studentSection {
			students = append(students, u)
		}
	} else {
		for _, v := range ids {
			if u := s.findUser(v); u != nil {
				if _, ok := studentSection[u.ID]; ok && !slices.Contains(students, u.ID) {
					students = append(students, u.ID)
				}
			}
		}
	}
	slices.Sort(students)
	var assignments []*Assignment
	if want := x.list("assignment_ids"); len(want) > 0 {
		for _, v := range want {
			id, err := strconv.ParseInt(v, 10, 64)
			a := s.assignments[id]
			if err != nil || a == nil || a.CourseID != c.ID {
				x.errorString(http.StatusForbidden, "invalid assignment ids requested")
				return
			}
			if a.Published && !slices.Contains(assignments, a) {
				assignments = append(assignments, a)
			}
		}
	} else {
		assignments = sorted(s.assignments, func(a *Assignment) int64 { return a.ID }, func(a *Assignment) bool {
			return a.CourseID == c.ID && a.Published
		})
	}
	wf := x.param("workflow_state")
	keep := func(sub *Submission) bool {
		if wf != "" && sub.WorkflowState != wf {
			return false
		}
		if gradedSince != nil && (sub.GradedAt == nil || sub.GradedAt.Before(*gradedSince)) {
			return false
		}
		if submittedSince != nil && (sub.SubmittedAt == nil || sub.SubmittedAt.Before(*submittedSince)) {
			return false
		}
		return true
	}
	byID := map[int64]*Assignment{}
	for _, a := range assignments {
		byID[a.ID] = a
	}

	if grouped, _ := x.boolParam("grouped"); grouped {
		page, ok := paginate(x, students, func(u int64) int64 { return u }, numberedNoLast)
		if !ok {
			return
		}
		out := make([]any, 0, len(page))
		for _, uid := range page {
			subs := []any{}
			for _, a := range assignments {
				if sub := s.submissionFor(a, uid); keep(sub) {
					subs = append(subs, x.renderSubmission(a, sub))
				}
			}
			u := s.users[uid]
			m := map[string]any{"user_id": x.id(uid), "section_id": x.id(studentSection[uid]), "submissions": subs}
			x.sis(m, "sis_user_id", strOrNull(u.SISUserID), "integration_id", strOrNull(u.IntegrationID))
			if x.includes("total_scores") {
				var e *Enrollment
				for _, v := range s.enrollments {
					if v.CourseID == c.ID && v.UserID == uid && v.Type == "StudentEnrollment" {
						e = v
					}
				}
				if e != nil {
					cur, fin, _ := s.grades(e)
					m["computed_current_score"], m["computed_final_score"] = cur, fin
				}
			}
			out = append(out, m)
		}
		x.listJSON(out)
		return
	}

	var subs []*Submission
	for _, uid := range students {
		for _, a := range assignments {
			if sub := s.submissionFor(a, uid); keep(sub) {
				subs = append(subs, sub)
			}
		}
	}
	slices.SortFunc(subs, func(a, b *Submission) int { return cmp.Compare(a.ID, b.ID) })
	writePage(x, subs, func(sub *Submission) int64 { return sub.ID }, bookmarked, func(sub *Submission) map[string]any { return x.renderSubmission(byID[sub.AssignmentID], sub) })
}

func (s *Server) listAssignmentSubmissions(x *rctx) {
	a := s.courseAssignment(x)
	if a == nil {
		x.notFound()
		return
	}
	var subs []*Submission
	for _, e := range sorted(s.enrollments, func(e *Enrollment) int64 { return e.ID }, nil) {
		if e.CourseID == a.CourseID && e.Type == "StudentEnrollment" && e.State != "deleted" {
			sub := s.submissionFor(a, e.UserID)
			if !slices.Contains(subs, sub) {
				subs = append(subs, sub)
			}
		}
	}
	slices.SortFunc(subs, func(a, b *Submission) int { return cmp.Compare(a.ID, b.ID) })
	writePage(x, subs, func(sub *Submission) int64 { return sub.ID }, numbered, func(sub *Submission) map[string]any { return x.renderSubmission(a, sub) })
}

const noProgress = "no progress available because this course is not module based (has modules and module completion requirements) or the user is not enrolled as a student in this course"

func (s *Server) isStudent(courseID, userID int64) bool {
	for _, e := range s.enrollments {
		if e.CourseID == courseID && e.UserID == userID && e.Type == "StudentEnrollment" && e.State != "deleted" {
			return true
		}
	}
	return false
}

func (x *rctx) renderProgress(c *Course, userID int64) map[string]any {
	p := x.s.progress[[2]int64{c.ID, userID}]
	done := 0
	var completedAt *time.Time
	if p != nil {
		done, completedAt = p.Completed, p.CompletedAt
	}
	var next any
	if done < c.ModuleRequirements {
		next = "/courses/" + itoa(c.ID) + "/modules/items/" + strconv.Itoa(done+1)
	}
	return map[string]any{"requirement_count": c.ModuleRequirements, "requirement_completed_count": done,
		"next_requirement_url": next, "completed_at": timeOrNull(completedAt)}
}

// userProgress answers 400 with an "error" key when progress is
// unavailable, as CourseProgress does.
func (s *Server) userProgress(x *rctx) {
	c := s.findCourse(x.params[0], false)
	u := s.findUser(x.params[1])
	if c == nil || u == nil {
		x.notFound()
		return
	}
	if c.ModuleRequirements == 0 || !s.isStudent(c.ID, u.ID) {
		x.json(http.StatusBadRequest, map[string]any{"error": map[string]any{"message": noProgress}})
		return
	}
	x.json(http.StatusOK, x.renderProgress(c, u.ID))
}

// bulkUserProgress lists every student's progress. Unconfirmed shape (see
// canvas.CoursesService.BulkUserProgress); the fake answers 400 like
// userProgress when the course has no module requirements.
func (s *Server) bulkUserProgress(x *rctx, c *Course) {
	if c.ModuleRequirements == 0 {
		x.json(http.StatusBadRequest, map[string]any{"error": map[string]any{"message": noProgress}})
		return
	}
	var students []int64
	for _, e := range sorted(s.enrollments, func(e *Enrollment) int64 { return e.UserID }, nil) {
		if e.CourseID == c.ID && e.Type == "StudentEnrollment" && e.State != "deleted" && !slices.Contains(students, e.UserID) {
			students = append(students, e.UserID)
		}
	}
	writePage(x, students, func(u int64) int64 { return u }, numberedNoLast, func(uid int64) map[string]any {
		u := s.users[uid]
		return map[string]any{"id": x.id(uid), "display_name": u.Name, "avatar_image_url": nil,
			"html_url": "/courses/" + itoa(c.ID) + "/users/" + itoa(uid), "pronouns": nil,
			"progress": x.renderProgress(c, uid)}
	})
}
