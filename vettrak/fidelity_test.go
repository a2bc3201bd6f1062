package vettrak_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// The LMS flag is written as iStatus (DOC221). Against a lenient fake,
// which ignores unknown elements as ASMX does, a wrong name would reach
// the server as iStatus=0 and reset the flag.
func TestLMSFlagReachesALenientServer(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithLenient()})
	ctx := t.Context()
	require.NoError(t, api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true))
	o, _ := srv.Data().Occurrence(vettraktest.WalkthroughTerm1)
	assert.True(t, o.Uploaded)
	require.NoError(t, api.SetEnrolmentUploaded(ctx, 3001, true))
	en, err := api.LMSNewEnrolments(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	assert.Equal(t, []string{"10002"}, codes(en, func(e vettrak.Enrolment) string { return e.ClientCode }))
	ex, ok := srv.LastExchange("UpdateLMSEnrolmentStatus")
	require.True(t, ok)
	assert.Contains(t, string(ex.Request), "<iStatus>1</iStatus>")
}

// xsi:nil is "no value", whether the xsi prefix is declared on the
// envelope, on the element, or (as a careless proxy may leave it) not at
// all; it is never 0 or the zero time.
func TestXSINilReadsAsNoValue(t *testing.T) {
	occu := func(vacancies string) string {
		return okAuth + `<OccuList><TOccu><ID>5</ID><StartDate>2026-03-02T09:00:00</StartDate><EndDate>2026-03-02T09:00:00</EndDate><StatusType>0</StatusType>` +
			`<DateOfEffect>0001-01-01T00:00:00</DateOfEffect><OrganisationId>0</OrganisationId><Amount>0</Amount><GST>0</GST><AmountPaid>0</AmountPaid>` +
			`<AmountCredited>0</AmountCredited><DivisionId>0</DivisionId><Prog_ID>1</Prog_ID><Reportable>0</Reportable><Uploaded>0</Uploaded>` +
			vacancies + `<WebPublished>0</WebPublished></TOccu><TOccu xsi:nil="true" /></OccuList>`
	}
	cases := []struct {
		name, vacancies string
		want            *int
	}{
		{"declared on the envelope", `<Vacancies xsi:nil="true" />`, nil},
		{"declared on the element", `<Vacancies xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></Vacancies>`, nil},
		{"any prefix", `<Vacancies xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" />`, nil},
		{"omitted", ``, nil},
		{"zero", `<Vacancies>0</Vacancies>`, ptr(0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
				return 200, respond(op, occu(tc.vacancies))
			})
			got, err := api.LMSNewOccurrences(t.Context())
			require.NoError(t, err)
			require.Len(t, got, 1, "a nil list item is not a record")
			assert.Equal(t, tc.want, got[0].Vacancies)
		})
	}
	t.Run("prefix not declared anywhere", func(t *testing.T) {
		api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
			return 200, `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><` + op +
				`Response xmlns="http://www.ozsoft.com.au/VETtrak/api/complete"><` + op + `Result>` + occu(`<Vacancies xsi:nil="true" />`) +
				`</` + op + `Result></` + op + `Response></soap:Body></soap:Envelope>`
		})
		got, err := api.LMSNewOccurrences(t.Context())
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Nil(t, got[0].Vacancies)
	})
	t.Run("served by the fake", func(t *testing.T) {
		api, srv := pair(t, nil)
		require.NoError(t, srv.Data().SetVacancies(vettraktest.WalkthroughTerm1, nil))
		d, err := api.OccurrenceDetails(t.Context(), vettraktest.WalkthroughTerm1)
		require.NoError(t, err)
		assert.Nil(t, d.Vacancies)
		ex, _ := srv.LastExchange("GetOccurrenceExtendedDetails")
		assert.Contains(t, string(ex.Response), `<Vacancies xsi:nil="true" />`)
	})
}

func ptr[T any](v T) *T { return &v }

