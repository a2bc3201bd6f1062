package canvaslms

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// kindOf reads an assignment's kind from its submission types: classic
// quizzes are "online_quiz", graded discussions "discussion_topic".
//
// Unconfirmed: New Quizzes are external_tool assignments that Canvas
// flags with is_quiz_lti_assignment, which package canvas does not decode
// yet, so they read as assignments.
func kindOf(a *canvas.Assignment) lms.AssessmentKind {
	switch {
	case slices.Contains(a.SubmissionTypes, "online_quiz"):
		return lms.KindQuiz
	case slices.Contains(a.SubmissionTypes, "discussion_topic"), slices.Contains(a.SubmissionTypes, "wiki_page"):
		return lms.KindOther
	}
	return lms.KindAssignment
}

// ReadEvidence reads a course's evidence in four listings, whatever the
// number of learners: the course's enrollments (which map Canvas user IDs
// to SIS IDs and carry grades and last activity), its assignments, every
// student's submissions grouped by student
// (students/submissions?student_ids[]=all&grouped=true, a page per 100
// students rather than per 100 submissions) and module progress
// (bulk_user_progress).
//
// What Canvas cannot say is derived or left out:
//   - Canvas records no first activity in a course, so
//     Activity.FirstActivity is the learner's earliest submission time
//     (nil without one).
//   - FinalGrade and FinalScore are the enrollment's final grade and
//     score (ungraded work counted as zero), or the teacher's override
//     when there is one. FinalGrade is empty unless the course has a
//     grading scheme.
//   - Unsubmitted submissions that carry nothing (no grade, score,
//     excusal or missing flag) are left out: Canvas keeps one for every
//     student and assignment.
//   - A course without module completion requirements has no progress
//     (Canvas answers 400, read as none).
//   - Learners without a SIS ID are left out; so are deleted enrollments.
func (l *LMS) ReadEvidence(ctx context.Context, courseSISID string) (*lms.Evidence, error) {
	const op = "ReadEvidence"
	if err := begin(ctx); err != nil {
		return nil, err
	}
	if courseSISID == "" {
		return nil, fail(op, "course", courseSISID, lms.ErrNotFound, "course SIS ID is empty")
	}
	course := canvas.SISCourse(courseSISID)
	ev := &lms.Evidence{CourseSISID: courseSISID}

	sisOf := map[canvas.ID]string{}
	acts := map[string]*lms.Activity{}
	var order []string
	for en, err := range l.c.Enrollments.ListByCourse(ctx, course, &canvas.ListEnrollmentsOptions{
		Type:  []canvas.EnrollmentType{canvas.StudentEnrollment},
		State: canvas.AllEnrollmentStates(),
	}) {
		if err != nil {
			return nil, wrap(op, "course", courseSISID, err)
		}
		sis := en.SISUserID
		if sis == "" && en.User != nil {
			sis = en.User.SISUserID
		}
		if sis == "" {
			continue
		}
		sisOf[en.UserID] = sis
		if en.EnrollmentState == canvas.EnrollmentDeleted {
			continue
		}
		a := acts[sis]
		if a == nil {
			a = &lms.Activity{UserSISID: sis}
			acts[sis] = a
			order = append(order, sis)
		}
		if t := utc(en.LastActivityAt); t != nil && (a.LastActivity == nil || t.After(*a.LastActivity)) {
			a.LastActivity = t
		}
		if g := en.Grades; g != nil && a.FinalScore == nil && a.FinalGrade == "" {
			score, grade := g.FinalScore, g.FinalGrade
			if g.OverrideScore != nil || g.OverrideGrade != nil {
				score, grade = g.OverrideScore, g.OverrideGrade
			}
			a.FinalScore = score
			if grade != nil {
				a.FinalGrade = *grade
			}
		}
	}

	for a, err := range l.c.Assignments.List(ctx, course, nil) {
		if err != nil {
			return nil, wrap(op, "course", courseSISID, err)
		}
		ev.Assessments = append(ev.Assessments, lms.Assessment{
			ID:             a.ID.String(),
			CourseSISID:    courseSISID,
			Title:          a.Name,
			Kind:           kindOf(&a),
			PointsPossible: a.PointsPossible,
			GradingType:    a.GradingType,
			Published:      a.Published,
		})
	}

	if len(ev.Assessments) > 0 {
		// Grouped by student, a page holds 100 students with all their
		// submissions; the flat listing pages by submission (Canvas keeps
		// one per student and assignment), so it costs a page per 100
		// student-assignment pairs.
		for st, err := range l.c.Submissions.ListGroupedByStudent(ctx, course, nil) {
			if err != nil {
				return nil, wrap(op, "course", courseSISID, err)
			}
			sis := sisOf[st.UserID]
			if sis == "" {
				continue
			}
			for i := range st.Submissions {
				if s := &st.Submissions[i]; !emptySubmission(s) {
					ev.Submissions = append(ev.Submissions, toSubmission(s, sis))
					if a := acts[sis]; a != nil && s.SubmittedAt != nil {
						if t := utc(s.SubmittedAt); a.FirstActivity == nil || t.Before(*a.FirstActivity) {
							a.FirstActivity = t
						}
					}
				}
			}
		}
	}

	for p, err := range l.c.Courses.BulkUserProgress(ctx, course) {
		if err != nil {
			if errors.Is(err, canvas.ErrNotFound) {
				return nil, wrap(op, "course", courseSISID, err)
			}
			if isInvalid(err) {
				l.log.Debug("canvaslms: no module progress", "course", courseSISID, "error", err)
				break
			}
			return nil, wrap(op, "course", courseSISID, err)
		}
		sis := sisOf[p.ID]
		if sis == "" {
			continue
		}
		ev.Progress = append(ev.Progress, lms.CourseProgress{
			UserSISID:             sis,
			RequirementsTotal:     p.Progress.RequirementCount,
			RequirementsCompleted: p.Progress.RequirementCompletedCount,
			CompletedAt:           utc(p.Progress.CompletedAt),
		})
	}

	slices.Sort(order)
	for _, sis := range order {
		a := acts[sis]
		if a.FirstActivity != nil || a.LastActivity != nil || a.FinalScore != nil || a.FinalGrade != "" {
			ev.Activity = append(ev.Activity, *a)
		}
	}
	return ev, nil
}

func toSubmission(s *canvas.Submission, sis string) lms.Submission {
	sub := lms.Submission{
		AssessmentID: s.AssignmentID.String(),
		UserSISID:    sis,
		State:        lms.SubmissionState(s.WorkflowState),
		Score:        s.Score,
		Excused:      s.Excused != nil && *s.Excused,
		Late:         s.Late,
		Missing:      s.Missing,
		SubmittedAt:  utc(s.SubmittedAt),
		GradedAt:     utc(s.GradedAt),
	}
	if s.Grade != nil {
		sub.Grade = *s.Grade
	}
	return sub
}

// emptySubmission is the placeholder Canvas keeps for every student and
// assignment before anything happens.
func emptySubmission(s *canvas.Submission) bool {
	return (s.WorkflowState == canvas.SubmissionUnsubmitted || s.WorkflowState == "") &&
		s.SubmittedAt == nil && s.Score == nil && (s.Grade == nil || strings.TrimSpace(*s.Grade) == "") &&
		(s.Excused == nil || !*s.Excused) && !s.Missing
}

func isInvalid(err error) bool { return errors.Is(err, canvas.ErrInvalid) }
