package lmstest

import (
	"context"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

func readStateTests() []test {
	return []test{
		{name: "SeveralCourses", run: func(s *suite) {
			type built struct {
				c   lms.Course
				sec lms.Section
				g   lms.Group
				u   lms.User
				e   lms.Enrolment
				m   lms.Membership
			}
			all := map[string]built{}
			for _, n := range []string{"A", "B", "C"} {
				b := built{c: s.course(n), u: s.user(n)}
				b.sec = s.section(b.c, n)
				b.g = s.group(b.c, n)
				b.e = s.enrol(lms.Enrolment{UserSISID: b.u.SISID, CourseSISID: b.c.SISID, SectionSISID: b.sec.SISID})
				b.m = lms.Membership{GroupSISID: b.g.SISID, UserSISID: b.u.SISID, Status: lms.StatusActive}
				require.NoError(s.t, s.l.AddMember(s.ctx, b.m))
				all[n] = b
			}
			a, c := all["A"], all["C"]
			st := s.state(a.c.SISID, s.id("course-missing"), c.c.SISID)
			assert.Equal(s.t, sortedStrings(a.c.SISID, c.c.SISID), courseSISIDs(st), "courses: asked ones that exist, once each")
			assert.Equal(s.t, sortedStrings(a.sec.SISID, c.sec.SISID), sectionSISIDs(st))
			assert.Equal(s.t, sortedStrings(a.g.SISID, c.g.SISID), groupSISIDs(st))
			assert.Equal(s.t, sortedStrings(a.e.Key(), c.e.Key()), enrolmentKeys(st))
			assert.Equal(s.t, sortedStrings(a.m.Key(), c.m.Key()), membershipKeys(st))
			assert.Equal(s.t, sortedStrings(a.u.SISID, c.u.SISID), userSISIDs(st.Users), "users: exactly those the enrolments and memberships name")
			for _, x := range st.Courses {
				assertCourse(s.t, s.newCourse(map[string]string{a.c.SISID: "A", c.c.SISID: "C"}[x.SISID]), x)
			}
		}},
		{name: "Empty", run: func(s *suite) {
			s.course("A")
			for _, ask := range [][]string{nil, {}, {s.id("course-missing")}} {
				st := s.state(ask...)
				assert.Empty(s.t, st.Courses, "ReadState(%q)", ask)
				assert.Empty(s.t, st.Sections)
				assert.Empty(s.t, st.Groups)
				assert.Empty(s.t, st.Users)
				assert.Empty(s.t, st.Enrolments)
				assert.Empty(s.t, st.Memberships)
			}
		}},
		{name: "BareCourse", run: func(s *suite) {
			c := s.course("A")
			s.user("lonely") // exists, but no enrolment names them
			st := s.state(c.SISID)
			assert.Equal(s.t, []string{c.SISID}, courseSISIDs(st))
			assert.Empty(s.t, st.Sections)
			assert.Empty(s.t, st.Users, "ReadState includes only users its enrolments and memberships name")
			assert.Empty(s.t, st.Enrolments)
		}},
	}
}

func evidenceTests() []test {
	return []test{
		{name: "UnknownCourse", run: func(s *suite) {
			_, err := s.l.ReadEvidence(s.ctx, s.id("course-missing"))
			require.ErrorIs(s.t, err, lms.ErrNotFound)
		}},
		{name: "Empty", run: func(s *suite) {
			c := s.course("A")
			ev, err := s.l.ReadEvidence(s.ctx, c.SISID)
			require.NoError(s.t, err)
			require.NotNil(s.t, ev)
			assert.Equal(s.t, c.SISID, ev.CourseSISID)
			assert.Empty(s.t, ev.Assessments)
			assert.Empty(s.t, ev.Submissions)
			assert.Empty(s.t, ev.Progress)
			assert.Empty(s.t, ev.Activity)
		}},
		{name: "RoundTrip", needs: needSeedEvidence, run: func(s *suite) { s.evidenceRoundTrip() }},
	}
}

func (s *suite) evidenceRoundTrip() {
	c := s.course("A")
	u1, u2 := s.user("1"), s.user("2")
	for _, u := range []lms.User{u1, u2} {
		s.enrol(lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID})
	}
	at := func(h int) *time.Time { return ptr(start.Add(time.Duration(h) * time.Hour)) }
	written := lms.Assessment{ID: "written", CourseSISID: c.SISID, Title: "Written Assessment (BSBLDR501)",
		Kind: lms.KindAssignment, PointsPossible: ptr(10.0), GradingType: "points", Published: true}
	quiz := lms.Assessment{ID: "quiz", CourseSISID: c.SISID, Title: "Knowledge Quiz (BSBLDR501)",
		Kind: lms.KindQuiz, GradingType: "pass_fail", Published: true}
	want := lms.Evidence{
		CourseSISID: c.SISID,
		Assessments: []lms.Assessment{written, quiz},
		Submissions: []lms.Submission{
			{AssessmentID: "written", UserSISID: u1.SISID, State: lms.SubmissionGraded, Grade: "8", Score: ptr(8.0), SubmittedAt: at(1), GradedAt: at(2)},
			{AssessmentID: "quiz", UserSISID: u1.SISID, State: lms.SubmissionGraded, Grade: "complete", SubmittedAt: at(3), GradedAt: at(3)},
			{AssessmentID: "written", UserSISID: u2.SISID, State: lms.SubmissionSubmitted, Late: true, SubmittedAt: at(4)},
		},
		Progress: []lms.CourseProgress{
			{UserSISID: u1.SISID, RequirementsTotal: 5, RequirementsCompleted: 5, CompletedAt: at(5)},
			{UserSISID: u2.SISID, RequirementsTotal: 5, RequirementsCompleted: 2},
		},
		Activity: []lms.Activity{
			{UserSISID: u1.SISID, FirstActivity: at(0), LastActivity: at(5), FinalGrade: "B", FinalScore: ptr(80.0)},
		},
	}
	seeded, err := s.h.SeedEvidence(s.ctx, want)
	require.NoError(s.t, err, "SeedEvidence")
	require.NotNil(s.t, seeded)

	got, err := s.l.ReadEvidence(s.ctx, c.SISID)
	require.NoError(s.t, err)
	require.NotNil(s.t, got)
	assert.Equal(s.t, c.SISID, got.CourseSISID)

	// Assessments are matched by title: the LMS may have given them IDs of
	// its own.
	require.Len(s.t, got.Assessments, 2)
	titleOf := map[string]string{} // LMS ID → title
	for _, a := range got.Assessments {
		require.NotEmpty(s.t, a.ID, "assessment %q has no ID", a.Title)
		titleOf[a.ID] = a.Title
		assert.Equal(s.t, c.SISID, a.CourseSISID, "assessment %q course", a.Title)
		var w lms.Assessment
		switch a.Title {
		case written.Title:
			w = written
		case quiz.Title:
			w = quiz
		default:
			s.t.Errorf("unexpected assessment %q", a.Title)
			continue
		}
		assert.Equal(s.t, w.Kind, a.Kind, "assessment %q kind", a.Title)
		assert.Equal(s.t, w.GradingType, a.GradingType, "assessment %q grading type", a.Title)
		assert.Equal(s.t, w.Published, a.Published, "assessment %q published", a.Title)
		assert.Equal(s.t, w.PointsPossible, a.PointsPossible, "assessment %q points", a.Title)
	}
	assert.Len(s.t, titleOf, 2, "assessment IDs must be distinct")

	givenTitle := map[string]string{"written": written.Title, "quiz": quiz.Title}
	type subKey struct{ title, user string }
	wantSubs := map[subKey]lms.Submission{}
	for _, x := range want.Submissions {
		wantSubs[subKey{givenTitle[x.AssessmentID], x.UserSISID}] = x
	}
	require.Len(s.t, got.Submissions, len(want.Submissions))
	for _, x := range got.Submissions {
		title, ok := titleOf[x.AssessmentID]
		require.True(s.t, ok, "submission names assessment %q, which ReadEvidence did not return", x.AssessmentID)
		w, ok := wantSubs[subKey{title, x.UserSISID}]
		require.True(s.t, ok, "unexpected submission %q by %q", title, x.UserSISID)
		assert.Equal(s.t, w.State, x.State, "submission %q/%q state", title, x.UserSISID)
		assert.Equal(s.t, w.Grade, x.Grade, "submission %q/%q grade", title, x.UserSISID)
		assert.Equal(s.t, w.Score, x.Score, "submission %q/%q score", title, x.UserSISID)
		assert.Equal(s.t, w.Late, x.Late, "submission %q/%q late", title, x.UserSISID)
		assert.Equal(s.t, w.Excused, x.Excused, "submission %q/%q excused", title, x.UserSISID)
		assert.Equal(s.t, w.Missing, x.Missing, "submission %q/%q missing", title, x.UserSISID)
		assertTime(s.t, w.SubmittedAt, x.SubmittedAt, "submission %q/%q submitted at", title, x.UserSISID)
		assertTime(s.t, w.GradedAt, x.GradedAt, "submission %q/%q graded at", title, x.UserSISID)
	}

	require.Len(s.t, got.Progress, len(want.Progress))
	for _, p := range got.Progress {
		var w lms.CourseProgress
		for _, x := range want.Progress {
			if x.UserSISID == p.UserSISID {
				w = x
			}
		}
		require.NotEmpty(s.t, w.UserSISID, "unexpected progress for %q", p.UserSISID)
		assert.Equal(s.t, w.RequirementsTotal, p.RequirementsTotal, "progress %q total", p.UserSISID)
		assert.Equal(s.t, w.RequirementsCompleted, p.RequirementsCompleted, "progress %q completed", p.UserSISID)
		assert.Equal(s.t, w.Complete(), p.Complete(), "progress %q complete", p.UserSISID)
		assertTime(s.t, w.CompletedAt, p.CompletedAt, "progress %q completed at", p.UserSISID)
	}

	require.Len(s.t, got.Activity, 1)
	a, w := got.Activity[0], want.Activity[0]
	assert.Equal(s.t, w.UserSISID, a.UserSISID)
	assert.Equal(s.t, w.FinalGrade, a.FinalGrade)
	assert.Equal(s.t, w.FinalScore, a.FinalScore)
	assertTime(s.t, w.FirstActivity, a.FirstActivity, "first activity")
	assertTime(s.t, w.LastActivity, a.LastActivity, "last activity")

	// What the hook says it stored is what ReadEvidence reads.
	assert.Len(s.t, seeded.Assessments, len(got.Assessments))
	assert.Len(s.t, seeded.Submissions, len(got.Submissions))

	again, err := s.l.ReadEvidence(s.ctx, c.SISID)
	require.NoError(s.t, err)
	assert.Equal(s.t, got, again, "two reads of unchanged evidence must be equal")
}

