package vettrak

import (
	"context"
	"reflect"
	"slices"
	"time"

	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// Operation names (the WSDL's, which are also the SOAPAction suffixes and
// the keys of Stats().ByOp).
const (
	opValidateClient                   = "ValidateClient"
	opValidateUser                     = "ValidateUser"
	opGetLMSNewOccurrences             = "GetLMSNewOccurrences"
	opGetLMSNewEnrolmentsForOccurrence = "GetLMSNewEnrolmentsForOccurrence"
	opUpdateLMSOccurrenceStatus        = "UpdateLMSOccurrenceStatus"
	opUpdateLMSEnrolmentStatus         = "UpdateLMSEnrolmentStatus"
	opGetOccurrenceExtendedDetails     = "GetOccurrenceExtendedDetails"
	opSearchWebOccurrences             = "SearchWebOccurrences"
	opGetEnrolmentsForOccurrence       = "GetEnrolmentsForOccurrence"
	opGetUnitsForOccurrence            = "GetUnitsForOccurrence"
	opGetUnitsForEnrolment             = "GetUnitsForEnrolment"
	opGetClientDetails                 = "GetClientDetails"
	opGetAccessibleClients             = "GetAccessibleClients"
	opGetStaffForClient                = "GetStaffForClient"
	opGetClientsForStaff               = "GetClientsForStaff"
	opGetResultTypes                   = "GetResultTypes"
	opUpdateResult                     = "UpdateResult"
	opUpdateResultIncludingLinked      = "UpdateResultIncludingLinked"
	opUpdateResultComment              = "UpdateResultComment"
	opUpdateEnrolment                  = "UpdateEnrolment"
	opGetDeletedRecordsSince           = "GetDeletedRecordsSince"
)

// OperationInfo describes one VT_API operation the SDK calls: the one
// table the client, the vettraktest fake, the connection test (Check) and
// the contract check (CheckContract) all read. Parameter names, order and
// types are not repeated here: they are the embedded WSDL's
// (wsdl.Embedded().Operations[Name].Params).
type OperationInfo struct {
	Name string
	// TokenParam is the parameter that carries the token (sToken or
	// token: VT_API mixes both); empty for the logins.
	TokenParam string
	// Write: the operation changes VETtrak data.
	Write bool
	// Retry: repeating it leaves the same state, so transport errors and
	// 5xx answers are retried. Every operation the SDK uses reads or sets a
	// value; an operation that adds records would not be.
	Retry bool
	// Container is the path below <OpResult> to the list item or record
	// the SDK reads ("OccuList/TOccu"); empty when the result is a bare
	// TAuthenticate.
	Container string
	// Reads lists, per record type, the fields the SDK reads.
	Reads map[string][]string
	// Probed: the connection test calls it with harmless arguments to see
	// whether the licence includes it (writes only with WithCheckWrites).
	Probed bool
}

// opSpec is an OperationInfo with what only the client needs.
type opSpec struct {
	OperationInfo
	resp  reflect.Type // the generated response type
	probe func(ctx context.Context, a *Client, p probeArgs) error
}

// probeArgs are the harmless arguments of the connection test.
type probeArgs struct {
	identifier string    // the logged-in user's client code
	future     time.Time // a time no record has
}

func rt[T any]() reflect.Type { return reflect.TypeFor[T]() }

// buildTable returns every operation, in WSDL order. New keeps one copy
// per API; nothing changes it afterwards.
func buildTable() []*opSpec {
	occuFields := []string{"ID", "Code", "StartDate", "EndDate", "Status", "StatusType", "Qual_Code", "Qual_Name",
		"Description", "Loca_Code", "Prog_Code", "Prog_ID", "Prog_Name", "Reportable", "Uploaded", "Vacancies"}
	enroFields := []string{"ID", "Code", "StartDate", "EndDate", "Status", "StatusType", "DateOfEffect", "Qual_Code",
		"Qual_Name", "OrganisationId", "Description", "Loca_Code", "DeliveryType", "DeliveryModes", "EmployerIdentifier",
		"EmployerName", "EmployerContactCode", "Amount", "GST", "AmountPaid", "AmountCredited", "DivisionId",
		"EnrolmentType", "EnrolmentTypeCode", "Clie_Code", "GivenName", "Surname"}
	clieFields := []string{"Clie_Surname", "Clie_Given", "Clie_Code"}
	staffLinkFields := []string{"ID", "LinkType", "Primary", "StaffTypeName"}
	unitFields := []string{"Unit_Code", "Unit_Name", "Unit_Type"}
	extendedReads := map[string][]string{"TOccuExtended": {"OccurrenceDetail", "Staff", "Units"}, "TOccu": occuFields,
		"TClieStaffLinks": {"Clie", "StaffLinks"}, "TClie": clieFields, "TStaffLink": staffLinkFields, "TUnit": unitFields}
	staffReads := map[string][]string{"TClieStaffLinks": {"Clie", "StaffLinks"}, "TClie": clieFields, "TStaffLink": staffLinkFields}
	authReads := map[string][]string{"TAuthenticate": {"ID", "Token", "Status", "StatusMessage", "Identifier", "TokenType"}}

	read := func(name, token, container string, reads map[string][]string, resp reflect.Type,
		probe func(context.Context, *Client, probeArgs) error) *opSpec {
		return &opSpec{OperationInfo: OperationInfo{Name: name, TokenParam: token, Retry: true, Container: container,
			Reads: reads, Probed: probe != nil}, resp: resp, probe: probe}
	}
	write := func(name, token string, resp reflect.Type, probe func(context.Context, *Client, probeArgs) error) *opSpec {
		s := read(name, token, "", authReads, resp, probe)
		s.Write = true
		return s
	}
	login := func(name string, resp reflect.Type) *opSpec { return read(name, "", "", authReads, resp, nil) }
	probeResult := func(linked bool) func(context.Context, *Client, probeArgs) error {
		return func(ctx context.Context, a *Client, p probeArgs) error {
			return a.UpdateResult(ctx, ResultUpdate{EnrolmentID: 0, UnitCode: "CHECK", ResultName: "CHECK", Start: p.future, Finish: p.future, IncludeLinked: linked})
		}
	}
	return []*opSpec{
		login(opValidateClient, rt[vtsoap.ValidateClientResponse]()),
		login(opValidateUser, rt[vtsoap.ValidateUserResponse]()),
		read(opGetLMSNewOccurrences, "sToken", "OccuList/TOccu", map[string][]string{"TOccu": occuFields},
			rt[vtsoap.GetLMSNewOccurrencesResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.LMSNewOccurrences(ctx)
				return err
			}),
		read(opGetLMSNewEnrolmentsForOccurrence, "sToken", "ClieEnroList/TClieEnro", map[string][]string{"TClieEnro": enroFields},
			rt[vtsoap.GetLMSNewEnrolmentsForOccurrenceResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.LMSNewEnrolments(ctx, 0)
				return err
			}),
		write(opUpdateLMSOccurrenceStatus, "sToken", rt[vtsoap.UpdateLMSOccurrenceStatusResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error { return a.SetOccurrenceUploaded(ctx, 0, false) }),
		write(opUpdateLMSEnrolmentStatus, "sToken", rt[vtsoap.UpdateLMSEnrolmentStatusResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error { return a.SetEnrolmentUploaded(ctx, 0, false) }),
		read(opGetOccurrenceExtendedDetails, "token", "OccuExtended", extendedReads,
			rt[vtsoap.GetOccurrenceExtendedDetailsResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.OccurrenceDetails(ctx, 0)
				return err
			}),
		read(opSearchWebOccurrences, "token", "OccuExtendedList/TOccuExtended", extendedReads,
			rt[vtsoap.SearchWebOccurrencesResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.SearchOccurrences(ctx, OccurrenceQuery{Start: p.future, End: p.future})
				return err
			}),
		read(opGetEnrolmentsForOccurrence, "sToken", "ClieEnroList/TClieEnro", map[string][]string{"TClieEnro": enroFields},
			rt[vtsoap.GetEnrolmentsForOccurrenceResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.EnrolmentsForOccurrence(ctx, 0)
				return err
			}),
		read(opGetUnitsForOccurrence, "sToken", "UnitList/TUnit", map[string][]string{"TUnit": unitFields},
			rt[vtsoap.GetUnitsForOccurrenceResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.UnitsForOccurrence(ctx, 0)
				return err
			}),
		read(opGetUnitsForEnrolment, "sToken", "EnunList/TEnun",
			map[string][]string{"TEnun": {"ID", "Unit_Code", "Unit_Name", "Result_Name", "AvetmissOutcome", "StartDate", "FinishDate", "Percentage", "Comment"}},
			rt[vtsoap.GetUnitsForEnrolmentResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				_, err := a.UnitsForEnrolment(ctx, 0)
				return err
			}),
		read(opGetClientDetails, "sToken", "ClieDetail",
			map[string][]string{"TClieDetail": {"Clie_Surname", "Clie_Given", "Clie_Code", "Clie_Other", "Clie_Username", "Clie_DOB", "Clie_Email", "Clie_MobilePhone", "Gender", "USI"}},
			rt[vtsoap.GetClientDetailsResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.ClientDetails(ctx, p.identifier)
				return err
			}),
		read(opGetAccessibleClients, "token", "ClieList/TClie", map[string][]string{"TClie": clieFields},
			rt[vtsoap.GetAccessibleClientsResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.AccessibleClients(ctx, p.identifier, &p.future)
				return err
			}),
		read(opGetStaffForClient, "token", "ClieStaffLinksList/TClieStaffLinks", staffReads,
			rt[vtsoap.GetStaffForClientResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.StaffForClient(ctx, p.identifier, StaffQuery{Start: p.future, End: p.future})
				return err
			}),
		read(opGetClientsForStaff, "token", "ClieStaffLinksList/TClieStaffLinks", staffReads,
			rt[vtsoap.GetClientsForStaffResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.ClientsForStaff(ctx, p.identifier, StaffQuery{Start: p.future, End: p.future})
				return err
			}),
		read(opGetResultTypes, "sToken", "ResultTypeList/TResultType",
			map[string][]string{"TResultType": {"Name", "AvetmissOutcome", "Active"}},
			rt[vtsoap.GetResultTypesResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error { _, err := a.ResultTypes(ctx); return err }),
		write(opUpdateResult, "sToken", rt[vtsoap.UpdateResultResponse](), probeResult(false)),
		write(opUpdateResultIncludingLinked, "token", rt[vtsoap.UpdateResultIncludingLinkedResponse](), probeResult(true)),
		write(opUpdateResultComment, "token", rt[vtsoap.UpdateResultCommentResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				return a.UpdateResultComment(ctx, 0, "CHECK", "")
			}),
		write(opUpdateEnrolment, "token", rt[vtsoap.UpdateEnrolmentResponse](),
			func(ctx context.Context, a *Client, _ probeArgs) error {
				return a.UpdateEnrolment(ctx, EnrolmentUpdate{EnrolmentID: 0})
			}),
		read(opGetDeletedRecordsSince, "token", "TextList/string", nil,
			rt[vtsoap.GetDeletedRecordsSinceResponse](),
			func(ctx context.Context, a *Client, p probeArgs) error {
				_, err := a.DeletedRecordsSince(ctx, "ENROLMENT", p.future)
				return err
			}),
	}
}

func tableIndex() map[string]*opSpec {
	m := map[string]*opSpec{}
	for _, s := range buildTable() {
		m[s.Name] = s
	}
	return m
}

func (a *Client) spec(op string) *opSpec { return a.ops[op] }

// OperationTable returns the operations the SDK calls, in WSDL order.
func OperationTable() []OperationInfo {
	t := buildTable()
	out := make([]OperationInfo, 0, len(t))
	for _, s := range t {
		info := s.OperationInfo
		info.Reads = make(map[string][]string, len(s.Reads))
		for k, v := range s.Reads {
			info.Reads[k] = slices.Clone(v)
		}
		out = append(out, info)
	}
	return out
}

// Operations lists the VT_API operations this client calls, in WSDL order.
func Operations() []string {
	t := buildTable()
	out := make([]string, 0, len(t))
	for _, s := range t {
		out = append(out, s.Name)
	}
	return out
}

// embedded is the contract the SDK is built against.
func embedded() *wsdl.Contract { return wsdl.Embedded() }
