package canvas

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Every call has a deadline unless the caller turns it off.
func TestDefaultDeadlines(t *testing.T) {
	cfg := defaultConfig()
	assert.Equal(t, httpx.DefaultTimeout, cfg.timeout)
	assert.Equal(t, httpx.DefaultAttemptTimeout, cfg.attempt)
	for _, opt := range []Option{WithTimeout(0), WithAttemptTimeout(0)} {
		assert.NoError(t, opt(&cfg))
	}
	assert.Negative(t, httpx.OptionTimeout(cfg.timeout), "WithTimeout(0) turns the call deadline off")
	assert.Negative(t, httpx.OptionTimeout(cfg.attempt), "WithAttemptTimeout(0) turns the attempt deadline off")
}
