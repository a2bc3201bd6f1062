package moodletest

import (
	"errors"
	"slices"
	"time"
)

// Seeding and inspection: what a person does in Moodle's own pages, and
// what a test wants to look at, without going through the web service.

// SeedCourse adds a course as a person would (idnumber may be empty) and
// returns its id; 0 when its shortname, or its non-empty idnumber, is
// taken (Moodle's own checks). It gets an enabled manual enrolment
// instance and completion tracking, as a new course does by default.
func (s *Server) SeedCourse(c Course) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.courses {
		if x.ShortName == c.ShortName || (c.IDNumber != "" && x.IDNumber == c.IDNumber) {
			return 0
		}
	}
	c.ID = s.nextID()
	if c.CategoryID == 0 {
		c.CategoryID = 1
	}
	if c.Format == "" {
		c.Format = "topics"
	}
	c.Visible, c.EnableCompletion = 1, 1
	c.ManualEnrol, c.ManualEnabled = true, true
	c.TimeCreated, c.TimeModified = s.now(), s.now()
	s.courses[c.ID] = &c
	return c.ID
}

// SetManualEnrol changes a course's manual enrolment instance: present or
// not, enabled or not.
func (s *Server) SetManualEnrol(courseID int64, present, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.courses[courseID]; c != nil {
		c.ManualEnrol, c.ManualEnabled = present, enabled
	}
}

// AddCategory adds a course category and returns its id.
func (s *Server) AddCategory(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID()
	s.categories[id] = name
	return id
}

// SeedUser adds a user and returns its id (no checks: an administrator can
// make users the web service would refuse).
func (s *Server) SeedUser(u User) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.ID = s.nextID()
	if u.Timezone == "" {
		u.Timezone = "99"
	}
	if u.Auth == "" {
		u.Auth = "manual"
	}
	s.users[u.ID] = &u
	return u.ID
}

// Course returns a copy of a course, and whether it exists.
func (s *Server) Course(id int64) (Course, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.courses[id]
	if !ok {
		return Course{}, false
	}
	return *c, true
}

// CourseByIDNumber returns the course with that idnumber.
func (s *Server) CourseByIDNumber(idnumber string) (Course, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.courseBy(func(c *Course) bool { return c.IDNumber == idnumber }); c != nil {
		return *c, true
	}
	return Course{}, false
}

// UserByIDNumber returns the first user with that idnumber.
func (s *Server) UserByIDNumber(idnumber string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userBy(func(u *User) bool { return u.IDNumber == idnumber }); u != nil {
		return *u, true
	}
	return User{}, false
}

// EnrolmentState is a user's manual enrolment in a course.
type EnrolmentState struct {
	Suspended bool
	TimeStart int64
	TimeEnd   int64
	Roles     []int64
	Groups    []string // group names
}

// Enrolment returns a user's enrolment in a course, and whether there is
// one.
func (s *Server) Enrolment(userID, courseID int64) (EnrolmentState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ucKey{userID, courseID}
	e, ok := s.enrolments[k]
	if !ok {
		return EnrolmentState{}, false
	}
	st := EnrolmentState{Suspended: e.status == 1, TimeStart: e.timeStart, TimeEnd: e.timeEnd, Roles: sortedKeys(s.roleAssign[k])}
	for _, gid := range sortedKeys(s.groups) {
		if g := s.groups[gid]; g.CourseID == courseID && g.Members[userID] {
			st.Groups = append(st.Groups, g.Name)
		}
	}
	return st, true
}

// SetAccess records a learner's first access to the site and last access
// to a course (user.firstaccess, user_lastaccess).
func (s *Server) SetAccess(userID, courseID int64, first, lastCourse time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		if !first.IsZero() {
			u.FirstAccess = first.Unix()
		}
		if !lastCourse.IsZero() {
			u.LastAccess = max(u.LastAccess, lastCourse.Unix())
			s.lastCourseAccess[ucKey{userID, courseID}] = lastCourse.Unix()
		}
	}
}

// ErrNoCourse is returned by seeding methods given an unknown course.
var ErrNoCourse = errors.New("moodletest: no such course")

