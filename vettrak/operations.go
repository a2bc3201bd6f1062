package vettrak

import (
	"errors"
	"fmt"
	"math"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// noRecordsIsEmpty turns Status -4 into "nothing found" for list calls:
// VETtrak documents -4 as "often occurs because the requested record does
// not exist", and answers it where a list is simply empty. A list method
// therefore cannot tell "the occurrence does not exist" from "it has no
// enrolments"; callers that must know use OccurrenceDetails.
func noRecordsIsEmpty(err error) error {
	if errors.Is(err, ErrNoRecords) {
		return nil
	}
	return err
}

func id32(op, field string, id int64) (int32, error) {
	if id < math.MinInt32 || id > math.MaxInt32 {
		return 0, opErr(op, &InputError{Op: op, Field: field, Reason: fmt.Sprintf("%d does not fit VETtrak's 32-bit IDs", id)})
	}
	return int32(id), nil
}

func authOf[T any](res *T, get func(*T) *vtsoap.TAuthenticate) *vtsoap.TAuthenticate {
	if res == nil {
		return nil
	}
	return get(res)
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func ptr[T any](v T) *T { return &v }
