package vettrak

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// Units and results: what a learner studies in an occurrence, and the
// results written back.

// UnitsForOccurrence lists an occurrence's units (GetUnitsForOccurrence;
// parameters and fields unconfirmed). An empty list is not an error.
func (a *Client) UnitsForOccurrence(ctx context.Context, occurrenceID int64) ([]Unit, error) {
	id, err := id32(opGetUnitsForOccurrence, "occurrenceID", occurrenceID)
	if err != nil {
		return nil, err
	}
	r, _, err := invoke(ctx, a, opGetUnitsForOccurrence, args{"iOccu_ID": id},
		func(r *vtsoap.GetUnitsForOccurrenceResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetUnitsForOccurrenceResult, func(x *vtsoap.TAuthUnitList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []Unit{}
	if l := r.GetUnitsForOccurrenceResult.UnitList; l != nil {
		for _, u := range l.TUnit {
			if u != nil {
				out = append(out, unitOf(u))
			}
		}
	}
	return out, nil
}

// UnitsForEnrolment lists an enrolment's units with their current results
// (GetUnitsForEnrolment; parameters and TEnun fields unconfirmed). An empty
// list is not an error.
func (a *Client) UnitsForEnrolment(ctx context.Context, enrolmentID int64) ([]EnrolledUnit, error) {
	id, err := id32(opGetUnitsForEnrolment, "enrolmentID", enrolmentID)
	if err != nil {
		return nil, err
	}
	r, _, err := invoke(ctx, a, opGetUnitsForEnrolment, args{"iEnro_ID": id},
		func(r *vtsoap.GetUnitsForEnrolmentResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetUnitsForEnrolmentResult, func(x *vtsoap.TAuthEnunList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []EnrolledUnit{}
	if l := r.GetUnitsForEnrolmentResult.EnunList; l != nil {
		for _, u := range l.TEnun {
			if u == nil {
				continue
			}
			eu := a.enrolledUnit(u)
			if eu.EnrolmentID == 0 {
				eu.EnrolmentID = enrolmentID
			}
			out = append(out, eu)
		}
	}
	return out, nil
}

// ResultTypes lists the provider's result types (GetResultTypes; field
// names unconfirmed). Results are written by name.
func (a *Client) ResultTypes(ctx context.Context) ([]ResultType, error) {
	r, _, err := invoke(ctx, a, opGetResultTypes, args{},
		func(r *vtsoap.GetResultTypesResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetResultTypesResult, func(x *vtsoap.TAuthResultTypeList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []ResultType{}
	if l := r.GetResultTypesResult.ResultTypeList; l != nil {
		for _, t := range l.TResultType {
			if t != nil {
				out = append(out, ResultType{Name: t.Name, Outcome: strings.TrimSpace(t.AvetmissOutcome), Active: t.Active})
			}
		}
	}
	return out, nil
}

// ResultUpdate is a unit result to write.
type ResultUpdate struct {
	EnrolmentID int64
	// UnitCode is the national code, at most 12 characters.
	UnitCode string
	// ResultName must be one of ResultTypes' names.
	ResultName    string
	Start, Finish time.Time
	// Percentage 0..100; nil sends VETtrak's "not scored" (-1).
	Percentage *int
	// Comment replaces the unit's comment when IncludeLinked is set (empty
	// keeps it); without IncludeLinked a non-empty Comment is written by a
	// second call, UpdateResultComment.
	Comment string
	// IncludeLinked uses UpdateResultIncludingLinked, which also updates
	// the unit on linked enrolments.
	IncludeLinked bool
}

// UpdateResult writes a unit result (UpdateResult, or
// UpdateResultIncludingLinked). VETtrak moves the previous result to the
// unit's history. Setting a value is safe to repeat, so transport failures
// are retried.
func (a *Client) UpdateResult(ctx context.Context, r ResultUpdate) error {
	op := opUpdateResult
	if r.IncludeLinked {
		op = opUpdateResultIncludingLinked
	}
	id, err := id32(op, "EnrolmentID", r.EnrolmentID)
	if err != nil {
		return err
	}
	if err := checkUnitCode(op, r.UnitCode); err != nil {
		return err
	}
	if strings.TrimSpace(r.ResultName) == "" {
		return opErr(op, &InputError{Op: op, Field: "ResultName", Reason: "empty"})
	}
	if r.Start.IsZero() || r.Finish.IsZero() {
		return opErr(op, &InputError{Op: op, Field: "Start/Finish", Reason: "both dates are required"})
	}
	if r.Start.After(r.Finish) {
		return opErr(op, &InputError{Op: op, Field: "Start", Reason: "after Finish"})
	}
	pct := int32(-1)
	if r.Percentage != nil {
		if *r.Percentage < 0 || *r.Percentage > 100 {
			return opErr(op, &InputError{Op: op, Field: "Percentage", Reason: fmt.Sprintf("%d is not within 0..100", *r.Percentage)})
		}
		pct = int32(*r.Percentage)
	}
	if r.IncludeLinked {
		_, _, err = invoke(ctx, a, op, args{"enrolmentId": id, "unitCode": r.UnitCode, "resultName": r.ResultName,
			"startDate": r.Start, "finishDate": r.Finish, "percentage": pct, "comment": r.Comment},
			func(r *vtsoap.UpdateResultIncludingLinkedResponse) *vtsoap.TAuthenticate {
				return r.UpdateResultIncludingLinkedResult
			})
		return err
	}
	_, _, err = invoke(ctx, a, op, args{"iEnro_ID": id, "sUnit_Code": r.UnitCode, "sResult_Name": r.ResultName,
		"xsdStart": r.Start, "xsdFinish": r.Finish, "iPercentage": pct},
		func(r *vtsoap.UpdateResultResponse) *vtsoap.TAuthenticate { return r.UpdateResultResult })
	if err != nil || r.Comment == "" {
		return err
	}
	return a.UpdateResultComment(ctx, r.EnrolmentID, r.UnitCode, r.Comment)
}

func checkUnitCode(op, code string) error {
	switch {
	case strings.TrimSpace(code) == "":
		return opErr(op, &InputError{Op: op, Field: "UnitCode", Reason: "empty"})
	case len(code) > 12:
		return opErr(op, &InputError{Op: op, Field: "UnitCode", Reason: "longer than VETtrak's 12 characters"})
	}
	return nil
}

// UpdateResultComment replaces an enrolled unit's comment; an empty
// comment removes it.
func (a *Client) UpdateResultComment(ctx context.Context, enrolmentID int64, unitCode, comment string) error {
	const op = opUpdateResultComment
	id, err := id32(op, "enrolmentID", enrolmentID)
	if err != nil {
		return err
	}
	if err := checkUnitCode(op, unitCode); err != nil {
		return err
	}
	// An empty comment removes the comment, so it is sent, not left out.
	_, _, err = invoke(ctx, a, op, args{"enrolmentId": id, "unitCode": unitCode, "comment": &comment},
		func(r *vtsoap.UpdateResultCommentResponse) *vtsoap.TAuthenticate { return r.UpdateResultCommentResult })
	return err
}
