package vettraktest

import (
	"slices"
	"strings"

	"github.com/vtsync/vtsync/vettrak"
)

// getDeletedRecordsSince lists the IDs of the tombstones of one of the
// documented tables deleted at or after sinceDate.
func getDeletedRecordsSince(c *call) result {
	table := strings.ToUpper(strings.TrimSpace(c.r.str("tableName")))
	since := c.r.time("sinceDate")
	if !slices.Contains(vettrak.DeletedTables(), table) {
		return c.fail(vettrak.StatusFailed, "Invalid table name '"+c.r.str("tableName")+"'.")
	}
	var ids []string
	for _, t := range c.d.tombstones {
		if strings.EqualFold(t.Table, table) && !t.DeletedAt.Before(since) {
			ids = append(ids, t.ID)
		}
	}
	return c.list(len(ids), func(w *xw) {
		w.open("TextList")
		for _, id := range ids {
			w.text("string", id)
		}
		w.close("TextList")
	})
}
