package vettrak

import (
	"context"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// Enrolments: an occurrence's learners, their LMS flag and updates.

// LMSNewEnrolments lists an occurrence's enrolments not yet transferred to
// the LMS (GetLMSNewEnrolmentsForOccurrence). An empty list is not an
// error (VETtrak's "no records" included).
func (a *Client) LMSNewEnrolments(ctx context.Context, occurrenceID int64) ([]Enrolment, error) {
	id, err := id32(opGetLMSNewEnrolmentsForOccurrence, "occurrenceID", occurrenceID)
	if err != nil {
		return nil, err
	}
	r, raw, err := invoke(ctx, a, opGetLMSNewEnrolmentsForOccurrence, args{"iID": id},
		func(r *vtsoap.GetLMSNewEnrolmentsForOccurrenceResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetLMSNewEnrolmentsForOccurrenceResult, func(x *vtsoap.TAuthClieEnroList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	return a.enrolments(r.GetLMSNewEnrolmentsForOccurrenceResult.ClieEnroList, occurrenceID, moneyOf(raw, "TClieEnro")), nil
}

// EnrolmentsForOccurrence lists all of an occurrence's enrolments
// (GetEnrolmentsForOccurrence; parameter names unconfirmed, see the WSDL).
// An empty list is not an error.
func (a *Client) EnrolmentsForOccurrence(ctx context.Context, occurrenceID int64) ([]Enrolment, error) {
	id, err := id32(opGetEnrolmentsForOccurrence, "occurrenceID", occurrenceID)
	if err != nil {
		return nil, err
	}
	r, raw, err := invoke(ctx, a, opGetEnrolmentsForOccurrence, args{"iOccu_ID": id},
		func(r *vtsoap.GetEnrolmentsForOccurrenceResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetEnrolmentsForOccurrenceResult, func(x *vtsoap.TAuthClieEnroList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	return a.enrolments(r.GetEnrolmentsForOccurrenceResult.ClieEnroList, occurrenceID, moneyOf(raw, "TClieEnro")), nil
}

func (a *Client) enrolments(list *vtsoap.ArrayOfTClieEnro, occurrenceID int64, money map[int32]enroMoney) []Enrolment {
	out := []Enrolment{}
	if list == nil {
		return out
	}
	for _, e := range list.TClieEnro {
		if e != nil && e.TEnro != nil {
			out = append(out, a.enrolment(e, occurrenceID, money))
		}
	}
	return out
}

// SetEnrolmentUploaded sets VETtrak's LMS flag on an enrolment
// (UpdateLMSEnrolmentStatus(sToken, iID, iStatus), DOC221).
func (a *Client) SetEnrolmentUploaded(ctx context.Context, enrolmentID int64, uploaded bool) error {
	id, err := id32(opUpdateLMSEnrolmentStatus, "enrolmentID", enrolmentID)
	if err != nil {
		return err
	}
	_, _, err = invoke(ctx, a, opUpdateLMSEnrolmentStatus, args{"iID": id, "iStatus": b2i(uploaded)},
		func(r *vtsoap.UpdateLMSEnrolmentStatusResponse) *vtsoap.TAuthenticate {
			return r.UpdateLMSEnrolmentStatusResult
		})
	return err
}

// EnrolmentUpdate changes an enrolment (UpdateEnrolment, API 25.10; needs
// the Short Courses licence). Nil fields are left unchanged.
type EnrolmentUpdate struct {
	EnrolmentID int64
	// Status is an enrolment status *name* (e.g. "Completed").
	Status string
	// DateOfEffect defaults to today on the server.
	DateOfEffect *time.Time
	Start        *time.Time
	Finish       *time.Time
	// EnrolmentType: nil leaves it, a pointer to "" clears it.
	EnrolmentType *string
}

// UpdateEnrolment changes an enrolment's status, dates or type.
func (a *Client) UpdateEnrolment(ctx context.Context, u EnrolmentUpdate) error {
	const op = opUpdateEnrolment
	id, err := id32(op, "EnrolmentID", u.EnrolmentID)
	if err != nil {
		return err
	}
	if u.Start != nil && u.Finish != nil && u.Start.After(*u.Finish) {
		return opErr(op, &InputError{Op: op, Field: "Start", Reason: "after Finish"})
	}
	_, _, err = invoke(ctx, a, op, args{"enrolmentId": id, "enrolmentStatus": u.Status,
		"dateOfEffect": u.DateOfEffect, "startDate": u.Start, "finishDate": u.Finish, "enrolmentType": u.EnrolmentType},
		func(r *vtsoap.UpdateEnrolmentResponse) *vtsoap.TAuthenticate { return r.UpdateEnrolmentResult })
	return err
}