// Every required (minOccurs=1) element is sent, even when its value is 0,
// false or null (then as xsi:nil="true"): nothing relies on ASMX's silent
// defaults.
func TestRequiredElementsAreAlwaysSent(t *testing.T) {
	api, c := cannedAPI(t, func(op string, _ []byte) (int, string) {
		switch op {
		case "UpdateLMSOccurrenceStatus", "UpdateResult", "UpdateEnrolment":
			return 200, respond(op, `<ID>7</ID><Status>1</Status>`)
		}
		return 200, respond(op, okAuth)
	}, vettrak.WithContractDifferencesAllowed())
	ctx := t.Context()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, api.Location())
	require.NoError(t, api.SetOccurrenceUploaded(ctx, 0, false))
	assert.Contains(t, c.last("UpdateLMSOccurrenceStatus").body, "<iID>0</iID>")
	assert.Contains(t, c.last("UpdateLMSOccurrenceStatus").body, "<iStatus>0</iStatus>")
	zero := 0
	require.NoError(t, api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U", ResultName: "C", Start: now, Finish: now, Percentage: &zero}))
	assert.Contains(t, c.last("UpdateResult").body, "<iPercentage>0</iPercentage>")
	_, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{})
	require.NoError(t, err)
	search := c.last("SearchWebOccurrences").body
	for _, want := range []string{`<programmeId xsi:nil="true" />`, `<startDate xsi:nil="true" />`, `<endDate xsi:nil="true" />`,
		`<overlapDates>false</overlapDates>`, `<includeFull>true</includeFull>`} {
		assert.Contains(t, search, want)
	}
	_, err = api.AccessibleClients(ctx, "", nil)
	require.NoError(t, err)
	assert.Contains(t, c.last("GetAccessibleClients").body, `<sinceDate xsi:nil="true" />`)
	require.NoError(t, api.UpdateEnrolment(ctx, vettrak.EnrolmentUpdate{EnrolmentID: 3}))
	for _, want := range []string{`<dateOfEffect xsi:nil="true" />`, `<startDate xsi:nil="true" />`, `<finishDate xsi:nil="true" />`} {
		assert.Contains(t, c.last("UpdateEnrolment").body, want)
	}
	assert.NotContains(t, c.last("UpdateEnrolment").body, "enrolmentType", "nil leaves the type alone")
}

// Money is exact: float64 cannot hold 99999999999999.99.
func TestMoneyIsExact(t *testing.T) {
	api, srv := pair(t, nil)
	require.NoError(t, srv.Data().EditEnrolment(3001, func(e *vettrak.Enrolment) {
		e.Amount, e.GST, e.AmountPaid, e.AmountCredited = "99999999999999.99", "0.10", "12345678901234.56", "-0.01"
		e.OrganisationID, e.DivisionID, e.DeliveryModes = 7, 3, []string{"Workplace-based", "Internal delivery"}
		e.EmployerIdentifier, e.EmployerName, e.EmployerContactCode = "E1", "Acme", "C9"
		e.DeliveryType, e.EnrolmentType, e.EnrolmentTypeCode = "10", "Traineeship", "TR"
	}))
	en, err := api.EnrolmentsForOccurrence(t.Context(), vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	got := en[0]
	assert.Equal(t, vettrak.Decimal("99999999999999.99"), got.Amount)
	assert.Equal(t, vettrak.Decimal("0.10"), got.GST)
	assert.Equal(t, vettrak.Decimal("12345678901234.56"), got.AmountPaid)
	assert.Equal(t, vettrak.Decimal("-0.01"), got.AmountCredited)
	assert.Equal(t, int64(7), got.OrganisationID)
	assert.Equal(t, int64(3), got.DivisionID)
	assert.Equal(t, []string{"Workplace-based", "Internal delivery"}, got.DeliveryModes)
	assert.Equal(t, [6]string{"E1", "Acme", "C9", "10", "Traineeship", "TR"},
		[6]string{got.EmployerIdentifier, got.EmployerName, got.EmployerContactCode, got.DeliveryType, got.EnrolmentType, got.EnrolmentTypeCode})
}

// The real TClieEnro sample (reference §4, GH-node-c) reads whole.
func TestRealTClieEnroSample(t *testing.T) {
	sample := `<Auth><ID>3037</ID><Token>'&amp;7%+&gt;-"6(+!56$0&gt;345</Token><Status>1</Status><Identifier>03037</Identifier><TokenType>02</TokenType></Auth>` +
		`<ClieEnroList><TClieEnro><ID>1234</ID><StartDate>2019-01-01T00:00:00</StartDate><EndDate>2019-12-31T00:00:00</EndDate><Status>Completed</Status>` +
		`<StatusType>1</StatusType><DateOfEffect>2019-12-31T00:00:00</DateOfEffect><Qual_Code>BSB40520</Qual_Code><Qual_Name>Certificate IV in Leadership</Qual_Name>` +
		`<OrganisationId>1</OrganisationId><Loca_Code>SYD</Loca_Code><DeliveryModes><string>Internal delivery</string></DeliveryModes>` +
		`<EmployerName>Acme</EmployerName><Amount>0.00</Amount><GST>0.00</GST><AmountPaid>0.00</AmountPaid><AmountCredited>0.00</AmountCredited>` +
		`<DivisionId>2</DivisionId><EnrolmentType>Fee for service</EnrolmentType><EnrolmentTypeCode>FFS</EnrolmentTypeCode>` +
		`<Clie_Code>03037</Clie_Code><GivenName>Kim</GivenName><Surname>Lee</Surname></TClieEnro></ClieEnroList>`
	api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) { return 200, respond(op, sample) })
	en, err := api.EnrolmentsForOccurrence(t.Context(), 9)
	require.NoError(t, err)
	require.Len(t, en, 1)
	syd := api.Location()
	dec31 := time.Date(2019, 12, 31, 0, 0, 0, 0, syd)
	assert.Equal(t, vettrak.Enrolment{ID: 1234, OccurrenceID: 9, ClientCode: "03037", GivenName: "Kim", Surname: "Lee",
		StartDate: time.Date(2019, 1, 1, 0, 0, 0, 0, syd), EndDate: dec31, Status: "Completed", StatusType: 1, DateOfEffect: &dec31,
		QualCode: "BSB40520", QualName: "Certificate IV in Leadership", LocationCode: "SYD", OrganisationID: 1,
		DeliveryModes: []string{"Internal delivery"}, EmployerName: "Acme", Amount: "0.00", GST: "0.00", AmountPaid: "0.00",
		AmountCredited: "0.00", DivisionID: 2, EnrolmentType: "Fee for service", EnrolmentTypeCode: "FFS"}, en[0])
}

