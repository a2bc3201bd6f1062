package canvastest

import "time"

// Seeding helpers add data directly, as if created long ago. Zero IDs are
// assigned; the stored value's ID is returned. They do not check Canvas's
// rules (use the API for that), except that references must exist, and
// they never panic: a bad reference returns 0.

// SeedAccount adds a sub-account (ParentID 0 means the root account).
func (s *Server) SeedAccount(a Account) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ParentID == 0 {
		a.ParentID = RootAccountID
	}
	if s.accounts[a.ParentID] == nil {
		return 0
	}
	if a.ID == 0 {
		a.ID = s.nextID()
	}
	s.accounts[a.ID] = &a
	return a.ID
}

// SeedTerm adds an enrollment term.
func (s *Server) SeedTerm(t Term) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ID == 0 {
		t.ID = s.nextID()
	}
	s.terms[t.ID] = &t
	return t.ID
}

// SeedCourse adds a course (AccountID 0: the root account; WorkflowState
// "": available).
func (s *Server) SeedCourse(c Course) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.AccountID == 0 {
		c.AccountID = RootAccountID
	}
	if s.accounts[c.AccountID] == nil {
		return 0
	}
	if c.WorkflowState == "" {
		c.WorkflowState = "available"
	}
	if c.ID == 0 {
		c.ID = s.nextID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	s.courses[c.ID] = &c
	return c.ID
}

// SeedSection adds a section to a course.
func (s *Server) SeedSection(sec Section) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.courses[sec.CourseID] == nil {
		return 0
	}
	if sec.WorkflowState == "" {
		sec.WorkflowState = "active"
	}
	if sec.ID == 0 {
		sec.ID = s.nextID()
	}
	s.sections[sec.ID] = &sec
	return sec.ID
}

// SeedUser adds a user with one login.
func (s *Server) SeedUser(u User) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == 0 {
		u.ID = s.nextID()
	}
	if u.LoginRecordID == 0 {
		u.LoginRecordID = s.nextID()
	}
	if u.WorkflowState == "" {
		u.WorkflowState = "registered"
	}
	if u.ShortName == "" {
		u.ShortName = u.Name
	}
	if u.SortableName == "" {
		u.SortableName = sortableName(u.Name)
	}
	s.users[u.ID] = &u
	return u.ID
}

// SeedEnrollment adds an enrollment (SectionID 0: the course's default
// section; Type "": StudentEnrollment; State "": active).
func (s *Server) SeedEnrollment(e Enrollment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.courses[e.CourseID]
	if c == nil || s.users[e.UserID] == nil {
		return 0
	}
	if e.SectionID == 0 {
		e.SectionID = s.defaultSection(c).ID
	} else if sec := s.sections[e.SectionID]; sec == nil || sec.CourseID != c.ID {
		return 0
	}
	if e.Type == "" {
		e.Type = "StudentEnrollment"
	}
	if e.Role == "" {
		e.Role = e.Type
	}
	if e.State == "" {
		e.State = "active"
	}
	if e.ID == 0 {
		e.ID = s.nextID()
	}
	now := s.now()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = now
	}
	s.putEnrollment(&e)
	return e.ID
}

// SeedGroupCategory adds a group category to a course.
func (s *Server) SeedGroupCategory(g GroupCategory) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.courses[g.CourseID] == nil {
		return 0
	}
	if g.ID == 0 {
		g.ID = s.nextID()
	}
	s.categories[g.ID] = &g
	return g.ID
}

// SeedGroup adds a group to a category.
func (s *Server) SeedGroup(g Group) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	cat := s.categories[g.CategoryID]
	if cat == nil {
		return 0
	}
	g.CourseID = cat.CourseID
	if g.WorkflowState == "" {
		g.WorkflowState = "available"
	}
	if g.JoinLevel == "" {
		g.JoinLevel = "invitation_only"
	}
	if g.ID == 0 {
		g.ID = s.nextID()
	}
	s.groups[g.ID] = &g
	return g.ID
}

