package xmltime

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "time/tzdata"
)

func TestParse(t *testing.T) {
	syd, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2019-01-01T00:00:00", want: time.Date(2019, 1, 1, 0, 0, 0, 0, syd)},
		{in: "2026-07-01T09:30:15.25", want: time.Date(2026, 7, 1, 9, 30, 15, 250e6, syd)},
		{in: "2026-03-02T09:00:00+11:00", want: time.Date(2026, 3, 2, 9, 0, 0, 0, syd)},
		{in: "2026-03-01T22:00:00Z", want: time.Date(2026, 3, 2, 9, 0, 0, 0, syd)},
		{in: "", want: time.Time{}},
		{in: Null, want: time.Time{}},
		{in: "2019-01-01", wantErr: true},
		{in: " 2019-01-01T00:00:00", wantErr: true},
		{in: "2019-13-01T00:00:00", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "2019-01-01T25:00:00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in, syd)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrSyntax)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %v want %v", got, tt.want)
			if !got.IsZero() {
				assert.Equal(t, syd, got.Location())
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	syd, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	in := time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)
	s := Format(in, syd)
	assert.Equal(t, "2026-03-02T09:00:00", s)
	back, err := Parse(s, syd)
	require.NoError(t, err)
	assert.True(t, in.Equal(back))
	assert.Equal(t, "", Format(time.Time{}, syd))
	assert.Equal(t, "2026-03-02T09:00:00.5", Format(in.Add(500*time.Millisecond), syd))
	assert.Equal(t, "2026-03-01T22:00:00", Format(in, nil))
}

func TestDate(t *testing.T) {
	syd, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	d := Date(time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC), syd)
	assert.Equal(t, "2026-03-02T00:00:00", Format(d, syd))
}
