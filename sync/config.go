package sync

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // provider time zones on machines without a zoneinfo database

	"github.com/vtsync/vtsync/mapping"
)

// Config is what one provider's sync does: which VETtrak records are in
// scope, how they map to the LMS, how results come back, and the safety
// limits. It is plain data, so it can live in a config file or a database
// row per provider.
type Config struct {
	// Mapping chooses the workflow (Unit, Module, Subject, Course,
	// Occurrence groups) and its settings.
	Mapping mapping.Config
	// Results are the rules and policy for result passback.
	Results mapping.ResultConfig
	// Scope selects the occurrences to sync.
	Scope Scope
	// Safety holds a plan that changes too much at once.
	Safety Safety
	// Bindings pin assessments (by LMS assessment ID) to unit codes, so a
	// renamed assessment keeps its unit.
	Bindings map[string]string
	// StaffCode is the VETtrak staff client code whose accessible clients
	// are read in bulk; empty reads every client the API user may see.
	StaffCode string
	// MarkTransferred sets VETtrak's LMS flags on occurrences and
	// enrolments once everything they need in the LMS has succeeded. It
	// costs one GetLMSNewEnrolmentsForOccurrence call per occurrence per run
	// (TClieEnro carries no flag). On by default for the Occurrence-groups
	// workflow (the LMS-pulls model, whose anchor uses these flags).
	MarkTransferred bool
	// SkipResults leaves result passback out of Plan and Run.
	SkipResults bool
	// UnitsMaxAge is how long enrolled units read from VETtrak are trusted
	// before they are read again, when the enrolment record has not
	// changed (see sync/units.go for the trade-off). Zero means
	// DefaultUnitsMaxAge (a week); negative reads every enrolment's units on
	// every run.
	UnitsMaxAge time.Duration
}

// Scope selects the VETtrak occurrences a run covers. A run covers the
// union of: occurrences overlapping [From, To], the listed OccurrenceIDs,
// and (with IncludeLMSNew) those VETtrak flags as new for the LMS. There is
// no per-run cap.
//
// IncludeLMSNew alone follows the anchor integration: once an occurrence is
// flagged as transferred it drops out of the list, and whether VETtrak
// re-flags it when an enrolment is added later is not documented. Pair it
// with a date window (From/To covering current occurrences) so late
// enrolments and withdrawals are still seen.
type Scope struct {
	From, To      time.Time
	ProgrammeID   *int64
	LocationCode  string
	OccurrenceIDs []int64
	IncludeLMSNew bool
}

// Safety configures holds: a plan whose removals or updates exceed these
// shares of the enrolments in scope stops with a *HoldError unless Allow.
type Safety struct {
	// MaxRemoveShare is the largest share (0..1) of in-scope enrolments a
	// plan may remove; default 0.10.
	MaxRemoveShare float64
	// MaxUpdateShare is the largest share of in-scope users a plan may
	// update; default 0.75.
	MaxUpdateShare float64
	// MinBase is the number of enrolments below which no hold applies
	// (ten learners in a pilot can all be withdrawn); default 20.
	MinBase int
	// Allow applies a plan despite a hold.
	Allow bool
}

// DefaultConfig returns a configuration for the workflow with the SDK's
// defaults: safety holds at 10% removals and 75% updates, results on, and
// LMS flags marked after success in the Occurrence-groups workflow.
func DefaultConfig(w mapping.Workflow) Config {
	return Config{
		Mapping:         mapping.DefaultConfig(w),
		Results:         mapping.DefaultResultConfig(w, nil),
		MarkTransferred: w == mapping.WorkflowOccurrenceGroups,
	}
}

func (c *Config) normalise() error {
	if c.Safety.MaxRemoveShare == 0 {
		c.Safety.MaxRemoveShare = 0.10
	}
	if c.Safety.MaxUpdateShare == 0 {
		c.Safety.MaxUpdateShare = 0.75
	}
	if c.Safety.MinBase == 0 {
		c.Safety.MinBase = 20
	}
	var errs []error
	if c.Results.Location == nil {
		// Result dates are checked and written in the provider's zone.
		name := c.Mapping.TimeZone
		if name == "" {
			name = "Australia/Sydney"
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("results: time zone %q: %w", name, err))
		}
		c.Results.Location = loc
	}
	if c.Safety.MaxRemoveShare < 0 || c.Safety.MaxRemoveShare > 1 {
		errs = append(errs, fmt.Errorf("safety: MaxRemoveShare %v is not in 0..1", c.Safety.MaxRemoveShare))
	}
	if c.Safety.MaxUpdateShare < 0 || c.Safety.MaxUpdateShare > 1 {
		errs = append(errs, fmt.Errorf("safety: MaxUpdateShare %v is not in 0..1", c.Safety.MaxUpdateShare))
	}
	if !c.Scope.To.IsZero() && c.Scope.To.Before(c.Scope.From) {
		errs = append(errs, errors.New("scope: To is before From"))
	}
	if c.Scope.From.IsZero() && c.Scope.To.IsZero() && len(c.Scope.OccurrenceIDs) == 0 && !c.Scope.IncludeLMSNew {
		errs = append(errs, errors.New("scope: nothing selected: set From/To, OccurrenceIDs or IncludeLMSNew"))
	}
	if err := c.Mapping.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}
