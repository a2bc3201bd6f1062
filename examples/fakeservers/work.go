package main

import (
	"context"
	"time"

	"github.com/vtsync/vtsync/canvas/canvastest"
)

// seedLearnerWork plays the learners: every interval it looks for student
// enrolments it has not seen in the hand-made courses and, for every other
// one (the first, third, ...), completes all the course's modules and
// records a final score of 85, so `vtsync results --dry-run` and `vtsync
// results` have writes to show. The others stay unfinished, as some
// learners do. It stops with ctx.
func seedLearnerWork(ctx context.Context, cv *canvastest.Server, interval time.Duration) {
	seen := map[int64]bool{}
	n := 0
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, c := range cv.Courses() {
			if c.ModuleRequirements == 0 {
				continue
			}
			for _, e := range cv.Enrollments(c.ID) {
				if e.Type != "StudentEnrollment" || seen[e.ID] {
					continue
				}
				seen[e.ID] = true
				n++
				if n%2 == 1 {
					done := time.Now().Add(-24 * time.Hour)
					cv.SetProgress(c.ID, e.UserID, c.ModuleRequirements, &done)
					score := 85.0
					cv.SetGrades(e.ID, &score, &score)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
