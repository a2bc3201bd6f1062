package memlms

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/vtsync/vtsync/lms"
)

// The seeding methods set up what a real LMS would hold before a sync: a
// person made the course, learners submitted work. They are not part of
// lms.LMS, so they are neither counted by Calls nor subject to faults.

type evidence struct {
	assessments []lms.Assessment // in the order added
	submissions map[string]lms.Submission
	progress    map[string]lms.CourseProgress
	activity    map[string]lms.Activity
}

func newEvidence() *evidence {
	return &evidence{
		submissions: map[string]lms.Submission{},
		progress:    map[string]lms.CourseProgress{},
		activity:    map[string]lms.Activity{},
	}
}

// SeedCourse adds a course as if someone had made it in the LMS by hand.
// Unlike CreateCourse, the SIS ID may be empty: such a course shows in
// ListCourses, and the Syncer adopts it by code with UpdateCourse by ID.
// A SIS ID already in use is lms.ErrConflict.
func (m *LMS) SeedCourse(c lms.Course) (lms.Course, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.insertCourseLocked("SeedCourse", c)
}

// AddAssessment adds a graded item to an existing course (a.CourseSISID).
// An empty a.ID gets a new one; an ID in use is lms.ErrConflict.
func (m *LMS) AddAssessment(a lms.Assessment) (lms.Assessment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addAssessmentLocked(a)
}

func (m *LMS) addAssessmentLocked(a lms.Assessment) (lms.Assessment, error) {
	c := m.courseBySISLocked(a.CourseSISID)
	if c == nil {
		return lms.Assessment{}, errorf("AddAssessment", "assessment", a.Title, lms.ErrNotFound, "no course "+quote(a.CourseSISID))
	}
	if a.ID == "" {
		a.ID, _ = m.nextID()
	} else if _, _, found := m.findAssessmentLocked(a.ID); found {
		return lms.Assessment{}, errorf("AddAssessment", "assessment", a.ID, lms.ErrConflict, "ID already in use")
	}
	a.PointsPossible = copyFloat(a.PointsPossible)
	ev := m.evidenceFor(c.c.ID)
	ev.assessments = append(ev.assessments, a)
	r := a
	r.PointsPossible = copyFloat(a.PointsPossible)
	return r, nil
}

// findAssessmentLocked returns the course ID holding the assessment and its
// index there.
func (m *LMS) findAssessmentLocked(id string) (courseID string, i int, found bool) {
	for cid, ev := range m.evidence {
		for i, a := range ev.assessments {
			if a.ID == id {
				return cid, i, true
			}
		}
	}
	return "", 0, false
}

func (m *LMS) evidenceFor(courseID string) *evidence {
	ev := m.evidence[courseID]
	if ev == nil {
		ev = newEvidence()
		m.evidence[courseID] = ev
	}
	return ev
}

// SetSubmission records a learner's latest attempt at an existing
// assessment, replacing any earlier one. The user must exist.
func (m *LMS) SetSubmission(s lms.Submission) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.setSubmissionLocked(s)
}

func (m *LMS) setSubmissionLocked(s lms.Submission) error {
	key := s.AssessmentID + "|" + s.UserSISID
	cid, _, found := m.findAssessmentLocked(s.AssessmentID)
	if !found {
		return errorf("SetSubmission", "submission", key, lms.ErrNotFound, "no assessment "+quote(s.AssessmentID))
	}
	if m.users[s.UserSISID] == nil {
		return errorf("SetSubmission", "submission", key, lms.ErrNotFound, "no user "+quote(s.UserSISID))
	}
	m.evidenceFor(cid).submissions[key] = copySubmission(s)
	return nil
}

// SetProgress records a learner's module progress in an existing course,
// replacing any earlier record. The user must exist.
func (m *LMS) SetProgress(courseSISID string, p lms.CourseProgress) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.setProgressLocked(courseSISID, p)
}

func (m *LMS) setProgressLocked(courseSISID string, p lms.CourseProgress) error {
	c, err := m.learnerInCourseLocked("SetProgress", "progress", courseSISID, p.UserSISID)
	if err != nil {
		return err
	}
	p.CompletedAt = copyTime(p.CompletedAt)
	m.evidenceFor(c.c.ID).progress[p.UserSISID] = p
	return nil
}

// SetActivity records a learner's activity and course grade in an existing
// course, replacing any earlier record. The user must exist.
func (m *LMS) SetActivity(courseSISID string, a lms.Activity) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.setActivityLocked(courseSISID, a)
}

func (m *LMS) setActivityLocked(courseSISID string, a lms.Activity) error {
	c, err := m.learnerInCourseLocked("SetActivity", "activity", courseSISID, a.UserSISID)
	if err != nil {
		return err
	}
	m.evidenceFor(c.c.ID).activity[a.UserSISID] = copyActivity(a)
	return nil
}

func (m *LMS) learnerInCourseLocked(meth Method, kind, courseSISID, userSISID string) (*course, error) {
	key := courseSISID + "|" + userSISID
	c := m.courseBySISLocked(courseSISID)
	if c == nil {
		return nil, errorf(meth, kind, key, lms.ErrNotFound, "no course "+quote(courseSISID))
	}
	if m.users[userSISID] == nil {
		return nil, errorf(meth, kind, key, lms.ErrNotFound, "no user "+quote(userSISID))
	}
	return c, nil
}

