package moodlelms

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

var reTags = regexp.MustCompile(`<[^>]*>`)

// plain turns a formatted grade cell into text: Moodle's gradeformatted
// may carry pass/fail icons and status markup
// (grade/report/user/classes/report/user.php fill_table).
func plain(s string) string {
	return strings.TrimSpace(html.UnescapeString(reTags.ReplaceAllString(s, "")))
}

// isScale reports whether a grade item grades with a scale's words: its
// range is not two numbers. The user report renders it with
// lib/grade/grade_item.php get_formatted_range() in the real display type
// as min "&ndash;" max, which for a scale is its first and last words.
// The report shows no other sign of a scale (its scaleid carries the
// outcome id). Items without a range column count as points.
func isScale(it moodle.GradeItem) bool {
	r := html.UnescapeString(it.RangeFormatted)
	lo, hi, ok := strings.Cut(r, "–")
	if !ok {
		return false
	}
	number := func(s string) bool {
		_, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
		return err == nil
	}
	return !number(lo) || !number(hi)
}

func assessmentOf(courseSIS string, it moodle.GradeItem) lms.Assessment {
	a := lms.Assessment{ID: idString(it.ID), CourseSISID: courseSIS, Kind: lms.KindOther, Published: true}
	if it.ItemName != nil {
		a.Title = *it.ItemName
	}
	if it.ItemModule != nil {
		switch *it.ItemModule {
		case "assign":
			a.Kind = lms.KindAssignment
		case "quiz":
			a.Kind = lms.KindQuiz
		}
	}
	switch {
	case isScale(it) && it.GradeMax != nil && it.GradeMin != nil && *it.GradeMax-*it.GradeMin == 1:
		// A two-word scale, such as Moodle's "Default competence scale"
		// (Not yet competent, Competent).
		a.GradingType = "pass_fail"
	case isScale(it):
		a.GradingType = "scale"
	default:
		a.GradingType = "points"
		a.PointsPossible = it.GradeMax
	}
	return a
}

// ReadEvidence reads a course's gradebook (every graded learner's grade
// items), its assignments' submissions (for submission times and
// lateness) and each learner's course completion.
//
// Mapping: an assessment is a grade item of an activity or a manual item
// (ID = grade item id; Published is always true: the report shows no item
// visibility). A submission is a grade (state graded, Grade the raw score
// for points or the scale word) or an assignment submission (state
// submitted; Late when after the due date). Progress is the completion
// criteria met; CompletedAt is the latest criterion's time, since the
// course completion time itself is not returned. Activity, for learners
// who visited the course or have a course total, is the first activity
// (see firstActivity), the last access to the course, and the course
// total (FinalScore, raw; FinalGrade the letter when the site's user
// report shows letters).
func (l *LMS) ReadEvidence(ctx context.Context, courseSISID string) (*lms.Evidence, error) {
	const op = "ReadEvidence"
	c, err := l.course(ctx, op, courseSISID)
	if err != nil {
		return nil, err
	}
	ev := &lms.Evidence{CourseSISID: courseSISID, Assessments: []lms.Assessment{}, Submissions: []lms.Submission{},
		Progress: []lms.CourseProgress{}, Activity: []lms.Activity{}}
	report, err := l.c.Grades.GetGradeItems(ctx, c.ID, 0)
	if err != nil {
		return nil, wrap(op, "course", courseSISID, err)
	}
	subs, due, err := l.assignSubmissions(ctx, c.ID)
	if err != nil {
		return nil, wrap(op, "course", courseSISID, err)
	}
	seen := map[int64]bool{}
	totals := map[string]moodle.GradeItem{}
	for _, ug := range report {
		if ug.UserIDNumber == "" {
			continue
		}
		for _, it := range ug.GradeItems {
			if it.ItemType == moodle.ItemTypeCourse {
				totals[ug.UserIDNumber] = it
				continue
			}
			if it.ItemType != moodle.ItemTypeMod && it.ItemType != moodle.ItemTypeManual {
				continue
			}
			a := assessmentOf(courseSISID, it)
			if !seen[it.ID] {
				seen[it.ID] = true
				ev.Assessments = append(ev.Assessments, a)
			}
			isAssign := it.ItemModule != nil && *it.ItemModule == "assign"
			sub, hasSub := subs[[2]int64{it.ItemInstance, ug.UserID}]
			if !isAssign {
				hasSub = false
			}
			if it.GradeRaw == nil && !hasSub && it.GradeDateSubmitted == nil {
				continue
			}
			s := lms.Submission{AssessmentID: a.ID, UserSISID: ug.UserIDNumber, State: lms.SubmissionUnsubmitted}
			switch {
			case hasSub && sub.Status == moodle.SubmissionSubmitted:
				s.State = lms.SubmissionSubmitted
				s.SubmittedAt = unixPtr(sub.TimeModified)
				d := due[it.ItemInstance]
				s.Late = d > 0 && sub.TimeModified > d
			case it.GradeDateSubmitted != nil:
				s.State = lms.SubmissionSubmitted
				s.SubmittedAt = unixPtr(*it.GradeDateSubmitted)
			}
			if it.GradeRaw != nil {
				s.State = lms.SubmissionGraded
				if a.GradingType == "points" {
					s.Score = it.GradeRaw
					s.Grade = strconv.FormatFloat(*it.GradeRaw, 'f', -1, 64)
				} else {
					s.Grade = plain(it.GradeFormatted)
				}
				if it.GradeDateGraded != nil {
					s.GradedAt = unixPtr(*it.GradeDateGraded)
				}
			}
			ev.Submissions = append(ev.Submissions, s)
		}
	}
	if err := l.progressAndActivity(ctx, c, ev, totals); err != nil {
		return nil, wrap(op, "course", courseSISID, err)
	}
	return ev, nil
}

