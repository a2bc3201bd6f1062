package fleet

import (
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/vtsync/vtsync/sync/schedule"
)

// specSchedule gives River's periodic jobs sync/schedule's times, so a
// provider's schedule means the same in a fleet as in one process.
type specSchedule struct{ spec schedule.Spec }

func (s specSchedule) Next(t time.Time) time.Time { return schedule.Next(s.spec, t) }

// periodicJobs makes one River periodic job per provider with a schedule.
// River's leader enqueues them; the unique options drop an enqueue while
// the provider's previous run is still queued or running.
func (f *Fleet) periodicJobs(providers []Provider) ([]*river.PeriodicJob, error) {
	var jobs []*river.PeriodicJob
	for _, p := range providers {
		if p.Schedule == "" {
			continue
		}
		spec, err := schedule.Parse(p.Schedule)
		if err != nil {
			return nil, fmt.Errorf("fleet: provider %q: schedule: %w", p.ID, err)
		}
		id := p.ID
		jobs = append(jobs, river.NewPeriodicJob(specSchedule{spec},
			func() (river.JobArgs, *river.InsertOpts) { return RunArgs{Provider: id}, f.insertOpts() },
			&river.PeriodicJobOpts{ID: "vtsync/" + id}))
	}
	return jobs, nil
}
