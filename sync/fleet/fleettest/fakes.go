// Package fleettest stands up fake VETtrak and Canvas servers for many
// providers on loopback and describes them as fleet providers, so a fleet
// (in this process or in others: the description is plain data) can sync
// them; and it snapshots what each fake ends up holding, to compare runs
// and count duplicates.
package fleettest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Options size the fakes.
type Options struct {
	// Providers is how many providers to stand up.
	Providers int
	// Latency delays every answer of every fake, like a real network.
	Latency time.Duration
	// Seed varies the generated data; provider i uses Seed+i.
	Seed uint64
	// Learners per provider (default 12).
	Learners int
}

// Fakes are the running fake servers, one VETtrak and one Canvas per
// provider.
type Fakes struct {
	Providers []*FakeProvider
}

// FakeProvider is one provider's pair of fakes.
type FakeProvider struct {
	Endpoint
	VETtrak *vettraktest.Server
	Canvas  *canvastest.Server
}

// Endpoint describes one provider's fakes as plain data (JSON for a child
// process): where they are and how to log in. The logins are the fakes'
// own, made up for the session.
type Endpoint struct {
	ID              string           `json:"id"`
	Workflow        mapping.Workflow `json:"workflow"`
	VETtrakURL      string           `json:"vettrak_url"`
	VETtrakUser     string           `json:"vettrak_user"`
	VETtrakPassword string           `json:"vettrak_password"`
	CanvasURL       string           `json:"canvas_url"`
	CanvasToken     string           `json:"canvas_token"`
}

// Start stands the fakes up: provider i (ID "rto-001"…) holds a
// generated dataset and, for every other provider, the LMS-pulls workflow
// (Occurrence groups) with its Canvas courses made by hand, as that
// workflow expects; the rest use the Unit workflow.
func Start(o Options) (*Fakes, error) {
	if o.Providers < 1 {
		return nil, errors.New("fleettest: no providers")
	}
	learners := cmp.Or(o.Learners, 12)
	f := &Fakes{}
	for i := range o.Providers {
		data, err := vettraktest.Generate(vettraktest.GenSpec{Seed: o.Seed + uint64(i) + 1, Occurrences: 3, Units: 3,
			Learners: learners, EnrolledUnits: 2 * learners, Staff: 2})
		if err != nil {
			f.Close()
			return nil, err
		}
		vt := vettraktest.NewServer(vettraktest.WithDataset(data), vettraktest.WithLatency(o.Latency))
		cv := canvastest.NewServer(canvastest.WithLatency(o.Latency))
		w := mapping.WorkflowUnit
		if i%2 == 1 {
			w = mapping.WorkflowOccurrenceGroups
			for _, code := range unitCodes(data) {
				cv.SeedCourse(canvastest.Course{Name: "Course " + code, CourseCode: code, ModuleRequirements: 4})
			}
		}
		creds := vt.Credentials()
		f.Providers = append(f.Providers, &FakeProvider{
			Endpoint: Endpoint{ID: fmt.Sprintf("rto-%03d", i+1), Workflow: w,
				VETtrakURL: vt.URL(), VETtrakUser: creds.Username, VETtrakPassword: creds.Password,
				CanvasURL: cv.URL(), CanvasToken: cv.AdminToken()},
			VETtrak: vt, Canvas: cv,
		})
	}
	return f, nil
}

func unitCodes(d *vettraktest.Dataset) []string {
	var codes []string
	for _, id := range d.Occurrences() {
		o, _ := d.Occurrence(id)
		for _, u := range o.Units {
			codes = append(codes, u.Code)
		}
	}
	slices.Sort(codes)
	return slices.Compact(codes)
}

// Close stops every fake.
func (f *Fakes) Close() {
	for _, p := range f.Providers {
		p.VETtrak.Close()
		p.Canvas.Close()
	}
}

// Endpoints describes every provider's fakes.
func (f *Fakes) Endpoints() []Endpoint {
	out := make([]Endpoint, len(f.Providers))
	for i, p := range f.Providers {
		out[i] = p.Endpoint
	}
	return out
}

// Provider is the fleet provider of an endpoint: its workflow's default
// config over 2026 (the generated data's year), clients tuned for local
// fakes (no client-side rate limit, quick retries), and schedule.
func (e Endpoint) Provider(schedule string) fleet.Provider {
	cfg := vtsync.DefaultConfig(e.Workflow)
	cfg.Scope = vtsync.Scope{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	return fleet.Provider{
		ID: e.ID, Schedule: schedule, Config: cfg, VETtrakURL: e.VETtrakURL, CanvasURL: e.CanvasURL,
		VETtrakOptions: []vettrak.Option{vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: 5, MinWait: 5 * time.Millisecond, MaxWait: 50 * time.Millisecond})},
		CanvasOptions: []canvas.Option{canvas.WithRateLimit(rate.Inf, 0), canvas.WithPacing(canvas.Pacing{}),
			canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 5, MinWait: 5 * time.Millisecond, MaxWait: 50 * time.Millisecond})},
	}
}

// Credentials are the endpoint's logins.
func (e Endpoint) Credentials() fleet.Credentials {
	return fleet.Credentials{VETtrak: vettrak.Credentials{Username: e.VETtrakUser, Password: e.VETtrakPassword},
		CanvasToken: e.CanvasToken}
}

// Registry is a fleet registry of the endpoints, each on schedule (empty:
// on demand only).
func Registry(eps []Endpoint, schedule string) (*fleet.StaticRegistry, error) {
	byID := map[string]Endpoint{}
	providers := make([]fleet.Provider, 0, len(eps))
	for _, e := range eps {
		byID[e.ID] = e
		providers = append(providers, e.Provider(schedule))
	}
	return fleet.NewStaticRegistry(func(_ context.Context, id string) (fleet.Credentials, error) {
		e, ok := byID[id]
		if !ok {
			return fleet.Credentials{}, fmt.Errorf("%w: %q", fleet.ErrUnknownProvider, id)
		}
		return e.Credentials(), nil
	}, providers...)
}
