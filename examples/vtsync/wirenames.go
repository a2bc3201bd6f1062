package main

import (
	"encoding/json"

	vtsync "github.com/vtsync/vtsync/sync"
)

// wireNamesHint is the configuration-file form of the wire names a
// contract check suggests: the report prints the Go option, which an
// operator of this program cannot paste anywhere. "" when there are none.
func wireNamesHint(rep *vtsync.CheckReport) string {
	if rep == nil || len(rep.WireNames) == 0 {
		return ""
	}
	b, err := json.Marshal(rep.WireNames)
	if err != nil {
		return "" // a map of strings always marshals
	}
	return "In the configuration file, under \"vettrak\", add:\n  \"wire_names\": " + string(b)
}
