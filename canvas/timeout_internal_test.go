package canvas

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Every call has a deadline unless the caller turns it off.
func TestDefaultDeadlines(t *testing.T) {
	cfg := defaultConfig()
	assert.Equal(t, httpx.DefaultTimeout, cfg.timeout)
	assert.Equal(t, httpx.DefaultAttemptTimeout, cfg.attempt)
	assert.Equal(t, httpx.DefaultTimeout, offIfZero(cfg.timeout))
	assert.Negative(t, offIfZero(0), "WithTimeout(0) turns the deadline off")
	assert.Equal(t, time.Second, offIfZero(time.Second))
}
