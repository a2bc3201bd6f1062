package callstats_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/callstats"
)

func TestSince(t *testing.T) {
	before := callstats.Snapshot{Reads: 3, Writes: 1, Failures: 1, BytesOut: 100, BytesIn: 900, ByOp: map[string]int64{"GET a": 3, "POST b": 1}}
	after := callstats.Snapshot{Reads: 7, Writes: 2, Failures: 1, BytesOut: 150, BytesIn: 2000, ByOp: map[string]int64{"GET a": 7, "POST b": 1, "POST c": 1}}
	d := after.Since(before)
	assert.Equal(t, callstats.Snapshot{Reads: 4, Writes: 1, BytesOut: 50, BytesIn: 1100, ByOp: map[string]int64{"GET a": 4, "POST c": 1}}, d)
	assert.Equal(t, int64(5), d.Calls())
	assert.Equal(t, int64(9), after.Calls())
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(callstats.Snapshot{Reads: 1, ByOp: map[string]int64{"GET a": 1}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"reads":1,"writes":0,"failures":0,"bytes_out":0,"bytes_in":0,"by_op":{"GET a":1}}`, string(b))
}