func contextTests() []test {
	return []test{
		{name: "Cancelled", run: func(s *suite) {
			c, sec, u := s.enrolFixture()
			g := s.group(c, "1")
			ctx, cancel := context.WithCancel(s.ctx)
			cancel()
			e := lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent, Status: lms.StatusActive}
			m := lms.Membership{GroupSISID: g.SISID, UserSISID: u.SISID, Status: lms.StatusActive}
			calls := map[string]func() error{
				"ListCourses":  func() error { _, err := s.l.ListCourses(ctx); return err },
				"ReadState":    func() error { _, err := s.l.ReadState(ctx, []string{c.SISID}); return err },
				"ReadUsers":    func() error { _, err := s.l.ReadUsers(ctx, []string{u.SISID}); return err },
				"ReadEvidence": func() error { _, err := s.l.ReadEvidence(ctx, c.SISID); return err },
				"CreateCourse": func() error { _, err := s.l.CreateCourse(ctx, s.newCourse("new")); return err },
				"UpdateCourse": func() error { return s.l.UpdateCourse(ctx, c) },
				"CreateSection": func() error {
					_, err := s.l.CreateSection(ctx, lms.Section{SISID: s.id("section-new"), CourseSISID: c.SISID, Name: "x"})
					return err
				},
				"UpdateSection": func() error { return s.l.UpdateSection(ctx, sec) },
				"CreateGroup": func() error {
					_, err := s.l.CreateGroup(ctx, lms.Group{SISID: s.id("group-new"), CourseSISID: c.SISID, Name: "x"})
					return err
				},
				"UpdateGroup":  func() error { return s.l.UpdateGroup(ctx, g) },
				"CreateUser":   func() error { _, err := s.l.CreateUser(ctx, s.newUser("new")); return err },
				"UpdateUser":   func() error { return s.l.UpdateUser(ctx, u) },
				"Enrol":        func() error { _, err := s.l.Enrol(ctx, e); return err },
				"Unenrol":      func() error { x := e; x.Status = lms.StatusInactive; return s.l.Unenrol(ctx, x) },
				"AddMember":    func() error { return s.l.AddMember(ctx, m) },
				"RemoveMember": func() error { x := m; x.Status = lms.StatusDeleted; return s.l.RemoveMember(ctx, x) },
			}
			for name, call := range calls {
				assert.ErrorIs(s.t, call(), context.Canceled, "%s with a cancelled context", name)
			}
			assert.Empty(s.t, s.state(s.id("course-new")).Courses, "calls with a cancelled context must not write")
			st := s.state(c.SISID)
			assert.Empty(s.t, st.Enrolments, "calls with a cancelled context must not write")
			assert.Empty(s.t, st.Memberships, "calls with a cancelled context must not write")
		}},
	}
}
