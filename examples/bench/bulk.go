package main

import (
	"context"
	"fmt"

	vtsync "github.com/vtsync/vtsync/sync"
)

// scBulk is the optional bulk first load: a Syncer Run on a fresh world of
// the same size whose Config.Bulk sends every LMS write the Canvas LMS can
// take in bulk (lms.BulkWriter) as one SIS import, and the rest (users
// with a time zone, courses with dates, removals: canvaslms.LMS.CanBulk)
// one REST call each, as an operator's Run would above the threshold.
const scBulk = "initial-bulk"

// bulkThreshold is the initial-bulk world's Config.Bulk.Threshold: the
// lowest there is, so the SDK's bulk path runs at every size.
const bulkThreshold = 1

// runBulk runs the SDK's bulk path (a Syncer Run with bulk on) and reads
// what its SIS import did from the fake Canvas.
func runBulk(ctx context.Context, w *world) (*vtsync.Report, *bulkOutcome, error) {
	imports := len(w.cv.SISImports())
	rep, err := w.sync.Run(ctx)
	out := &bulkOutcome{}
	all := w.cv.SISImports()
	for _, imp := range all[min(imports, len(all)):] {
		out.Imports++
		out.State = imp.WorkflowState
		for _, kind := range importedKinds {
			out.Rows += imp.Counts[kind]
		}
	}
	if err != nil {
		return rep, out, fmt.Errorf("bulk run: %w", err)
	}
	return rep, out, nil
}

// importedKinds are the SIS import counts of records imported (the rest
// count errors, warnings and batch deletions).
var importedKinds = []string{"users", "courses", "sections", "enrollments", "group_categories", "groups", "group_memberships"}

// bulkOutcome is what the SDK's bulk path did.
type bulkOutcome struct {
	// Imports is how many SIS imports the run sent (1 when the plan's
	// bulk writes reached the threshold), State the last one's workflow
	// state, Rows the records Canvas reports it imported.
	Imports int    `json:"imports"`
	Rows    int    `json:"rows"`
	State   string `json:"state"`
	// Rest is the Canvas writes the run sent one REST call each beside
	// the import (what canvaslms.LMS.CanBulk keeps off it).
	Rest int64 `json:"rest"`
	// Left is what a Plan right after the run still finds to do: zero
	// when the import made exactly what the REST path would have.
	Left int `json:"left_after_import"`
}
