package pgstore_test

import (
	"testing"

	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
