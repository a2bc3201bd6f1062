package vettraktest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

const ns = "http://www.ozsoft.com.au/VETtrak/api/complete"

func envelope(body string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

func post(t *testing.T, url, action, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if action != "" {
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func login(t *testing.T, srv *vettraktest.Server) string {
	t.Helper()
	c := srv.Credentials()
	code, body := post(t, srv.URL(), "", envelope(`<ValidateClient xmlns="`+ns+`"><sUsername>`+c.Username+`</sUsername><sPassword>pa&amp;ss&lt;wo&gt;rd"'</sPassword></ValidateClient>`))
	require.Equal(t, 200, code, body)
	require.Contains(t, body, "<Status>1</Status>")
	toks := srv.IssuedTokens()
	require.NotEmpty(t, toks)
	return toks[len(toks)-1]
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestServesWSDLAndHelp(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	for _, q := range []string{"?WSDL", "?wsdl"} {
		resp, err := http.Get(srv.URL() + q)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, string(b), `<soap:address location="`+srv.URL()+`" />`)
		assert.Contains(t, string(b), `soapAction="`+ns+`/UpdateResult"`)
	}
	resp, err := http.Get(srv.URL())
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "GetLMSNewOccurrences")
	resp, err = http.Get(strings.Replace(srv.URL(), "VT_API.asmx", "other.asmx", 1))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
}

func TestHandlerMountedElsewhere(t *testing.T) {
	_, h := vettraktest.Handler()
	hs := httptest.NewServer(h)
	defer hs.Close()
	resp, err := http.Get(hs.URL + vettraktest.Path + "?wsdl")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), `location="`+hs.URL+vettraktest.Path+`"`)

	client, err := vettrak.New(hs.URL+vettraktest.Path, vettraktest.DefaultCredentials())
	require.NoError(t, err)
	types, err := client.ResultTypes(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, types)
}

