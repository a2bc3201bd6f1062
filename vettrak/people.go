package vettrak

import (
	"context"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// People: learners (clients, record Person) and the staff linked to them.

// ClientDetails reads one client (GetClientDetails). A missing client is
// ErrNoRecords.
func (a *Client) ClientDetails(ctx context.Context, clientCode string) (*Person, error) {
	r, _, err := invoke(ctx, a, opGetClientDetails, args{"sClie_Code": clientCode},
		func(r *vtsoap.GetClientDetailsResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetClientDetailsResult, func(x *vtsoap.TAuthClieDetail) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err != nil {
		return nil, err
	}
	d := r.GetClientDetailsResult.ClieDetail
	// GetClientByCode documents empty fields for an unknown code; treat a
	// detail without a code the same way.
	if d == nil || strings.TrimSpace(d.Clie_Code) == "" {
		return nil, opErr(opGetClientDetails, &StatusError{Op: opGetClientDetails, Status: StatusNoRecords, Message: "no client with code " + clientCode})
	}
	c := a.clientDetail(d)
	return &c, nil
}

// AccessibleClients lists the clients a staff member can see
// (GetAccessibleClients); since, when set, limits it to clients added or
// modified since then. An empty list is not an error.
//
// Only Code, GivenName and Surname are filled: TClie carries nothing else
// (JMDR:AddClientAfterCheck), in particular no email. Use it to learn which
// clients changed, and ClientDetails for their email.
func (a *Client) AccessibleClients(ctx context.Context, staffCode string, since *time.Time) ([]Person, error) {
	r, _, err := invoke(ctx, a, opGetAccessibleClients, args{"clientCode": staffCode, "sinceDate": since},
		func(r *vtsoap.GetAccessibleClientsResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetAccessibleClientsResult, func(x *vtsoap.TAuthClieList) *vtsoap.TAuthenticate { return x.Auth })
		})
	if err = noRecordsIsEmpty(err); err != nil || r == nil {
		return nil, err
	}
	out := []Person{}
	if l := r.GetAccessibleClientsResult.ClieList; l != nil {
		for _, c := range l.TClie {
			if c != nil {
				out = append(out, clientOf(c))
			}
		}
	}
	return out, nil
}

// StaffQuery filters GetStaffForClient / GetClientsForStaff. startDate and
// endDate are required, not nullable: a zero Start or End is sent as
// .NET's DateTime.MinValue, the value ASMX would assume for a missing one
// (how VETtrak filters on it is UNCONFIRMED; the fake treats it as open).
// The include flags add links via classes, enrolments, contracts and
// events to the links via occurrences.
type StaffQuery struct {
	IncludeClasses, IncludeEnrolments, IncludeContracts, IncludeEvents bool
	Start, End                                                         time.Time
	// StaffType limits to one staff type name ("Trainer"); empty means all.
	StaffType string
	// StatusTypes limits to enrolment status types; empty means all.
	StatusTypes []int
}

// StaffForClient lists the staff (trainers, assessors, …) linked to a
// client, one StaffLink per link. An empty list is not an error.
func (a *Client) StaffForClient(ctx context.Context, clientCode string, q StaffQuery) ([]StaffLink, error) {
	return a.staff(ctx, opGetStaffForClient, clientCode, q)
}

// ClientsForStaff lists the clients linked to a staff member, one
// StaffLink per link (StaffCode is staffCode; ClientCode the learner). An
// empty list is not an error.
func (a *Client) ClientsForStaff(ctx context.Context, staffCode string, q StaffQuery) ([]StaffLink, error) {
	return a.staff(ctx, opGetClientsForStaff, staffCode, q)
}

func (a *Client) staff(ctx context.Context, op, code string, q StaffQuery) ([]StaffLink, error) {
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.After(q.End) {
		return nil, opErr(op, &InputError{Op: op, Field: "Start", Reason: "after End"})
	}
	codeParam := "clientCode"
	if op == opGetClientsForStaff {
		codeParam = "staffClientCode"
	}
	statusTypes := make([]int32, 0, len(q.StatusTypes))
	for _, st := range q.StatusTypes {
		statusTypes = append(statusTypes, int32(st))
	}
	in := args{codeParam: code, "includeClasses": q.IncludeClasses, "includeEnrolments": q.IncludeEnrolments,
		"includeContracts": q.IncludeContracts, "includeEvents": q.IncludeEvents,
		"startDate": q.Start, "endDate": q.End, "staffType": q.StaffType, "statusTypes": statusTypes}
	type resp = vtsoap.TAuthClieStaffLinksList
	var result *resp
	var err error
	if op == opGetStaffForClient {
		var r *vtsoap.GetStaffForClientResponse
		r, _, err = invoke(ctx, a, op, in, func(r *vtsoap.GetStaffForClientResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetStaffForClientResult, func(x *resp) *vtsoap.TAuthenticate { return x.Auth })
		})
		if r != nil {
			result = r.GetStaffForClientResult
		}
	} else {
		var r *vtsoap.GetClientsForStaffResponse
		r, _, err = invoke(ctx, a, op, in, func(r *vtsoap.GetClientsForStaffResponse) *vtsoap.TAuthenticate {
			return authOf(r.GetClientsForStaffResult, func(x *resp) *vtsoap.TAuthenticate { return x.Auth })
		})
		if r != nil {
			result = r.GetClientsForStaffResult
		}
	}
	if err = noRecordsIsEmpty(err); err != nil || result == nil {
		return nil, err
	}
	out := []StaffLink{}
	if l := result.ClieStaffLinksList; l != nil {
		out = append(out, staffLinks(l.TClieStaffLinks, code, op == opGetStaffForClient)...)
	}
	return out, nil
}
