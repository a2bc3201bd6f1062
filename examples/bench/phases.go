package main

import (
	gosync "sync"
	"time"

	vtsync "github.com/vtsync/vtsync/sync"
)

// phaseClock records when a run's Syncer last reported each phase, read
// from time.Now: the virtual clock in a simulated run, the wall clock
// otherwise (the scenario clock the Syncer itself reads stands still
// during a run, so its Report.PhaseSeconds cannot split one).
type phaseClock struct {
	mu   gosync.Mutex
	seen map[vtsync.Phase]time.Time
}

func (c *phaseClock) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = map[vtsync.Phase]time.Time{}
}

func (c *phaseClock) see(p vtsync.Phase) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[vtsync.Phase]time.Time{}
	}
	c.seen[p] = time.Now()
}

func (c *phaseClock) last(p vtsync.Phase) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.seen[p]
	return t, ok
}
