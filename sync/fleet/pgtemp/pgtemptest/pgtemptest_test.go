package pgtemptest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/sync/fleet/pgtemp"
	"github.com/vtsync/vtsync/sync/fleet/pgtemp/pgtemptest"
)

// recorder is a testing.TB that records Fatalf and Skipf instead of
// stopping the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

// Without PostgreSQL a test skips locally and fails in CI, both saying how
// to get it.
func TestRequireWithoutPostgreSQL(t *testing.T) {
	t.Setenv("VTSYNC_PG_BIN", t.TempDir()) // holds no initdb
	for _, tc := range []struct {
		ci   string
		fail bool
	}{
		{ci: "true", fail: true},
		{ci: "", fail: false},
	} {
		t.Setenv("CI", tc.ci)
		r := &recorder{TB: t}
		pgtemptest.Require(r)
		if tc.fail {
			assert.Contains(t, r.fatal, pgtemp.Hint)
			assert.Empty(t, r.skip)
		} else {
			assert.Contains(t, r.skip, pgtemp.Hint)
			assert.Empty(t, r.fatal)
		}
	}
}