// AddActivity adds a graded activity to a course: a course module of
// module ("assign", "quiz", …), its grade item, and for "assign" the
// assignment. A nil scale grades from 0 to max; a scale grades with its
// words (grademin 1, grademax len(scale)). It returns the grade item.
func (s *Server) AddActivity(courseID int64, module, name string, max float64, scale []string) (GradeItem, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.courses[courseID]; !ok {
		return GradeItem{}, ErrNoCourse
	}
	it := &GradeItem{ID: s.nextID(), Module: module, Instance: s.nextID(), CMID: s.nextID(), Name: name,
		GradeMin: 0, GradeMax: max, Scale: slices.Clone(scale), course: courseID}
	if len(scale) > 0 {
		it.GradeMin, it.GradeMax = 1, float64(len(scale))
	}
	s.gradeItems[it.ID] = it
	if module == "assign" {
		g := int64(max)
		if len(scale) > 0 {
			g = -1 // a scale (the fake keeps no scale table)
		}
		s.assignments[it.Instance] = &Assignment{ID: it.Instance, CMID: it.CMID, Course: courseID, Name: name, Grade: g}
	}
	return *it, nil
}

// SetDueDate sets an assignment's due date.
func (s *Server) SetDueDate(assignmentID int64, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.assignments[assignmentID]; a != nil {
		a.DueDate = due.Unix()
	}
}

// Submit records a learner's latest submission to an assignment.
func (s *Server) Submit(assignmentID, userID int64, status string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]int64{assignmentID, userID}
	sub := s.submissions[k]
	if sub == nil {
		sub = &Submission{ID: s.nextID(), UserID: userID, TimeCreated: at.Unix()}
		s.submissions[k] = sub
	}
	sub.Status, sub.TimeModified = status, at.Unix()
	if it := s.itemFor("assign", assignmentID); it != nil && status == "submitted" {
		g := s.gradeOf(it.ID, userID)
		g.DateSubmitted = at.Unix()
	}
}

func (s *Server) gradeOf(item, user int64) *Grade {
	k := [2]int64{item, user}
	g := s.grades[k]
	if g == nil {
		g = &Grade{}
		s.grades[k] = g
	}
	return g
}

// SetGrade sets a learner's grade on an item (for a scale, the 1-based
// word index). Zero times leave the dates unset.
func (s *Server) SetGrade(itemID, userID int64, value float64, submitted, graded time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.gradeOf(itemID, userID)
	g.Value = &value
	if !submitted.IsZero() {
		g.DateSubmitted = submitted.Unix()
	}
	if !graded.IsZero() {
		g.DateGraded = graded.Unix()
	}
}

// OverrideCourseTotal sets a learner's course total (0-100), as a teacher
// overriding it in the grader report.
func (s *Server) OverrideCourseTotal(courseID, userID int64, value float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.totals[ucKey{userID, courseID}] = value
}

// SetLetters sets a course's grade letters (highest boundary first).
func (s *Server) SetLetters(courseID int64, letters []Letter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ls := slices.Clone(letters)
	slices.SortFunc(ls, func(a, b Letter) int {
		switch {
		case a.Min > b.Min:
			return -1
		case a.Min < b.Min:
			return 1
		}
		return 0
	})
	s.letters[courseID] = ls
}

// SetCompletionCriteria sets a course's completion criteria (aggregation
// "all").
func (s *Server) SetCompletionCriteria(courseID int64, criteria []Criterion) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.criteria[courseID] = slices.Clone(criteria)
}

// CompleteCriterion marks criterion i of a course complete for a learner.
func (s *Server) CompleteCriterion(courseID, userID int64, i int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := ucKey{userID, courseID}
	if s.critDone[k] == nil {
		s.critDone[k] = map[int]int64{}
	}
	s.critDone[k][i] = at.Unix()
}

// AggregateCompletions is Moodle's completion cron
// (\core\task\completion_regular_task): every tracked learner who has met
// all criteria of a course is marked complete, at the time of the last
// criterion. Until it runs, "completed" stays false.
func (s *Server) AggregateCompletions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, done := range s.critDone {
		crit := s.criteria[k.course]
		if len(crit) == 0 || len(done) < len(crit) || !s.tracked(k.user, k.course) {
			continue
		}
		var last int64
		for i := range crit {
			at, ok := done[i]
			if !ok {
				last = -1
				break
			}
			last = max(last, at)
		}
		if last >= 0 {
			s.completed[k] = last
		}
	}
}