// A staff link is the real polymorphic TStaffLink: the ID means what
// LinkType says.
func TestStaffLinkIDFollowsLinkType(t *testing.T) {
	links := `<ClieStaffLinksList><TClieStaffLinks><Clie><Clie_Surname>Taylor</Clie_Surname><Clie_Given>Tina</Clie_Given><Clie_Code>T001</Clie_Code></Clie><StaffLinks>` +
		`<TStaffLink><ID>2001</ID><LinkType>0</LinkType><Primary>1</Primary><StaffTypeName>Trainer</StaffTypeName></TStaffLink>` +
		`<TStaffLink><ID>77</ID><LinkType>1</LinkType><Primary>0</Primary><StaffTypeName>Trainer</StaffTypeName></TStaffLink>` +
		`<TStaffLink><ID>3001</ID><LinkType>2</LinkType><Primary>0</Primary><StaffTypeName>Assessor</StaffTypeName></TStaffLink>` +
		`<TStaffLink><ID>9</ID><LinkType>4</LinkType><Primary>0</Primary><StaffTypeName>Mentor</StaffTypeName></TStaffLink>` +
		`</StaffLinks></TClieStaffLinks></ClieStaffLinksList>`
	api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) { return 200, respond(op, okAuth+links) })
	got, err := api.StaffForClient(t.Context(), "10001", vettrak.StaffQuery{})
	require.NoError(t, err)
	base := vettrak.StaffLink{StaffCode: "T001", GivenName: "Tina", Surname: "Taylor", ClientCode: "10001"}
	want := []vettrak.StaffLink{base, base, base, base}
	want[0].StaffType, want[0].LinkType, want[0].LinkID, want[0].Primary, want[0].OccurrenceID = "Trainer", vettrak.LinkOccurrence, 2001, true, 2001
	want[1].StaffType, want[1].LinkType, want[1].LinkID = "Trainer", vettrak.LinkClass, 77
	want[2].StaffType, want[2].LinkType, want[2].LinkID, want[2].EnrolmentID = "Assessor", vettrak.LinkEnrolment, 3001, 3001
	want[3].StaffType, want[3].LinkType, want[3].LinkID = "Mentor", vettrak.LinkEvent, 9
	assert.Equal(t, want, got)
}
