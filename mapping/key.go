package mapping

import "strconv"

// ResultKey identifies an enrolled unit: the enrolment ID and the unit's
// normalised code. The ledger of results written, result writes, comment
// writes and conflicts are all keyed by it.
func ResultKey(enrolmentID int64, unitCode string) string {
	return strconv.FormatInt(enrolmentID, 10) + "|" + NormalizeUnitCode(unitCode)
}
