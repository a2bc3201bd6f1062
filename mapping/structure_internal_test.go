package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCourseEnd(t *testing.T) {
	syd, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Skip("no zone database")
	}
	day := time.Date(2026, 4, 10, 0, 0, 0, 0, syd)
	assert.Equal(t, time.Date(2026, 4, 11, 0, 0, 0, 0, syd), courseEnd(day), "a bare date ends when the day ends")
	at := time.Date(2026, 4, 10, 16, 30, 0, 0, syd)
	assert.Equal(t, at, courseEnd(at), "a time of day is kept")
	// The day DST ends in Sydney is 25 hours long: still the next midnight.
	dst := time.Date(2026, 4, 5, 0, 0, 0, 0, syd)
	assert.Equal(t, time.Date(2026, 4, 6, 0, 0, 0, 0, syd), courseEnd(dst))
}