// assignSubmissions reads the course's assignments (due dates) and their
// latest submissions, keyed by (assignment id, user id).
func (l *LMS) assignSubmissions(ctx context.Context, courseID int64) (map[[2]int64]moodle.AssignSubmission, map[int64]int64, error) {
	courses, _, err := l.c.Assign.GetAssignments(ctx, []int64{courseID})
	if err != nil {
		return nil, nil, err
	}
	due := map[int64]int64{}
	var ids []int64
	for _, ac := range courses {
		for _, a := range ac.Assignments {
			due[a.ID] = a.DueDate
			ids = append(ids, a.ID)
		}
	}
	out := map[[2]int64]moodle.AssignSubmission{}
	if len(ids) == 0 {
		return out, due, nil
	}
	as, err := l.c.Assign.GetSubmissions(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range as {
		for _, s := range a.Submissions {
			out[[2]int64{a.AssignmentID, s.UserID}] = s
		}
	}
	return out, due, nil
}

// progressAndActivity reads each learner's completion (one call each;
// stops at the first answer that says the course has none) and their
// access times and course total.
//
// It runs after the submissions are read, which firstActivity uses.
func (l *LMS) progressAndActivity(ctx context.Context, c moodle.Course, ev *lms.Evidence, totals map[string]moodle.GradeItem) error {
	users, err := l.c.Enrol.GetEnrolledUsers(ctx, c.ID, moodle.EnrolledUsersOptions{
		UserFields: []string{"id", "idnumber", "firstaccess", "lastcourseaccess", "roles"}})
	if err != nil {
		return err
	}
	completion := c.EnableCompletion != 0
	for _, u := range users {
		if u.IDNumber == "" {
			continue
		}
		if completion {
			st, err := l.c.Completion.GetCourseCompletionStatus(ctx, c.ID, u.ID)
			switch {
			case moodle.HasCode(err, "nocriteriaset", "cannotviewreport"):
				completion = false
			case moodle.IsNoCompletion(err):
			case err != nil:
				return err
			default:
				p := lms.CourseProgress{UserSISID: u.IDNumber, RequirementsTotal: len(st.Completions)}
				var last int64
				for _, cr := range st.Completions {
					if cr.Complete {
						p.RequirementsCompleted++
						if cr.TimeCompleted != nil {
							last = max(last, *cr.TimeCompleted)
						}
					}
				}
				if st.Completed {
					p.CompletedAt = unixPtr(last)
				}
				ev.Progress = append(ev.Progress, p)
			}
		}
		a := lms.Activity{UserSISID: u.IDNumber, FirstActivity: l.firstActivity(c, u, ev), LastActivity: unixPtr(u.LastCourseAccess)}
		if t, ok := totals[u.IDNumber]; ok && t.GradeRaw != nil {
			a.FinalScore = t.GradeRaw
			if lg := plain(t.LetterGradeFormatted); lg != "-" {
				a.FinalGrade = lg
			}
		}
		// Moodle records a visit to the course in user_lastaccess; without
		// one (and without a course total) there is no activity to report.
		if a.LastActivity != nil || a.FinalScore != nil {
			ev.Activity = append(ev.Activity, a)
		}
	}
	return nil
}

// firstActivity is when the learner started in this course. Moodle keeps
// the first access to the site (user.firstaccess), not to a course, and
// no web service function returns the course's logs. So: the first site
// access when it is on or after the course's start date (a learner new to
// the site), else the learner's earliest submission in this course (a returning learner, whose first site access
// belongs to an earlier course), else none.
func (l *LMS) firstActivity(c moodle.Course, u moodle.User, ev *lms.Evidence) *time.Time {
	if u.FirstAccess != 0 && c.StartDate != 0 && u.FirstAccess >= c.StartDate {
		return unixPtr(u.FirstAccess)
	}
	var first *time.Time
	for _, s := range ev.Submissions {
		if s.UserSISID == u.IDNumber && s.SubmittedAt != nil && (first == nil || s.SubmittedAt.Before(*first)) {
			first = s.SubmittedAt
		}
	}
	return first
}
