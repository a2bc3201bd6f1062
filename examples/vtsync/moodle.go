package main

import (
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/moodle"
)

// moodleRoles are the roles lms.moodle.roles may map to site role IDs.
var moodleRoles = []string{string(lms.RoleStudent), string(lms.RoleTeacher), string(lms.RoleTA), string(lms.RoleDesigner), string(lms.RoleObserver)}

// newMoodleLMS builds the Moodle target. It does not contact Moodle.
func newMoodleLMS(c *moodleConfig, token string, log *slog.Logger) (lms.LMS, error) {
	mopts := []moodle.Option{moodle.WithLogger(log), moodle.WithUserAgent(userAgent)}
	if c.RateLimit > 0 {
		mopts = append(mopts, moodle.WithRateLimit(rate.Limit(c.RateLimit), max(1, int(c.RateLimit))))
	}
	if d := time.Duration(c.Timeout); d > 0 {
		mopts = append(mopts, moodle.WithTimeout(d))
	}
	client, err := moodle.New(c.BaseURL, token, mopts...)
	if err != nil {
		return nil, err
	}
	var lopts []moodlelms.Option
	if c.CategoryID > 0 {
		lopts = append(lopts, moodlelms.WithCategory(c.CategoryID))
	}
	if len(c.Roles) > 0 {
		roles := map[lms.Role]int64{}
		for r, id := range c.Roles {
			roles[lms.Role(r)] = id
		}
		lopts = append(lopts, moodlelms.WithRoles(roles))
	}
	if c.Auth != "" {
		lopts = append(lopts, moodlelms.WithAuth(c.Auth))
	}
	return moodlelms.New(client, lopts...)
}
