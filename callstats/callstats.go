// Package callstats is the public record of the API calls a client made:
// reads and writes (retries included, since each reaches the network),
// failures, bytes each way and a count per operation or endpoint. The
// vettrak, canvas and moodle clients report it through Stats(), the Syncer
// puts the calls of each run in its Report, and an LMS written outside
// this module reports its own by implementing lms.StatsReporter.
package callstats

// Snapshot is a point-in-time copy of a client's call counters.
type Snapshot struct {
	Reads    int64            `json:"reads"`
	Writes   int64            `json:"writes"`
	Failures int64            `json:"failures"`
	BytesOut int64            `json:"bytes_out"`
	BytesIn  int64            `json:"bytes_in"`
	ByOp     map[string]int64 `json:"by_op"`
}

// Calls is reads plus writes.
func (s Snapshot) Calls() int64 { return s.Reads + s.Writes }

// Since returns the calls made between before and s (s minus before),
// leaving out operations with no calls in between.
func (s Snapshot) Since(before Snapshot) Snapshot {
	d := Snapshot{
		Reads: s.Reads - before.Reads, Writes: s.Writes - before.Writes,
		Failures: s.Failures - before.Failures,
		BytesOut: s.BytesOut - before.BytesOut, BytesIn: s.BytesIn - before.BytesIn,
		ByOp: map[string]int64{},
	}
	for k, v := range s.ByOp {
		if n := v - before.ByOp[k]; n != 0 {
			d.ByOp[k] = n
		}
	}
	return d
}
