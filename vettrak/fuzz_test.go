package vettrak_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// fuzzCalls are the operations the fuzzer drives, each with the response
// element it expects (for the seed corpus).
var fuzzCalls = []struct {
	op   string
	call func(context.Context, *vettrak.Client) error
}{
	{"GetLMSNewOccurrences", func(ctx context.Context, a *vettrak.Client) error { _, err := a.LMSNewOccurrences(ctx); return err }},
	{"GetOccurrenceExtendedDetails", func(ctx context.Context, a *vettrak.Client) error { _, err := a.OccurrenceDetails(ctx, 1); return err }},
	{"SearchWebOccurrences", func(ctx context.Context, a *vettrak.Client) error {
		_, err := a.SearchOccurrences(ctx, vettrak.OccurrenceQuery{IncludeUnits: true, IncludeStaff: true})
		return err
	}},
	{"GetEnrolmentsForOccurrence", func(ctx context.Context, a *vettrak.Client) error {
		_, err := a.EnrolmentsForOccurrence(ctx, 1)
		return err
	}},
	{"GetUnitsForEnrolment", func(ctx context.Context, a *vettrak.Client) error { _, err := a.UnitsForEnrolment(ctx, 1); return err }},
	{"GetClientDetails", func(ctx context.Context, a *vettrak.Client) error { _, err := a.ClientDetails(ctx, "C1"); return err }},
	{"GetStaffForClient", func(ctx context.Context, a *vettrak.Client) error {
		_, err := a.StaffForClient(ctx, "C1", vettrak.StaffQuery{})
		return err
	}},
	{"GetResultTypes", func(ctx context.Context, a *vettrak.Client) error { _, err := a.ResultTypes(ctx); return err }},
	{"GetDeletedRecordsSince", func(ctx context.Context, a *vettrak.Client) error {
		_, err := a.DeletedRecordsSince(ctx, "CLIENT", time.Unix(0, 0))
		return err
	}},
	{"UpdateResult", func(ctx context.Context, a *vettrak.Client) error {
		now := time.Now()
		return a.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U1", ResultName: "Competent", Start: now, Finish: now})
	}},
}

// FuzzDecodeResponse feeds arbitrary response bodies through the real
// client path (doer validation, gowsdl decoding, conversion): the result is
// a value or one of the package's typed errors, never a panic.
func FuzzDecodeResponse(f *testing.F) {
	occu := `<TOccu><ID>1</ID><Code>C&amp;1</Code><StartDate>2026-03-02T09:00:00</StartDate><EndDate>2026-03-02T09:00:00.123+10:00</EndDate><Status>Active</Status><StatusType>0</StatusType><DeliveryModes><string>Internal delivery</string></DeliveryModes><Amount>0.00</Amount><Prog_ID>5</Prog_ID><Uploaded>1</Uploaded><Vacancies>3</Vacancies></TOccu>`
	clieEnro := `<TClieEnro><ID>3</ID><StartDate>2019-01-01T00:00:00</StartDate><Status>Completed</Status><StatusType>1</StatusType><Amount>12.345</Amount><Clie_Code>03037</Clie_Code><GivenName>Zoë</GivenName><Surname>Nguyễn</Surname></TClieEnro>`
	staff := `<TClieStaffLinks><Clie><Clie_Code>T1</Clie_Code><Clie_Given>Tina</Clie_Given></Clie><StaffLinks><TStaffLink><ID>2</ID><LinkType>2</LinkType><Primary>1</Primary><StaffTypeName>Trainer</StaffTypeName></TStaffLink></StaffLinks></TClieStaffLinks>`
	seeds := map[string]string{
		"GetLMSNewOccurrences":         okAuth + `<OccuList>` + occu + occu + `</OccuList>`,
		"GetOccurrenceExtendedDetails": okAuth + `<OccuExtended><OccurrenceDetail>` + occu[7:len(occu)-8] + `</OccurrenceDetail><Staff>` + staff + `</Staff><Units><TUnit><Unit_Code>IST101</Unit_Code><Unit_Type>0</Unit_Type></TUnit></Units></OccuExtended>`,
		"SearchWebOccurrences":         okAuth + `<OccuExtendedList><TOccuExtended><OccurrenceDetail><ID>9</ID></OccurrenceDetail><Units /></TOccuExtended></OccuExtendedList>`,
		"GetEnrolmentsForOccurrence":   okAuth + `<ClieEnroList>` + clieEnro + `</ClieEnroList>`,
		"GetUnitsForEnrolment":         okAuth + `<EnunList><TEnun><ID>3</ID><Unit_Code>IST101</Unit_Code><Result_Name>Competent</Result_Name><StartDate>2026-01-01T00:00:00</StartDate><Percentage>-1</Percentage></TEnun></EnunList>`,
		"GetClientDetails":             okAuth + `<ClieDetail><Clie_Code>C1</Clie_Code><Clie_DOB>2000-02-29T00:00:00</Clie_DOB><Clie_Salary>1.5</Clie_Salary><UsualAddress><City>Sydney</City></UsualAddress><USIExempt>false</USIExempt></ClieDetail>`,
		"GetStaffForClient":            okAuth + `<ClieStaffLinksList>` + staff + `</ClieStaffLinksList>`,
		"GetResultTypes":               okAuth + `<ResultTypeList><TResultType><Name>Competent</Name><AvetmissOutcome>20</AvetmissOutcome><Active>true</Active></TResultType></ResultTypeList>`,
		"GetDeletedRecordsSince":       okAuth + `<TextList><string>1</string><string>2</string></TextList>`,
		"UpdateResult":                 `<ID>7</ID><Status>1</Status>`,
	}
	for i, c := range fuzzCalls {
		f.Add(uint8(i), []byte(respond(c.op, seeds[c.op])))
		f.Add(uint8(i), []byte(respond(c.op, authWith(-4, "No records"))))
	}
	f.Add(uint8(0), []byte(respond("GetLMSNewOccurrences", authWith(-2, ""))))
	f.Add(uint8(0), []byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode></soap:Fault></soap:Body></soap:Envelope>`))
	f.Add(uint8(1), []byte(`<?xml version="1.0" encoding="windows-1252"?><x/>`))
	f.Add(uint8(2), []byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`))
	f.Add(uint8(3), []byte{0xff, 0xfe, 0x00})
	f.Add(uint8(4), []byte(""))

	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		c := fuzzCalls[int(which)%len(fuzzCalls)]
		api, _ := cannedAPI(t, func(string, []byte) (int, string) { return 200, string(body) })
		err := c.call(t.Context(), api)
		if err == nil {
			return
		}
		var (
			se *vettrak.StatusError
			fe *vettrak.FaultError
			he *vettrak.HTTPError
			de *vettrak.DecodeError
			oe *vettrak.OperationError
		)
		if !errors.As(err, &se) && !errors.As(err, &fe) && !errors.As(err, &he) && !errors.As(err, &de) && !errors.As(err, &oe) {
			t.Fatalf("%s: untyped error %T: %v", c.op, err, err)
		}
	})
}