func TestRequestHandling(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	tok := xmlText(login(t, srv))
	tests := []struct {
		name     string
		action   string
		body     string
		ctype    string
		wantCode int
		want     string
	}{
		{"missing SOAPAction is tolerated", "", envelope(`<GetResultTypes xmlns="` + ns + `"><sToken>` + tok + `</sToken></GetResultTypes>`), "", 200, "<Name>Competent</Name>"},
		{"matching SOAPAction", ns + "/GetResultTypes", envelope(`<GetResultTypes xmlns="` + ns + `"><sToken>` + tok + `</sToken></GetResultTypes>`), "", 200, "<AvetmissOutcome>20</AvetmissOutcome>"},
		{"wrong SOAPAction", ns + "/UpdateResult", envelope(`<GetResultTypes xmlns="` + ns + `"><sToken>` + tok + `</sToken></GetResultTypes>`), "", 500, "did not recognize the value of HTTP Header SOAPAction"},
		{"unknown operation", "", envelope(`<DropAllTables xmlns="` + ns + `"/>`), "", 500, "<faultcode>soap:Client</faultcode>"},
		{"wrong namespace", "", envelope(`<GetResultTypes xmlns="urn:other"><sToken>x</sToken></GetResultTypes>`), "", 500, "soap:Client"},
		{"malformed XML", "", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetResultTypes`, "", 500, "unable to read request"},
		{"not an envelope", "", `<x/>`, "", 500, "unable to read request"},
		{"bad int parameter", "", envelope(`<GetUnitsForEnrolment xmlns="` + ns + `"><sToken>` + tok + `</sToken><iEnro_ID>abc</iEnro_ID></GetUnitsForEnrolment>`), "", 500, "iEnro_ID"},
		{"SOAP 1.2", "", envelope(""), "application/soap+xml; charset=utf-8", 415, "SOAP 1.1"},
		{"unknown token", "", envelope(`<GetResultTypes xmlns="` + ns + `"><sToken>nope</sToken></GetResultTypes>`), "", 200, "<Status>-1</Status><StatusMessage>Invalid Token.</StatusMessage>"},
		{"missing list answers -4", "", envelope(`<GetUnitsForEnrolment xmlns="` + ns + `"><sToken>` + tok + `</sToken><iEnro_ID>1</iEnro_ID></GetUnitsForEnrolment>`), "", 200, "<Status>-4</Status>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL(), strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "text/xml; charset=utf-8")
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.action != "" {
				req.Header.Set("SOAPAction", `"`+tt.action+`"`)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tt.wantCode, resp.StatusCode, string(b))
			assert.Contains(t, string(b), tt.want)
		})
	}
}

func TestNullsAreOmittedAndValuesAlwaysWritten(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	tok := xmlText(login(t, srv))
	_, body := post(t, srv.URL(), "", envelope(`<GetEnrolmentsForOccurrence xmlns="`+ns+`"><sToken>`+tok+`</sToken><iOccu_ID>2001</iOccu_ID></GetEnrolmentsForOccurrence>`))
	assert.Contains(t, body, `<Auth><ID>1</ID><Token>`)
	assert.NotContains(t, body, "<StatusMessage>", "null on success")
	assert.NotContains(t, body, "<Qual_Code>", "null strings are omitted")
	assert.Contains(t, body, "<StatusType>0</StatusType>", "value types are always written")
	assert.Contains(t, body, "<DateOfEffect>0001-01-01T00:00:00</DateOfEffect>")
	assert.Contains(t, body, "<StartDate>2026-02-02T00:00:00</StartDate>", "zoneless provider-local time")
	assert.Contains(t, body, "<Amount>0.00</Amount>")
}

func TestBadParameterChangesNothing(t *testing.T) {
	srv := vettraktest.NewTestServer(t, vettraktest.WithLenient())
	tok := xmlText(login(t, srv))
	code, body := post(t, srv.URL(), "", envelope(`<UpdateEnrolment xmlns="`+ns+`"><token>`+tok+`</token><enrolmentId>3001</enrolmentId><enrolmentStatus>Completed</enrolmentStatus><startDate>soon</startDate></UpdateEnrolment>`))
	assert.Equal(t, 500, code)
	assert.Contains(t, body, "startDate")
	e, _ := srv.Data().Enrolment(3001)
	assert.Equal(t, "Active", e.Status)
}

func TestSlidingTokenExpiry(t *testing.T) {
	clock := vettraktest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := vettraktest.NewTestServer(t, vettraktest.WithClock(clock.Now))
	tok := xmlText(login(t, srv))
	call := func() string {
		_, body := post(t, srv.URL(), "", envelope(`<GetResultTypes xmlns="`+ns+`"><sToken>`+tok+`</sToken></GetResultTypes>`))
		return body
	}
	for range 3 {
		clock.Advance(45 * time.Minute)
		assert.Contains(t, call(), "<Status>1</Status>", "each use restarts the hour")
	}
	clock.Advance(60 * time.Minute)
	assert.Contains(t, call(), "<Status>-2</Status>")
	assert.Contains(t, call(), "<Status>-1</Status>", "an expired token is forgotten")

	srv2 := vettraktest.NewTestServer(t, vettraktest.WithClock(clock.Now), vettraktest.WithTokenTTL(time.Minute))
	tok2 := xmlText(login(t, srv2))
	clock.Advance(2 * time.Minute)
	_, body := post(t, srv2.URL(), "", envelope(`<GetResultTypes xmlns="`+ns+`"><sToken>`+tok2+`</sToken></GetResultTypes>`))
	assert.Contains(t, body, "<Status>-2</Status>")
}

func TestFaultRulesAndCallLog(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	tok := xmlText(login(t, srv))
	get := func() int {
		code, _ := post(t, srv.URL(), ns+"/GetResultTypes", envelope(`<GetResultTypes xmlns="`+ns+`"><sToken>`+tok+`</sToken></GetResultTypes>`))
		return code
	}
	srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultHTTP503, Times: 2})
	srv.InjectFault("", vettraktest.Fault{Kind: vettraktest.FaultHTTP500, Times: 1})
	assert.Equal(t, 503, get())
	assert.Equal(t, 503, get())
	assert.Equal(t, 500, get(), "the any-operation rule comes next")
	assert.Equal(t, 200, get())

	srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultSOAP})
	for range 3 {
		assert.Equal(t, 500, get())
	}
	srv.ClearFaults()
	assert.Equal(t, 200, get())

	assert.Equal(t, 8, srv.CallCount("GetResultTypes"))
	assert.Equal(t, 9, srv.CallCount(""))
	calls := srv.Calls()
	assert.Equal(t, "ValidateClient", calls[0].Op)
	assert.Equal(t, "http503", calls[1].Fault)
	assert.Equal(t, vettrak.StatusOK, calls[4].Status)
	assert.Equal(t, ns+"/GetResultTypes", calls[4].SOAPAction)
	srv.ResetCalls()
	assert.Zero(t, srv.CallCount(""))
}

func TestLatencyOption(t *testing.T) {
	srv := vettraktest.NewTestServer(t, vettraktest.WithLatency(30*time.Millisecond))
	start := time.Now()
	login(t, srv)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestDatasetMutatorsWhileServing(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	client, err := vettrak.New(srv.URL(), srv.Credentials())
	require.NoError(t, err)
	ds := srv.Data()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			code := "N" + strings.Repeat("x", i%5) + string(rune('A'+i))
			assert.NoError(t, ds.AddClient(vettrak.Person{Code: code, GivenName: "New", Surname: "Learner"}))
			_, err := ds.AddEnrolment(vettraktest.WalkthroughTerm2, code)
			assert.NoError(t, err)
		})
		wg.Go(func() {
			_, err := client.EnrolmentsForOccurrence(t.Context(), vettraktest.WalkthroughTerm2)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	en, err := client.EnrolmentsForOccurrence(t.Context(), vettraktest.WalkthroughTerm2)
	require.NoError(t, err)
	assert.Len(t, en, 22)
}

func TestDatasetErrors(t *testing.T) {
	ds := vettraktest.SeedWalkthrough()
	_, err := ds.AddEnrolment(999, "10001")
	assert.Error(t, err)
	_, err = ds.AddEnrolment(vettraktest.WalkthroughTerm1, "NOBODY")
	assert.Error(t, err)
	assert.Error(t, ds.AddClient(vettrak.Person{Code: "10001"}), "duplicate")
	assert.Error(t, ds.AddClient(vettrak.Person{Code: "ELEVENCHARS"}))
	assert.Error(t, ds.Withdraw(999, ""))
	assert.Error(t, ds.Withdraw(3001, "Vanished"))
	assert.Error(t, ds.RenameClient("NOBODY", "a", "b"))
	assert.Error(t, ds.DeleteEnrolment(999))
	assert.Error(t, ds.SetResult(3001, "NOPE", "Competent", time.Now()))
	assert.Error(t, ds.SetResult(3001, "IST101", "Brilliant", time.Now()))
	assert.Error(t, ds.AddStaff(999, "T001", "Trainer"))
	_, err = ds.AddOccurrence(vettrak.Occurrence{}, "NOUNIT")
	assert.Error(t, err)
	_, err = ds.AddOccurrence(vettrak.Occurrence{ID: vettraktest.WalkthroughTerm1})
	assert.Error(t, err)

	require.NoError(t, ds.SetResult(3001, "IST101", "Continuing", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	require.NoError(t, ds.SetResult(3001, "IST101", "Competent", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, "Competent", ds.Results(3001)[0].ResultName)
	assert.Equal(t, "Continuing", ds.ResultHistory(3001, "IST101")[0].ResultName)
	assert.Nil(t, ds.Results(999))
}

func TestSeedWalkthrough(t *testing.T) {
	ds := vettraktest.SeedWalkthrough()
	assert.Equal(t, vettraktest.Counts{Programmes: 1, Units: 1, Occurrences: 2, Clients: 6, Enrolments: 4, EnrolledUnits: 4}, ds.Counts())
	o, ok := ds.Occurrence(vettraktest.WalkthroughTerm1)
	require.True(t, ok)
	assert.Equal(t, "Term 1", o.Description)
	assert.Equal(t, []string{"John", "Julie"}, []string{ds.EnrolmentsOf(o.ID)[0].GivenName, ds.EnrolmentsOf(o.ID)[1].GivenName})
	assert.Equal(t, []int64{3003, 3004}, []int64{ds.EnrolmentsOf(vettraktest.WalkthroughTerm2)[0].ID, ds.EnrolmentsOf(vettraktest.WalkthroughTerm2)[1].ID})
	assert.Equal(t, []string{"Trainer", "Assessor"}, []string{o.Staff[0].StaffType, o.Staff[1].StaffType})
	assert.Equal(t, []int64{vettraktest.WalkthroughTerm1, vettraktest.WalkthroughTerm2}, ds.Occurrences())
}

func TestGenerateIsDeterministicAndSized(t *testing.T) {
	spec := vettraktest.GenSpec{Seed: 42, Occurrences: 300, Units: 50, Learners: 2000, EnrolledUnits: 6000, Staff: 40}
	if !testing.Short() {
		spec = vettraktest.GenSpec{Seed: 42, Occurrences: 3000, Units: 400, Learners: 20000, EnrolledUnits: 60000, Staff: 300}
	}
	a, err := vettraktest.Generate(spec)
	require.NoError(t, err)
	b, err := vettraktest.Generate(spec)
	require.NoError(t, err)
	c := a.Counts()
	assert.Equal(t, spec.Occurrences, c.Occurrences)
	assert.Equal(t, spec.Learners+spec.Staff, c.Clients)
	assert.Equal(t, spec.Learners, c.Enrolments)
	assert.Equal(t, spec.EnrolledUnits, c.EnrolledUnits)
	assert.Equal(t, c, b.Counts())
	for _, id := range []int64{1000001, 1000500, 1001999} {
		ea, _ := a.Enrolment(id)
		eb, _ := b.Enrolment(id)
		assert.Equal(t, ea, eb)
		assert.Equal(t, a.Results(id), b.Results(id))
	}
	other, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 43, Occurrences: 300, Units: 50, Learners: 2000, EnrolledUnits: 6000})
	require.NoError(t, err)
	e1, _ := a.Enrolment(1000001)
	e2, _ := other.Enrolment(1000001)
	assert.NotEqual(t, e1.OccurrenceID, e2.OccurrenceID, "the seed matters (this pair differs)")

	_, err = vettraktest.Generate(vettraktest.GenSpec{Learners: 1})
	assert.Error(t, err)
	_, err = vettraktest.Generate(vettraktest.GenSpec{Units: -1})
	assert.Error(t, err)
}

func TestGeneratedDatasetServes(t *testing.T) {
	ds, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 7, Occurrences: 20, Units: 10, Learners: 200, EnrolledUnits: 500, Staff: 5})
	require.NoError(t, err)
	srv := vettraktest.NewTestServer(t, vettraktest.WithDataset(ds))
	client, err := vettrak.New(srv.URL(), srv.Credentials())
	require.NoError(t, err)
	ctx := t.Context()
	occ, err := client.LMSNewOccurrences(ctx)
	require.NoError(t, err)
	assert.Len(t, occ, 20)
	total := 0
	for _, o := range occ {
		en, err := client.LMSNewEnrolments(ctx, o.ID)
		require.NoError(t, err)
		total += len(en)
	}
	assert.Equal(t, 200, total)
	units, err := client.UnitsForEnrolment(ctx, 1000001)
	require.NoError(t, err)
	assert.NotEmpty(t, units)
}

func BenchmarkGenerate(b *testing.B) {
	spec := vettraktest.GenSpec{Seed: 1, Occurrences: 3000, Units: 400, Learners: 20000, EnrolledUnits: 60000, Staff: 300}
	for b.Loop() {
		if _, err := vettraktest.Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// RescheduleOccurrence moves an occurrence's dates and the API serves the
// new ones; bad input is an error naming the occurrence and changes
// nothing.
func TestRescheduleOccurrence(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	client, err := vettrak.New(srv.URL(), srv.Credentials())
	require.NoError(t, err)
	ds := srv.Data()
	before, ok := ds.Occurrence(vettraktest.WalkthroughTerm2)
	require.True(t, ok)
	start, end := before.StartDate.AddDate(0, 0, 14), before.EndDate.AddDate(0, 0, 21)

	tests := []struct {
		name       string
		id         int64
		start, end time.Time
		wantErr    string
		wantStart  time.Time
	}{
		{"unknown occurrence", 999, start, end, "occurrence 999", before.StartDate},
		{"end before start", vettraktest.WalkthroughTerm2, end, start, "before start", before.StartDate},
		{"moved two weeks", vettraktest.WalkthroughTerm2, start, end, "", start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ds.RescheduleOccurrence(tt.id, tt.start, tt.end)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			got, err := client.OccurrenceDetails(t.Context(), vettraktest.WalkthroughTerm2)
			require.NoError(t, err)
			assert.True(t, got.StartDate.Equal(tt.wantStart), "start %s, want %s", got.StartDate, tt.wantStart)
		})
	}
}
