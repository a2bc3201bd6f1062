package sync

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // provider time zones on machines without a zoneinfo database

	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak"
)

// Config is what one provider's sync does: which VETtrak records are in
// scope, how they map to the LMS, how results come back, and the safety
// limits. It is plain data: it round-trips through JSON unchanged (every
// field has a snake_case key; the zone is a name), so it can live in a
// config file or a database row per provider.
type Config struct {
	// Mapping chooses the workflow (Unit, Module, Subject, Course,
	// Occurrence groups) and its settings.
	Mapping mapping.Config `json:"mapping"`
	// Results are the rules and policy for result passback. Its Location
	// is not data (it has no JSON form): set TimeZone instead. A Location
	// set in code must agree with TimeZone and the Source's zone.
	Results mapping.ResultConfig `json:"results"`
	// TimeZone is the provider's IANA zone, e.g. "Australia/Perth": the
	// zone VETtrak's zoneless dates are read in, result dates are written
	// in, and course dates are compared in. Empty takes the Source's zone
	// (ZonedSource, as *vettrak.Client is: vettrak.WithTimeZone), else
	// Mapping.TimeZone, else vettrak.DefaultTimeZone. A name that disagrees
	// with the Source's zone is an error at New: one provider has one zone.
	TimeZone string `json:"time_zone,omitempty"`
	// Scope selects the occurrences to sync.
	Scope Scope `json:"scope"`
	// Safety holds a plan that changes too much at once.
	Safety Safety `json:"safety"`
	// Bindings pin assessments (by LMS assessment ID) to unit codes, so a
	// renamed assessment keeps its unit.
	Bindings map[string]string `json:"bindings,omitempty"`
	// StaffCode is the VETtrak staff client code whose accessible clients
	// are read in bulk; empty reads every client the API user may see.
	StaffCode string `json:"staff_code,omitempty"`
	// MarkTransferred sets VETtrak's LMS flags on occurrences and
	// enrolments once everything they need in the LMS has succeeded. It
	// costs one GetLMSNewEnrolmentsForOccurrence call per occurrence per run
	// (TClieEnro carries no flag). On by default for the Occurrence-groups
	// workflow (the LMS-pulls model, whose anchor uses these flags).
	MarkTransferred bool `json:"mark_transferred"`
	// SkipResults leaves result passback out of Plan and Run.
	SkipResults bool `json:"skip_results,omitempty"`
	// UnitsMaxAge is how long enrolled units read from VETtrak are trusted
	// before they are read again, when the enrolment record has not
	// changed (see sync/units.go for the trade-off). Zero means
	// DefaultUnitsMaxAge (a week); negative reads every enrolment's units on
	// every run. In JSON it is a number of nanoseconds (time.Duration).
	UnitsMaxAge time.Duration `json:"units_max_age,omitempty"`
	// Bulk chooses when Apply sends a plan's LMS writes in one bulk call
	// (lms.BulkWriter: a Canvas SIS import) instead of one call each.
	Bulk Bulk `json:"bulk"`
}

// DefaultBulkThreshold is how many LMS writes a plan needs before Apply
// sends them in bulk. Below it a handful of REST calls is cheaper than an
// import's upload and polls, and shows its result at once.
const DefaultBulkThreshold = 100

// Bulk configures the bulk path of Apply. It applies only to an LMS that
// implements lms.BulkWriter.
type Bulk struct {
	// Threshold is how many of a plan's LMS writes the LMS can take in bulk
	// before Apply does so; 0 means DefaultBulkThreshold.
	Threshold int `json:"threshold,omitempty"`
	// Off keeps Apply on one call per write whatever the plan's size.
	Off bool `json:"off,omitempty"`
}

func (b Bulk) threshold() int {
	if b.Threshold > 0 {
		return b.Threshold
	}
	return DefaultBulkThreshold
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
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	ProgrammeID   *int64    `json:"programme_id,omitempty"`
	LocationCode  string    `json:"location_code,omitempty"`
	OccurrenceIDs []int64   `json:"occurrence_ids,omitempty"`
	IncludeLMSNew bool      `json:"include_lms_new,omitempty"`
}

// Defaults of the Safety limits, used where a limit is unset (nil).
const (
	DefaultMaxRemoveShare = 0.10
	DefaultMaxUpdateShare = 0.75
	DefaultMinBase        = 20
)

// Safety configures holds: a plan whose removals or updates exceed these
// shares of the enrolments in scope stops with a *HoldError unless Allow.
//
// The limits are pointers because zero means something: a MaxRemoveShare
// of 0 holds any removal, and a MinBase of 0 applies holds however little
// is in scope. Nil (absent in JSON) means the default. Ptr builds one:
// Safety{MaxRemoveShare: vtsync.Ptr(0.0)}.
type Safety struct {
	// MaxRemoveShare is the largest share (0..1) of in-scope enrolments a
	// plan may remove; nil means DefaultMaxRemoveShare (10%).
	MaxRemoveShare *float64 `json:"max_remove_share,omitempty"`
	// MaxUpdateShare is the largest share (0..1) of in-scope users a plan
	// may update; nil means DefaultMaxUpdateShare (75%).
	MaxUpdateShare *float64 `json:"max_update_share,omitempty"`
	// MinBase is the number of enrolments below which no hold applies
	// (ten learners in a pilot can all be withdrawn); nil means
	// DefaultMinBase (20).
	MinBase *int `json:"min_base,omitempty"`
	// Allow applies a plan despite a hold.
	Allow bool `json:"allow,omitempty"`
}

