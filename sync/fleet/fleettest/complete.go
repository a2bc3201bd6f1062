package fleettest

import (
	"slices"
	"strings"
	"time"
)

// CompleteCourses marks every other learner (in SIS ID order) of each
// course that has module requirements as having completed all of them at
// at, as learners finishing a course made by hand would; the LMS-pulls
// workflow then writes their results back to VETtrak. It returns how many
// completions it set. The same data synced the same way gives the same
// completions, so a reference and a fleet's fakes stay comparable.
func (p *FakeProvider) CompleteCourses(at time.Time) int {
	cv := p.Canvas
	sis := map[int64]string{}
	for _, u := range cv.Users() {
		sis[u.ID] = u.SISUserID
	}
	n := 0
	for _, c := range cv.Courses() {
		if c.ModuleRequirements == 0 {
			continue
		}
		var learners []int64
		for _, e := range cv.Enrollments(c.ID) {
			if e.Type == "StudentEnrollment" && e.State == "active" && !slices.Contains(learners, e.UserID) {
				learners = append(learners, e.UserID)
			}
		}
		slices.SortFunc(learners, func(a, b int64) int { return strings.Compare(sis[a], sis[b]) })
		for i, u := range learners {
			if i%2 == 0 && cv.SetProgress(c.ID, u, c.ModuleRequirements, &at) {
				cv.SetLastActivity(c.ID, u, at, 600)
				n++
			}
		}
	}
	return n
}
