package mapping

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// mergeEvidence groups evidence by course (a course read in two parts is
// one), sorted by course.
func mergeEvidence(in []lms.Evidence) []lms.Evidence {
	by := map[string]*lms.Evidence{}
	for _, e := range in {
		m := by[e.CourseSISID]
		if m == nil {
			m = &lms.Evidence{CourseSISID: e.CourseSISID}
			by[e.CourseSISID] = m
		}
		m.Assessments = append(m.Assessments, e.Assessments...)
		m.Submissions = append(m.Submissions, e.Submissions...)
		m.Progress = append(m.Progress, e.Progress...)
		m.Activity = append(m.Activity, e.Activity...)
	}
	out := make([]lms.Evidence, 0, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[k])
	}
	return out
}

// pick returns one element of xs chosen by content, so duplicates resolve
// the same way in any order: the one with the latest time, then the
// smallest content.
func pick[T any](xs []T, at func(T) *time.Time) T {
	best := xs[0]
	for _, x := range xs[1:] {
		a, b := at(x), at(best)
		switch {
		case a != nil && (b == nil || a.After(*b)):
			best = x
		case (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) && contentKey(x) < contentKey(best):
			best = x
		}
	}
	return best
}

// courseEvidence is one course's evidence indexed by user.
type courseEvidence struct {
	subs     map[string]map[string]*lms.Submission // user → assessment → submission
	progress map[string]*lms.CourseProgress
	activity map[string]*lms.Activity
	users    []string
}

func (r *resulter) notFuture(t *time.Time, rec Record) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	if t.After(r.in.Now) {
		r.d.add(SeverityWarning, CodeFutureEvidence, rec, "LMS time %s is after the run time; ignored", t.UTC().Format(time.RFC3339))
		return nil
	}
	return t
}

func (r *resulter) indexEvidence(ev lms.Evidence) courseEvidence {
	ce := courseEvidence{subs: map[string]map[string]*lms.Submission{}, progress: map[string]*lms.CourseProgress{}, activity: map[string]*lms.Activity{}}
	users := map[string]bool{}
	subs := map[[2]string][]lms.Submission{}
	for _, s := range ev.Submissions {
		subs[[2]string{s.UserSISID, s.AssessmentID}] = append(subs[[2]string{s.UserSISID, s.AssessmentID}], s)
	}
	for k, list := range subs {
		s := pick(list, func(s lms.Submission) *time.Time { return cmp.Or(s.GradedAt, s.SubmittedAt) })
		rec := Record{RecordAssessment, k[1]}
		s.GradedAt, s.SubmittedAt = r.notFuture(s.GradedAt, rec), r.notFuture(s.SubmittedAt, rec)
		if ce.subs[k[0]] == nil {
			ce.subs[k[0]] = map[string]*lms.Submission{}
		}
		ce.subs[k[0]][k[1]] = &s
		users[k[0]] = true
	}
	progress := map[string][]lms.CourseProgress{}
	for _, p := range ev.Progress {
		progress[p.UserSISID] = append(progress[p.UserSISID], p)
	}
	for u, list := range progress {
		p := pick(list, func(p lms.CourseProgress) *time.Time { return p.CompletedAt })
		p.CompletedAt = r.notFuture(p.CompletedAt, courseRecord(ev.CourseSISID))
		ce.progress[u] = &p
		users[u] = true
	}
	activity := map[string][]lms.Activity{}
	for _, a := range ev.Activity {
		activity[a.UserSISID] = append(activity[a.UserSISID], a)
	}
	for u, list := range activity {
		a := pick(list, func(a lms.Activity) *time.Time { return a.LastActivity })
		a.FirstActivity = r.notFuture(a.FirstActivity, courseRecord(ev.CourseSISID))
		a.LastActivity = r.notFuture(a.LastActivity, courseRecord(ev.CourseSISID))
		ce.activity[u] = &a
		users[u] = true
	}
	delete(users, "")
	ce.users = slices.Sorted(maps.Keys(users))
	return ce
}

// gather builds one learner's evidence for one unit. Course-wide activity
// counts for the unit unless the course has several units and
// ActivityPerUnit is set.
func (r *resulter) gather(rs RuleSet, p Provenance, unit string, ce courseEvidence, assessments []lms.Assessment, courseWide bool) UnitEvidence {
	ev := UnitEvidence{CourseSISID: p.CourseSISID, UserSISID: p.UserSISID, EnrolmentID: p.EnrolmentID, UnitCode: unit}
	subs := ce.subs[p.UserSISID]
	earliest := func(t *time.Time) {
		if t != nil && (ev.FirstActivity == nil || t.Before(*ev.FirstActivity)) {
			ev.FirstActivity = t
		}
	}
	latest := func(t *time.Time) {
		if t != nil && (ev.LastActivity == nil || t.After(*ev.LastActivity)) {
			ev.LastActivity = t
		}
	}
	for _, a := range assessments {
		s := subs[a.ID]
		if s != nil && s.Excused {
			continue
		}
		ae := rs.assess(a, s)
		ev.Assessments = append(ev.Assessments, ae)
		if s != nil {
			earliest(s.SubmittedAt)
			earliest(s.GradedAt)
			latest(s.SubmittedAt)
		}
	}
	if a := ce.activity[p.UserSISID]; a != nil {
		if courseWide {
			earliest(a.FirstActivity)
			latest(a.LastActivity)
		}
		ev.FinalScore = a.FinalScore
	}
	if pr := ce.progress[p.UserSISID]; pr != nil {
		ev.Progress = pr
		if pr.RequirementsCompleted > 0 {
			latest(pr.CompletedAt)
		}
	}
	return ev
}
