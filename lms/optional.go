package lms

import (
	"context"

	"github.com/vtsync/vtsync/callstats"
)

// Optional capabilities. The Syncer uses each where the LMS (or the
// VETtrak client) implements it, and does without otherwise.

// StatsReporter is implemented by an LMS that counts its API calls; the
// Syncer puts the calls of each run in Report.Calls. canvaslms and
// moodlelms implement it, and so may an LMS written outside this module.
type StatsReporter interface {
	Stats() callstats.Snapshot
}

// Checker is implemented by an LMS with a connection test of its own: the
// Syncer's Check reports its text (in words a support person reads) and
// its error. Without it, Check lists the courses as a test.
type Checker interface {
	Check(ctx context.Context) (string, error)
}
