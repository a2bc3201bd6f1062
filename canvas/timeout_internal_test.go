package canvas

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Every call has a deadline unless the caller turns it off.
func TestDefaultDeadlines(t *testing.T) {
	cfg := defaultConfig()
	assert.Equal(t, httpx.DefaultTimeout, cfg.Timeout)
	assert.Equal(t, httpx.DefaultAttemptTimeout, cfg.AttemptTimeout)
	for _, opt := range []Option{WithTimeout(0), WithAttemptTimeout(0)} {
		assert.NoError(t, opt(&cfg))
	}
	assert.Negative(t, cfg.Timeout, "WithTimeout(0) turns the call deadline off")
	assert.Negative(t, cfg.AttemptTimeout, "WithAttemptTimeout(0) turns the attempt deadline off")
}