// SeedEvidence adds everything in ev to the course ev.CourseSISID and
// returns the course's evidence as ReadEvidence would. Submissions name
// assessments by the IDs given in ev.Assessments; assessments without an
// ID get one, and their submissions follow. Nothing is added unless all
// of ev is valid. Its signature fits lmstest.Harness.SeedEvidence once
// wrapped to take a context.
func (m *LMS) SeedEvidence(ev lms.Evidence) (*lms.Evidence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.courseBySISLocked(ev.CourseSISID)
	if c == nil {
		return nil, errorf("SeedEvidence", "course", ev.CourseSISID, lms.ErrNotFound, "")
	}
	// Validate on a scratch copy of the course's evidence so a bad record
	// leaves nothing half-seeded.
	saved, had := m.evidence[c.c.ID]
	scratch := cloneEvidence(saved)
	m.evidence[c.c.ID] = scratch
	seq := m.seq
	if err := m.seedLocked(c, ev); err != nil {
		m.seq = seq
		if had {
			m.evidence[c.c.ID] = saved
		} else {
			delete(m.evidence, c.c.ID)
		}
		return nil, err
	}
	return m.evidenceLocked(c), nil
}

func (m *LMS) seedLocked(c *course, ev lms.Evidence) error {
	ids := map[string]string{} // given ID → stored ID
	for i, a := range ev.Assessments {
		given := a.ID
		if a.CourseSISID == "" {
			a.CourseSISID = c.c.SISID
		}
		if a.CourseSISID != c.c.SISID {
			return fmt.Errorf("memlms: SeedEvidence: assessment %d %q names course %q, not %q: %w",
				i, a.Title, a.CourseSISID, c.c.SISID, lms.ErrInvalid)
		}
		stored, err := m.addAssessmentLocked(a)
		if err != nil {
			return err
		}
		if given != "" {
			ids[given] = stored.ID
		}
	}
	for _, s := range ev.Submissions {
		if id, ok := ids[s.AssessmentID]; ok {
			s.AssessmentID = id
		}
		if cid, _, found := m.findAssessmentLocked(s.AssessmentID); found && cid != c.c.ID {
			return fmt.Errorf("memlms: SeedEvidence: submission %q: assessment %q is in another course: %w",
				s.AssessmentID+"|"+s.UserSISID, s.AssessmentID, lms.ErrInvalid)
		}
		if err := m.setSubmissionLocked(s); err != nil {
			return err
		}
	}
	for _, p := range ev.Progress {
		if err := m.setProgressLocked(c.c.SISID, p); err != nil {
			return err
		}
	}
	for _, a := range ev.Activity {
		if err := m.setActivityLocked(c.c.SISID, a); err != nil {
			return err
		}
	}
	return nil
}

func cloneEvidence(ev *evidence) *evidence {
	out := newEvidence()
	if ev == nil {
		return out
	}
	out.assessments = slices.Clone(ev.assessments)
	for k, v := range ev.submissions {
		out.submissions[k] = v
	}
	for k, v := range ev.progress {
		out.progress[k] = v
	}
	for k, v := range ev.activity {
		out.activity[k] = v
	}
	return out
}

func copySubmission(s lms.Submission) lms.Submission {
	s.Score = copyFloat(s.Score)
	s.SubmittedAt = copyTime(s.SubmittedAt)
	s.GradedAt = copyTime(s.GradedAt)
	return s
}

func copyActivity(a lms.Activity) lms.Activity {
	a.FirstActivity = copyTime(a.FirstActivity)
	a.LastActivity = copyTime(a.LastActivity)
	a.FinalScore = copyFloat(a.FinalScore)
	return a
}

// evidenceLocked renders a course's evidence with deep copies, in a
// deterministic order.
func (m *LMS) evidenceLocked(c *course) *lms.Evidence {
	out := &lms.Evidence{
		CourseSISID: c.c.SISID,
		Assessments: []lms.Assessment{},
		Submissions: []lms.Submission{},
		Progress:    []lms.CourseProgress{},
		Activity:    []lms.Activity{},
	}
	ev := m.evidence[c.c.ID]
	if ev == nil {
		return out
	}
	order := map[string]int{}
	for i, a := range ev.assessments {
		a.CourseSISID = c.c.SISID // follows a SIS ID change
		a.PointsPossible = copyFloat(a.PointsPossible)
		out.Assessments = append(out.Assessments, a)
		order[a.ID] = i
	}
	for _, s := range ev.submissions {
		out.Submissions = append(out.Submissions, copySubmission(s))
	}
	slices.SortFunc(out.Submissions, func(a, b lms.Submission) int {
		return cmp.Or(cmp.Compare(order[a.AssessmentID], order[b.AssessmentID]), cmp.Compare(a.UserSISID, b.UserSISID))
	})
	for _, p := range ev.progress {
		p.CompletedAt = copyTime(p.CompletedAt)
		out.Progress = append(out.Progress, p)
	}
	slices.SortFunc(out.Progress, func(a, b lms.CourseProgress) int { return cmp.Compare(a.UserSISID, b.UserSISID) })
	for _, a := range ev.activity {
		out.Activity = append(out.Activity, copyActivity(a))
	}
	slices.SortFunc(out.Activity, func(a, b lms.Activity) int { return cmp.Compare(a.UserSISID, b.UserSISID) })
	return out
}