// SeedMembership adds a group membership as it is, without the checks
// and side effects of the API (WorkflowState "": accepted), so tests can
// set up states the API would not leave, such as invited or a
// membership from before Canvas's exclusivity rule.
func (s *Server) SeedMembership(m Membership) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[m.GroupID] == nil || s.users[m.UserID] == nil {
		return 0
	}
	if m.WorkflowState == "" {
		m.WorkflowState = "accepted"
	}
	if m.ID == 0 {
		m.ID = s.nextID()
	}
	s.memberships[m.ID] = &m
	return m.ID
}

// MoveGroup puts a group in another category of its course, which the API
// cannot do (groups_controller.rb#update ignores group_category_id for API
// requests), so tests can build the layouts older clients left behind.
// Memberships are left as they are. It reports whether both exist in one
// course.
func (s *Server) MoveGroup(groupID, categoryID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, cat := s.groups[groupID], s.categories[categoryID]
	if g == nil || cat == nil || cat.CourseID != g.CourseID {
		return false
	}
	g.CategoryID = cat.ID
	return true
}

// SetMembershipState changes a membership's workflow state as it is,
// without the API's side effects. It reports whether the membership
// exists.
func (s *Server) SetMembershipState(id int64, state string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.memberships[id]
	if m == nil {
		return false
	}
	m.WorkflowState = state
	return true
}

// SeedAssignment adds an assignment to a course (GradingType "": points).
// Name it the way the Module workflow expects, e.g.
// "Written Assessment (BSBLDR501)".
func (s *Server) SeedAssignment(a Assignment) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.courses[a.CourseID] == nil {
		return 0
	}
	if a.GradingType == "" {
		a.GradingType = "points"
	}
	if a.ID == 0 {
		a.ID = s.nextID()
	}
	if a.Position == 0 {
		for _, o := range s.assignments {
			if o.CourseID == a.CourseID {
				a.Position = max(a.Position, o.Position)
			}
		}
		a.Position++
	}
	s.assignments[a.ID] = &a
	return a.ID
}

// SeedSubmission adds or replaces the submission of a user for an
// assignment. WorkflowState "" becomes "graded" when Score is set, else
// "submitted".
func (s *Server) SeedSubmission(sub Submission) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.assignments[sub.AssignmentID] == nil || s.users[sub.UserID] == nil {
		return 0
	}
	if sub.WorkflowState == "" {
		sub.WorkflowState = "submitted"
		if sub.Score != nil {
			sub.WorkflowState = "graded"
		}
	}
	if old := s.findSubmission(sub.AssignmentID, sub.UserID); old != nil {
		sub.ID = old.ID
	}
	if sub.ID == 0 {
		sub.ID = s.nextID()
	}
	if sub.Attempt == 0 && sub.WorkflowState != "unsubmitted" {
		sub.Attempt = 1
	}
	if sub.WorkflowState == "graded" && sub.GradedAt == nil {
		t := s.now()
		sub.GradedAt = &t
	}
	s.submissions[sub.ID] = &sub
	return sub.ID
}

// SetModuleRequirements sets how many module completion requirements a
// course has (0: none, and progress calls answer 400).
func (s *Server) SetModuleRequirements(courseID int64, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.courses[courseID]
	if c == nil {
		return false
	}
	c.ModuleRequirements = max(n, 0)
	return true
}

// SetProgress records how many requirements a student completed; when all
// are met and completedAt is nil, the current time is used.
func (s *Server) SetProgress(courseID, userID int64, completed int, completedAt *time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.courses[courseID]
	if c == nil || s.users[userID] == nil {
		return false
	}
	completed = min(max(completed, 0), c.ModuleRequirements)
	if completed == c.ModuleRequirements && c.ModuleRequirements > 0 && completedAt == nil {
		t := s.now()
		completedAt = &t
	}
	if completed < c.ModuleRequirements {
		completedAt = nil
	}
	s.progress[[2]int64{courseID, userID}] = &CourseProgress{CourseID: courseID, UserID: userID, Completed: completed, CompletedAt: completedAt}
	return true
}

