package vettrak

import (
	"context"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// Occurrences: the classes VETtrak runs, their LMS flag and search.

// LMSNewOccurrences lists the occurrences VETtrak has not yet marked as
// transferred to the LMS (GetLMSNewOccurrences). Mark them with
// SetOccurrenceUploaded once imported. An empty list is not an error.
func (a *Client) LMSNewOccurrences(ctx context.Context) ([]Occurrence, error) {
	r, _, err := invoke(ctx, a, opGetLMSNewOccurrences, args{},
		func(r *vtsoap.GetLMSNewOccurrencesResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetLMSNewOccurrencesResult, func(x *vtsoap.TAuthOccuList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	return a.occurrences(r.GetLMSNewOccurrencesResult.OccuList), nil
}

func (a *Client) occurrences(list *vtsoap.ArrayOfTOccu) []Occurrence {
	out := []Occurrence{}
	if list == nil {
		return out
	}
	for _, o := range list.TOccu {
		// <TOccu xsi:nil="true"/> (a null list item) decodes with no base
		// fields; it is not a record.
		if o != nil && o.TEnro != nil {
			out = append(out, a.occurrence(o))
		}
	}
	return out
}

// OccurrenceDetails reads one occurrence with its units and staff
// (GetOccurrenceExtendedDetails). A missing occurrence is ErrNoRecords.
//
// TOccuExtended's Staff and Units lists are documented, but their inner
// element types are UNCONFIRMED: they are read as TClieStaffLinks (a TClie
// and its TStaffLinks) and TUnit. A staff link there that names an
// enrolment (LinkType 2) keeps its EnrolmentID; any other gets the
// occurrence's ID as OccurrenceID.
func (a *Client) OccurrenceDetails(ctx context.Context, occurrenceID int64) (*Occurrence, error) {
	id, err := id32(opGetOccurrenceExtendedDetails, "occurrenceID", occurrenceID)
	if err != nil {
		return nil, err
	}
	r, _, err := invoke(ctx, a, opGetOccurrenceExtendedDetails, args{"occurrenceId": id},
		func(r *vtsoap.GetOccurrenceExtendedDetailsResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetOccurrenceExtendedDetailsResult, func(x *vtsoap.TAuthOccuExtended) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err != nil {
		return nil, err
	}
	ox := r.GetOccurrenceExtendedDetailsResult.OccuExtended
	if ox == nil || ox.OccurrenceDetail == nil || ox.OccurrenceDetail.TEnro == nil {
		return nil, opErr(opGetOccurrenceExtendedDetails, &DecodeError{Op: opGetOccurrenceExtendedDetails, Record: "OccuExtended/OccurrenceDetail", Err: errMissingResult})
	}
	o := a.extended(ox, true, true)
	return &o, nil
}

func (a *Client) extended(ox *vtsoap.TOccuExtended, units, staff bool) Occurrence {
	o := Occurrence{}
	if ox.OccurrenceDetail != nil {
		o = a.occurrence(ox.OccurrenceDetail)
	}
	if units {
		o.Units = []Unit{}
		if ox.Units != nil {
			for _, u := range ox.Units.TUnit {
				if u != nil {
					o.Units = append(o.Units, unitOf(u))
				}
			}
		}
	}
	if staff {
		o.Staff = []StaffLink{}
		if ox.Staff != nil {
			for _, l := range staffLinks(ox.Staff.TClieStaffLinks, "", true) {
				// The list is the occurrence's: a link that does not name
				// another record belongs to it.
				l.ClientCode = ""
				if l.OccurrenceID == 0 && l.EnrolmentID == 0 {
					l.OccurrenceID = o.ID
				}
				o.Staff = append(o.Staff, l)
			}
		}
	}
	return o
}

// OccurrenceQuery selects occurrences for SearchOccurrences. Zero Start or
// End leaves that side open.
type OccurrenceQuery struct {
	ProgrammeID  *int64
	Start, End   time.Time
	LocationCode string
	// Overlap: match occurrences that overlap [Start, End] rather than
	// start within it (VETtrak's overlapDates).
	Overlap      bool
	IncludeUnits bool
	IncludeStaff bool
	// ExcludeFull leaves out occurrences without vacancies, VETtrak's
	// web-enrolment view. The zero value sends includeFull=true, so a sync
	// sees every occurrence.
	ExcludeFull bool
}

// SearchOccurrences lists occurrences by programme, dates and location
// (SearchWebOccurrences), with units and staff when asked. An empty list
// is not an error.
func (a *Client) SearchOccurrences(ctx context.Context, q OccurrenceQuery) ([]Occurrence, error) {
	const op = opSearchWebOccurrences
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.After(q.End) {
		return nil, opErr(op, &InputError{Op: op, Field: "Start", Reason: "after End"})
	}
	in := args{"startDate": q.Start, "endDate": q.End, "overlapDates": q.Overlap,
		"locationCode": q.LocationCode, "includeFull": ptr(!q.ExcludeFull), "programmeId": (*int32)(nil)}
	if q.ProgrammeID != nil {
		id, err := id32(op, "ProgrammeID", *q.ProgrammeID)
		if err != nil {
			return nil, err
		}
		in["programmeId"] = &id
	}
	var lists []string
	if q.IncludeUnits {
		lists = append(lists, "Units")
	}
	if q.IncludeStaff {
		lists = append(lists, "Staff")
	}
	in["returnOccurrenceLists"] = lists
	r, _, err := invoke(ctx, a, op, in,
		func(r *vtsoap.SearchWebOccurrencesResponse) *vtsoap.TAuthenticate {
			return authOf(r.SearchWebOccurrencesResult, func(x *vtsoap.TAuthOccuExtendedList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []Occurrence{}
	if l := r.SearchWebOccurrencesResult.OccuExtendedList; l != nil {
		for _, ox := range l.TOccuExtended {
			if ox != nil && ox.OccurrenceDetail != nil && ox.OccurrenceDetail.TEnro != nil {
				out = append(out, a.extended(ox, q.IncludeUnits, q.IncludeStaff))
			}
		}
	}
	return out, nil
}

// SetOccurrenceUploaded sets VETtrak's LMS flag on an occurrence
// (UpdateLMSOccurrenceStatus(sToken, iID, iStatus), DOC221: iStatus 1 = in
// the LMS, 0 = not).
func (a *Client) SetOccurrenceUploaded(ctx context.Context, occurrenceID int64, uploaded bool) error {
	id, err := id32(opUpdateLMSOccurrenceStatus, "occurrenceID", occurrenceID)
	if err != nil {
		return err
	}
	_, _, err = invoke(ctx, a, opUpdateLMSOccurrenceStatus, args{"iID": id, "iStatus": b2i(uploaded)},
		func(r *vtsoap.UpdateLMSOccurrenceStatusResponse) *vtsoap.TAuthenticate {
			return r.UpdateLMSOccurrenceStatusResult
		})
	return err
}
