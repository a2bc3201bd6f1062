package vettrak

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// Deleted records: what VETtrak removed since a time, for pruning.

// DeletedTables lists the table names DeletedRecordsSince accepts, the
// ones GetDeletedRecordsSince documents.
func DeletedTables() []string {
	return []string{"CLIENT", "EMPLOYER", "ENROLMENT", "PROGRAMME", "ENROUNIT", "QUALCLIE", "SUBURB", "INVOICE", "PAYMENT"}
}

// DeletedRecordsSince lists the IDs of a table's records deleted since a
// time (GetDeletedRecordsSince). table is one of DeletedTables (case
// insensitive). An empty list is not an error.
func (a *Client) DeletedRecordsSince(ctx context.Context, table string, since time.Time) ([]DeletedRecord, error) {
	const op = opGetDeletedRecordsSince
	table = strings.ToUpper(strings.TrimSpace(table))
	if tables := DeletedTables(); !slices.Contains(tables, table) {
		return nil, opErr(op, &InputError{Op: op, Field: "table", Reason: fmt.Sprintf("%q is not one of %s", table, strings.Join(tables, ", "))})
	}
	if since.IsZero() {
		return nil, opErr(op, &InputError{Op: op, Field: "since", Reason: "zero time"})
	}
	r, _, err := invoke(ctx, a, op, args{"tableName": table, "sinceDate": since},
		func(r *vtsoap.GetDeletedRecordsSinceResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetDeletedRecordsSinceResult, func(x *vtsoap.TAuthStringList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []DeletedRecord{}
	if l := r.GetDeletedRecordsSinceResult.TextList; l != nil {
		for _, s := range l.Astring {
			if s != nil && strings.TrimSpace(*s) != "" {
				out = append(out, DeletedRecord{Table: table, ID: strings.TrimSpace(*s)})
			}
		}
	}
	return out, nil
}