// SetLastActivity sets last_activity_at (and adds to total activity time)
// on a user's enrollments in a course.
func (s *Server) SetLastActivity(courseID, userID int64, at time.Time, addSeconds int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, e := range s.enrollments {
		if e.CourseID == courseID && e.UserID == userID {
			t := at.UTC()
			e.LastActivityAt = &t
			e.TotalActivityTime += addSeconds
			found = true
		}
	}
	return found
}

// SetGrades overrides the computed scores of an enrollment (nil clears the
// override).
func (s *Server) SetGrades(enrollmentID int64, current, final *float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.enrollments[enrollmentID]
	if e == nil {
		return false
	}
	e.CurrentScore, e.FinalScore = current, final
	return true
}

// Read-back helpers return copies ordered by ID, deleted records included.

// snapshot returns copies of the records of table m that keep accepts
// (nil: all), ordered by ID, under the server's lock.
func snapshot[T any](s *Server, m map[int64]*T, id func(*T) int64, keep func(*T) bool) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := sorted(m, id, keep)
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// Accounts returns every account.
func (s *Server) Accounts() []Account {
	return snapshot(s, s.accounts, func(v *Account) int64 { return v.ID }, nil)
}

// Courses returns every course.
func (s *Server) Courses() []Course {
	return snapshot(s, s.courses, func(v *Course) int64 { return v.ID }, nil)
}

// Sections returns the sections of a course (0: all).
func (s *Server) Sections(courseID int64) []Section {
	return snapshot(s, s.sections, func(v *Section) int64 { return v.ID }, func(v *Section) bool {
		return courseID == 0 || v.CourseID == courseID
	})
}

// Users returns every user (the admin behind AdminToken is not one).
func (s *Server) Users() []User {
	return snapshot(s, s.users, func(v *User) int64 { return v.ID }, nil)
}

// Enrollments returns the enrollments of a course (0: all).
func (s *Server) Enrollments(courseID int64) []Enrollment {
	return snapshot(s, s.enrollments, func(v *Enrollment) int64 { return v.ID }, func(v *Enrollment) bool {
		return courseID == 0 || v.CourseID == courseID
	})
}

// GroupCategories returns the group categories of a course (0: all).
func (s *Server) GroupCategories(courseID int64) []GroupCategory {
	return snapshot(s, s.categories, func(v *GroupCategory) int64 { return v.ID }, func(v *GroupCategory) bool {
		return courseID == 0 || v.CourseID == courseID
	})
}

// Groups returns the groups of a course (0: all).
func (s *Server) Groups(courseID int64) []Group {
	return snapshot(s, s.groups, func(v *Group) int64 { return v.ID }, func(v *Group) bool {
		return courseID == 0 || v.CourseID == courseID
	})
}

// Memberships returns the memberships of a group (0: all).
func (s *Server) Memberships(groupID int64) []Membership {
	return snapshot(s, s.memberships, func(v *Membership) int64 { return v.ID }, func(v *Membership) bool {
		return groupID == 0 || v.GroupID == groupID
	})
}

// Assignments returns the assignments of a course (0: all).
func (s *Server) Assignments(courseID int64) []Assignment {
	return snapshot(s, s.assignments, func(v *Assignment) int64 { return v.ID }, func(v *Assignment) bool {
		return courseID == 0 || v.CourseID == courseID
	})
}

// Submissions returns the stored submissions of an assignment (0: all).
func (s *Server) Submissions(assignmentID int64) []Submission {
	return snapshot(s, s.submissions, func(v *Submission) int64 { return v.ID }, func(v *Submission) bool {
		return assignmentID == 0 || v.AssignmentID == assignmentID
	})
}

// UserBySISID returns the user holding a SIS user ID.
func (s *Server) UserBySISID(sisID string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.SISUserID == sisID {
			return *u, true
		}
	}
	return User{}, false
}

// MustUser returns the ID of the user with the SIS user ID, 0 when there
// is none.
func (s *Server) MustUser(sisID string) int64 {
	u, _ := s.UserBySISID(sisID)
	return u.ID
}

// CourseBySISID returns the course holding a SIS course ID.
func (s *Server) CourseBySISID(sisID string) (Course, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.courses {
		if c.SISCourseID == sisID {
			return *c, true
		}
	}
	return Course{}, false
}