// Ptr returns a pointer to v, for the Safety limits.
func Ptr[T any](v T) *T { return &v }

// DefaultConfig returns a configuration for the workflow with the SDK's
// defaults: safety holds at 10% removals and 75% updates (written out, so
// the config's JSON shows them), results on, LMS flags marked after success
// in the Occurrence-groups workflow, and an empty (writable) Bindings map.
func DefaultConfig(w mapping.Workflow) Config {
	return Config{
		Mapping: mapping.DefaultConfig(w),
		Results: mapping.DefaultResultConfig(w, nil),
		Safety: Safety{
			MaxRemoveShare: Ptr(DefaultMaxRemoveShare),
			MaxUpdateShare: Ptr(DefaultMaxUpdateShare),
			MinBase:        Ptr(DefaultMinBase),
		},
		Bindings:        map[string]string{},
		MarkTransferred: w == mapping.WorkflowOccurrenceGroups,
	}
}

// limits are the Safety limits with the defaults filled in.
type limits struct {
	maxRemove, maxUpdate float64
	minBase              int
}

func (sf Safety) limits() limits {
	l := limits{maxRemove: DefaultMaxRemoveShare, maxUpdate: DefaultMaxUpdateShare, minBase: DefaultMinBase}
	if sf.MaxRemoveShare != nil {
		l.maxRemove = *sf.MaxRemoveShare
	}
	if sf.MaxUpdateShare != nil {
		l.maxUpdate = *sf.MaxUpdateShare
	}
	if sf.MinBase != nil {
		l.minBase = *sf.MinBase
	}
	return l
}

// ZonedSource is implemented by Sources that know the zone VETtrak's
// zoneless dates are read in; *vettrak.Client does (vettrak.WithTimeZone).
// The Syncer writes results in that zone, so a date read as 3 February is
// written back as 3 February.
type ZonedSource interface {
	Location() *time.Location
}

// providerZone decides the one zone of the provider from the config and
// the Source. Every zone that is set must have the same name.
func (c *Config) providerZone(src Source) (*time.Location, error) {
	type claim struct {
		from string
		loc  *time.Location
	}
	var claims []claim
	if zs, ok := src.(ZonedSource); ok {
		if loc := zs.Location(); loc != nil {
			claims = append(claims, claim{"the VETtrak client's zone", loc})
		}
	}
	if c.TimeZone != "" {
		loc, err := time.LoadLocation(c.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("time_zone %q: %w", c.TimeZone, err)
		}
		claims = append(claims, claim{"time_zone", loc})
	}
	if c.Results.Location != nil {
		claims = append(claims, claim{"Results.Location", c.Results.Location})
	}
	if len(claims) == 0 {
		// The zone of a custom Source that does not say: the users' zone
		// if set, else VETtrak's usual default.
		name := c.Mapping.TimeZone
		if name == "" {
			name = vettrak.DefaultTimeZone
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil, fmt.Errorf("mapping.time_zone %q: %w", name, err)
		}
		return loc, nil
	}
	first := claims[0]
	for _, cl := range claims[1:] {
		if cl.loc.String() != first.loc.String() {
			return nil, fmt.Errorf("%s is %q but %s is %q: VETtrak's dates would be read in one zone and results written in another",
				cl.from, cl.loc, first.from, first.loc)
		}
	}
	return first.loc, nil
}

// normalise checks the config and settles the provider's zone.
func (c *Config) normalise(src Source) error {
	var errs []error
	loc, err := c.providerZone(src)
	if err != nil {
		errs = append(errs, err)
	} else {
		c.TimeZone = loc.String()
		c.Results.Location = loc
	}
	if tz := c.Mapping.TimeZone; tz != "" {
		// New users get this zone: the LMS must know it.
		if _, err := time.LoadLocation(tz); err != nil {
			errs = append(errs, fmt.Errorf("mapping.time_zone %q: %w", tz, err))
		}
	}
	if c.Bindings == nil {
		c.Bindings = map[string]string{}
	}
	sf := c.Safety
	if v := sf.MaxRemoveShare; v != nil && (*v < 0 || *v > 1) {
		errs = append(errs, fmt.Errorf("safety: max_remove_share %v is not in 0..1", *v))
	}
	if v := sf.MaxUpdateShare; v != nil && (*v < 0 || *v > 1) {
		errs = append(errs, fmt.Errorf("safety: max_update_share %v is not in 0..1", *v))
	}
	if v := sf.MinBase; v != nil && *v < 0 {
		errs = append(errs, fmt.Errorf("safety: min_base %d is negative", *v))
	}
	if c.Bulk.Threshold < 0 {
		errs = append(errs, fmt.Errorf("bulk: threshold %d is negative", c.Bulk.Threshold))
	}
	if !c.Scope.To.IsZero() && c.Scope.To.Before(c.Scope.From) {
		errs = append(errs, errors.New("scope: to is before from"))
	}
	if c.Scope.From.IsZero() && c.Scope.To.IsZero() && len(c.Scope.OccurrenceIDs) == 0 && !c.Scope.IncludeLMSNew {
		errs = append(errs, errors.New("scope: nothing selected: set from/to, occurrence_ids or include_lms_new"))
	}
	if err := c.Mapping.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}
