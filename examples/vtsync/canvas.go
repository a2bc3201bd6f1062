package main

import (
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// newCanvasLMS builds the Canvas target. It does not contact Canvas.
// concurrency (0: the default) also bounds how many courses a read covers
// at once.
func newCanvasLMS(c *canvasConfig, token string, log *slog.Logger, concurrency int) (lms.LMS, error) {
	copts := []canvas.Option{canvas.WithLogger(log), canvas.WithUserAgent(userAgent)}
	if c.RateLimit > 0 {
		copts = append(copts, canvas.WithRateLimit(rate.Limit(c.RateLimit), max(1, int(c.RateLimit))))
	}
	if c.MaxInFlight > 0 {
		copts = append(copts, canvas.WithMaxInFlight(c.MaxInFlight))
	}
	if d := time.Duration(c.Timeout); d > 0 {
		copts = append(copts, canvas.WithTimeout(d))
	}
	client, err := canvas.New(c.BaseURL, token, copts...)
	if err != nil {
		return nil, err
	}
	lopts := []canvaslms.Option{canvaslms.WithLogger(log)}
	if concurrency > 0 {
		lopts = append(lopts, canvaslms.WithConcurrency(concurrency))
	}
	if c.GroupsAs == "sections" {
		lopts = append(lopts, canvaslms.WithGroupsAs(canvaslms.GroupsAsSections))
	}
	if c.GroupCategory != "" {
		lopts = append(lopts, canvaslms.WithGroupCategory(c.GroupCategory))
	}
	switch {
	case c.AccountID != 0:
		lopts = append(lopts, canvaslms.WithAccount(canvas.ID(c.AccountID)))
	case c.AccountSISID != "":
		lopts = append(lopts, canvaslms.WithAccount(canvas.SISAccount(c.AccountSISID)))
	}
	return canvaslms.New(client, lopts...)
}
