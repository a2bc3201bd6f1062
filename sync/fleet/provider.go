package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
)

// ErrUnknownProvider: the registry does not know the provider. A job for
// it is cancelled, not retried.
var ErrUnknownProvider = errors.New("fleet: unknown provider")

// Provider is one RTO the fleet keeps in sync: where its VETtrak and LMS
// are, what its sync does, and when it runs.
type Provider struct {
	// ID names the provider everywhere: its store rows, lease, jobs and
	// runs. Keep it stable; text of at most 255 bytes.
	ID string
	// Schedule says when it runs, in sync/schedule's syntax ("every 2h",
	// "daily 06:00,18:00 Australia/Sydney"); empty runs it only when
	// enqueued.
	Schedule string
	// Config is the provider's sync configuration.
	Config vtsync.Config
	// VETtrakURL is the provider's VT_API endpoint.
	VETtrakURL string
	// CanvasURL is the provider's Canvas; ignored when LMS is set.
	CanvasURL string
	// LMS, when set, builds the provider's LMS instead of Canvas at
	// CanvasURL (another LMS, or Canvas with the host's own client).
	LMS func(ctx context.Context, creds Credentials) (lms.LMS, error)

	// Options of the clients and the Syncer, after the fleet's own.
	VETtrakOptions   []vettrak.Option
	CanvasOptions    []canvas.Option
	CanvasLMSOptions []canvaslms.Option
	SyncerOptions    []vtsync.Option
}

// Credentials are a provider's secrets. The fleet asks the Registry for
// them when a run starts and registers them with the Syncer's redaction;
// it never stores them.
type Credentials struct {
	VETtrak     vettrak.Credentials
	CanvasToken string
	// Other holds secrets of a host-built LMS, to be redacted too.
	Other []string
}

func (c Credentials) secrets() []string {
	return append([]string{c.VETtrak.Password, c.CanvasToken}, c.Other...)
}

// Registry is the host application's list of providers.
type Registry interface {
	// Providers returns every provider; the fleet reads schedules from it
	// when it starts.
	Providers(ctx context.Context) ([]Provider, error)
	// Provider returns one provider, or an error matching
	// ErrUnknownProvider.
	Provider(ctx context.Context, id string) (Provider, error)
	// Credentials returns a provider's secrets, when its run starts.
	Credentials(ctx context.Context, id string) (Credentials, error)
}

// StaticRegistry is a Registry held in memory, with credentials from a
// callback (a secrets manager, the environment). It is safe for
// concurrent use.
type StaticRegistry struct {
	mu        sync.RWMutex
	providers map[string]Provider
	creds     func(ctx context.Context, id string) (Credentials, error)
}

var _ Registry = (*StaticRegistry)(nil)

// NewStaticRegistry returns a registry of providers whose credentials come
// from creds.
func NewStaticRegistry(creds func(ctx context.Context, id string) (Credentials, error), providers ...Provider) (*StaticRegistry, error) {
	if creds == nil {
		return nil, errors.New("fleet: registry needs a credentials callback")
	}
	r := &StaticRegistry{providers: map[string]Provider{}, creds: creds}
	for _, p := range providers {
		if err := r.Put(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Put adds or replaces a provider.
func (r *StaticRegistry) Put(p Provider) error {
	if strings.TrimSpace(p.ID) == "" || len(p.ID) > 255 {
		return fmt.Errorf("fleet: provider ID %q: want 1 to 255 bytes of text", p.ID)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.providers[p.ID] = p
	return nil
}

// Providers implements Registry, sorted by ID.
func (r *StaticRegistry) Providers(context.Context) ([]Provider, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Provider, 0, len(r.providers))
	for _, p := range r.providers {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Provider) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Provider implements Registry.
func (r *StaticRegistry) Provider(_ context.Context, id string) (Provider, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.providers[id]
	if !ok {
		return Provider{}, fmt.Errorf("%w: %q", ErrUnknownProvider, id)
	}
	return p, nil
}

// Credentials implements Registry.
func (r *StaticRegistry) Credentials(ctx context.Context, id string) (Credentials, error) {
	return r.creds(ctx, id)
}
