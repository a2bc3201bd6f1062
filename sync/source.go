package sync

import (
	"context"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// Source is what the Syncer needs from VETtrak. *vettrak.Client implements it;
// tests and custom workflows may supply their own.
type Source interface {
	SearchOccurrences(ctx context.Context, q vettrak.OccurrenceQuery) ([]vettrak.Occurrence, error)
	LMSNewOccurrences(ctx context.Context) ([]vettrak.Occurrence, error)
	LMSNewEnrolments(ctx context.Context, occurrenceID int64) ([]vettrak.Enrolment, error)
	OccurrenceDetails(ctx context.Context, occurrenceID int64) (*vettrak.Occurrence, error)
	EnrolmentsForOccurrence(ctx context.Context, occurrenceID int64) ([]vettrak.Enrolment, error)
	UnitsForEnrolment(ctx context.Context, enrolmentID int64) ([]vettrak.EnrolledUnit, error)
	ClientDetails(ctx context.Context, clientCode string) (*vettrak.Person, error)
	AccessibleClients(ctx context.Context, staffCode string, since *time.Time) ([]vettrak.Person, error)
	ResultTypes(ctx context.Context) ([]vettrak.ResultType, error)
	DeletedRecordsSince(ctx context.Context, table string, since time.Time) ([]vettrak.DeletedRecord, error)

	UpdateResult(ctx context.Context, r vettrak.ResultUpdate) error
	UpdateResultComment(ctx context.Context, enrolmentID int64, unitCode, comment string) error
	SetOccurrenceUploaded(ctx context.Context, occurrenceID int64, uploaded bool) error
	SetEnrolmentUploaded(ctx context.Context, enrolmentID int64, uploaded bool) error

	Check(ctx context.Context) (*vettrak.ConnectionReport, error)
}

var _ Source = (*vettrak.Client)(nil)
