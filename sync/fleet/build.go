package fleet

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
)

// BuildSyncer builds p's Syncer as a fleet worker does: a VETtrak client
// at p.VETtrakURL, the LMS (p.LMS, or Canvas at p.CanvasURL), creds
// registered as secrets, then opts (the store, above all: without one the
// Syncer forgets everything), then p.SyncerOptions. Hosts use it for a
// one-off run outside the queue.
func BuildSyncer(ctx context.Context, p Provider, creds Credentials, opts ...vtsync.Option) (*vtsync.Syncer, error) {
	src, err := vettrak.New(p.VETtrakURL, creds.VETtrak, p.VETtrakOptions...)
	if err != nil {
		return nil, fmt.Errorf("fleet: provider %q: vettrak client: %w", p.ID, err)
	}
	dst, err := buildLMS(ctx, p, creds)
	if err != nil {
		return nil, fmt.Errorf("fleet: provider %q: lms: %w", p.ID, err)
	}
	all := append([]vtsync.Option{vtsync.WithSecrets(creds.secrets()...)}, opts...)
	s, err := vtsync.New(src, dst, p.Config, append(all, p.SyncerOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("fleet: provider %q: %w", p.ID, err)
	}
	return s, nil
}

func buildLMS(ctx context.Context, p Provider, creds Credentials) (lms.LMS, error) {
	if p.LMS != nil {
		return p.LMS(ctx, creds)
	}
	c, err := canvas.New(p.CanvasURL, creds.CanvasToken, p.CanvasOptions...)
	if err != nil {
		return nil, err
	}
	return canvaslms.New(c, p.CanvasLMSOptions...)
}
