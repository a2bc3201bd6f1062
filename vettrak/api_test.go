package vettrak_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/internal/httpx"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func TestNewRejectsBadInput(t *testing.T) {
	creds := vettrak.Credentials{Username: "u", Password: "p"}
	tests := []struct {
		name     string
		endpoint string
		creds    vettrak.Credentials
		opts     []vettrak.Option
	}{
		{"relative endpoint", "VT_API.asmx", creds, nil},
		{"ftp endpoint", "ftp://host/VT_API.asmx", creds, nil},
		{"empty username", "https://host/VT_API.asmx", vettrak.Credentials{}, nil},
		{"nil http client", "https://host/VT_API.asmx", creds, []vettrak.Option{vettrak.WithHTTPClient(nil)}},
		{"bad rate", "https://host/VT_API.asmx", creds, []vettrak.Option{vettrak.WithRateLimit(0, 1)}},
		{"bad zone", "https://host/VT_API.asmx", creds, []vettrak.Option{vettrak.WithTimeZoneName("Mars/Olympus")}},
		{"tiny body cap", "https://host/VT_API.asmx", creds, []vettrak.Option{vettrak.WithMaxBodySize(10)}},
		{"bad retry", "https://host/VT_API.asmx", creds, []vettrak.Option{vettrak.WithRetry(vettrak.RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := vettrak.New(tt.endpoint, tt.creds, tt.opts...)
			assert.Error(t, err)
		})
	}
}

func TestNewDefaultsAndWSDLSuffix(t *testing.T) {
	api, err := vettrak.New("https://user:pw@host/ABC_API/VT_API.asmx?WSDL", vettrak.Credentials{Username: "u", Password: "p"})
	require.NoError(t, err)
	assert.Equal(t, "https://host/ABC_API/VT_API.asmx", api.Endpoint())
	assert.Equal(t, "Australia/Sydney", api.Location().String())
}

func TestCredentialsNeverPrintThePassword(t *testing.T) {
	c := vettrak.Credentials{Username: "api", Password: "s3cret-value"}
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		assert.NotContains(t, s, "s3cret-value")
		assert.Contains(t, s, "api")
	}
	var lb logBuffer
	lb.logger().Info("creds", "c", c)
	assert.NotContains(t, lb.String(), "s3cret-value")
}

func TestLoginIsLazyAndCached(t *testing.T) {
	api, srv := pair(t, nil)
	assert.Equal(t, 0, srv.CallCount("ValidateClient"), "New must not call the server")
	for range 3 {
		_, err := api.ResultTypes(t.Context())
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.CallCount("ValidateClient"))
	assert.Equal(t, 3, srv.CallCount("GetResultTypes"))

	require.NoError(t, api.Login(t.Context()))
	assert.Equal(t, 2, srv.CallCount("ValidateClient"), "Login always logs in afresh")
}

func TestValidateUserOption(t *testing.T) {
	api, srv := pair(t, nil, vettrak.WithValidateUser())
	require.NoError(t, api.Login(t.Context()))
	assert.Equal(t, 1, srv.CallCount("ValidateUser"))
	assert.Equal(t, 0, srv.CallCount("ValidateClient"))
}

func TestBadCredentials(t *testing.T) {
	srv := vettraktest.NewTestServer(t)
	var lb logBuffer
	creds := vettrak.Credentials{Username: srv.Credentials().Username, Password: `wrong&<>"'pass`}
	api, err := vettrak.New(srv.URL(), creds, vettrak.WithLogger(lb.logger()))
	require.NoError(t, err)

	_, err = api.LMSNewOccurrences(t.Context())
	require.Error(t, err)
	assert.ErrorIs(t, err, vettrak.ErrBadCredentials)
	var se *vettrak.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "ValidateClient", se.Op)
	assert.Equal(t, vettrak.StatusFailed, se.Status)
	assert.Equal(t, "Invalid Username/Password Combination.", se.Message)
	var oe *vettrak.OperationError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "GetLMSNewOccurrences", oe.Operation)
	assert.NotContains(t, err.Error(), "wrong&")
	assert.Equal(t, 0, srv.CallCount("GetLMSNewOccurrences"))

	rep, err := api.Check(t.Context())
	assert.ErrorIs(t, err, vettrak.ErrBadCredentials)
	require.NotNil(t, rep)
	assert.False(t, rep.LoggedIn)
	assert.False(t, rep.OK())
	assert.Contains(t, rep.String(), "rejected the username or password")
	assert.NotContains(t, rep.String()+lb.String(), "wrong&")
}

func TestTokenExpiryReloginOnce(t *testing.T) {
	clock := vettraktest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithClock(clock.Now)})
	ctx := t.Context()
	_, err := api.ResultTypes(ctx)
	require.NoError(t, err)

	// 59 minutes idle: the sliding window keeps the token.
	clock.Advance(59 * time.Minute)
	_, err = api.ResultTypes(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.CallCount("ValidateClient"))

	// 61 minutes idle on the server's clock (the client's clock has not
	// moved, so it cannot know): -2, one re-login, one repeat.
	clock.Advance(61 * time.Minute)
	_, err = api.ResultTypes(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.CallCount("ValidateClient"))
	assert.Equal(t, 4, srv.CallCount("GetResultTypes"))
	calls := srv.Calls()
	assert.Equal(t, vettrak.StatusExpired, calls[len(calls)-3].Status)
}

func TestProactiveReloginWhenIdle(t *testing.T) {
	clock := vettraktest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithClock(clock.Now)}, vettrak.WithClock(clock.Now))
	_, err := api.ResultTypes(t.Context())
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)
	_, err = api.ResultTypes(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, srv.CallCount("ValidateClient"))
	assert.Equal(t, 2, srv.CallCount("GetResultTypes"), "the client knew the token was stale and did not waste a call")
}

func TestTokenExpiredTwiceIsAnError(t *testing.T) {
	api, srv := pair(t, nil)
	srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultExpireToken})
	_, err := api.ResultTypes(t.Context())
	assert.ErrorIs(t, err, vettrak.ErrTokenExpired)
	assert.Equal(t, 2, srv.CallCount("GetResultTypes"), "re-login and repeat once, not forever")
	assert.Equal(t, 2, srv.CallCount("ValidateClient"))
}

func TestUnknownTokenReloginOnMinusOneAboutToken(t *testing.T) {
	api, srv := pair(t, nil)
	_, err := api.ResultTypes(t.Context())
	require.NoError(t, err)
	// A server restart forgets tokens; the fake then answers -1 "Invalid Token.".
	srv2 := vettraktest.NewTestServer(t, vettraktest.WithDataset(srv.Data()))
	api2, err := vettrak.New(srv2.URL(), srv2.Credentials())
	require.NoError(t, err)
	_, err = api2.ResultTypes(t.Context())
	require.NoError(t, err)
	srv2.ExpireTokens()
	_, err = api2.ResultTypes(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, srv2.CallCount("ValidateClient"))
}

func TestConcurrentCallsShareOneLogin(t *testing.T) {
	api, srv := pair(t, nil)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Go(func() {
			var err error
			switch i % 4 {
			case 0:
				_, err = api.ResultTypes(ctx)
			case 1:
				_, err = api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
			case 2:
				_, err = api.OccurrenceDetails(ctx, vettraktest.WalkthroughTerm2)
			case 3:
				err = api.UpdateResultComment(ctx, 3001, "IST101", fmt.Sprintf("note %d", i))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.CallCount("ValidateClient"))

	// Every cached token expires at once: the parallel callers all see -2,
	// yet only one of them logs in again.
	srv.ExpireTokens()
	var wg2 sync.WaitGroup
	for range 16 {
		wg2.Go(func() {
			_, err := api.ResultTypes(ctx)
			assert.NoError(t, err)
		})
	}
	wg2.Wait()
	assert.Equal(t, 2, srv.CallCount("ValidateClient"))
}

func TestTokensWithXMLSpecialCharacters(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithTokenPrefix(`]]>&amp;<!--"'`)})
	_, err := api.EnrolmentsForOccurrence(t.Context(), vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	toks := srv.IssuedTokens()
	require.Len(t, toks, 1)
	for _, c := range []string{"&", "<", ">", "'", `"`, "]]>"} {
		assert.Contains(t, toks[0], c)
	}
	// Both token parameter spellings arrived intact (the fake would answer
	// -1 "Invalid Token." otherwise, and the call would fail after a
	// re-login).
	require.NoError(t, api.UpdateResultComment(t.Context(), 3001, "IST101", "ok"))
	assert.Equal(t, 1, srv.CallCount("ValidateClient"))
}

func TestSecretsNeverLeak(t *testing.T) {
	var lb logBuffer
	srv := vettraktest.NewTestServer(t)
	api, err := vettrak.New(srv.URL(), srv.Credentials(), vettrak.WithLogger(lb.logger()), fastRetry)
	require.NoError(t, err)
	ctx := t.Context()
	_, err = api.ResultTypes(ctx)
	require.NoError(t, err)
	token := srv.IssuedTokens()[0]

	var errs []error
	srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultSOAP, Times: 1,
		Message: "System.Exception: bad token " + token + " for password " + srv.Credentials().Password})
	_, err = api.ResultTypes(ctx)
	errs = append(errs, err)
	srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultExpireToken})
	_, err = api.ResultTypes(ctx)
	errs = append(errs, err)
	srv.ClearFaults()

	// An HTTP error page that echoes the request (and so the token and
	// password, XML-escaped) back.
	echo, cr := cannedAPI(t, func(op string, req []byte) (int, string) { return 502, "proxy error: " + string(req) })
	_, err = echo.ResultTypes(ctx)
	errs = append(errs, err)
	var he *vettrak.HTTPError
	require.ErrorAs(t, err, &he)
	require.NotNil(t, cr.last("GetResultTypes"))

	// A status message that quotes the token.
	quote, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
		return 200, respond(op, authWith(-1, "Token &apos;&amp;7%+&gt;-&quot;6(+!56$0&gt;345&apos; is not valid for this."))
	})
	_, err = quote.ResultTypes(ctx)
	errs = append(errs, err)

	secrets := []string{token, srv.Credentials().Password, cannedToken, "hunter2-secret",
		xmlEscape(token), xmlEscape(srv.Credentials().Password), xmlEscape(cannedToken)}
	for _, err := range errs {
		require.Error(t, err)
		for _, s := range secrets {
			assert.NotContains(t, err.Error(), s)
		}
	}
	for _, s := range secrets {
		assert.NotContains(t, lb.String(), s)
	}
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

func TestStatusCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		status int
		want   error
	}{
		{-1, vettrak.ErrRejected},
		{-3, vettrak.ErrDB},
		{-4, vettrak.ErrNoRecords},
		{-5, vettrak.ErrMissingRegistration},
		{0, vettrak.ErrUnknownStatus},
		{-9, vettrak.ErrUnknownStatus},
		{2, vettrak.ErrUnknownStatus},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
				return 200, respond(op, authWith(tt.status, "message from VETtrak"))
			})
			_, err := api.OccurrenceDetails(t.Context(), 1)
			assert.ErrorIs(t, err, tt.want)
			var se *vettrak.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "GetOccurrenceExtendedDetails", se.Op)
			assert.Equal(t, tt.status, se.Status)
			assert.Equal(t, "message from VETtrak", se.Message)
			assert.Contains(t, err.Error(), "GetOccurrenceExtendedDetails")
		})
	}
	t.Run("expired after re-login", func(t *testing.T) {
		api, c := cannedAPI(t, func(op string, _ []byte) (int, string) { return 200, respond(op, authWith(-2, "")) })
		_, err := api.ResultTypes(t.Context())
		assert.ErrorIs(t, err, vettrak.ErrTokenExpired)
		assert.Len(t, c.requests, 4, "login, call, re-login, call")
	})
	t.Run("bare TAuthenticate result", func(t *testing.T) {
		api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
			return 200, respond(op, `<ID>7</ID><Status>-5</Status><Identifier>07</Identifier>`)
		})
		err := api.SetOccurrenceUploaded(t.Context(), 1, true)
		assert.ErrorIs(t, err, vettrak.ErrMissingRegistration)
	})
}

func TestNoRecordsIsAnEmptyListForListCalls(t *testing.T) {
	for _, okEmpty := range []bool{false, true} {
		t.Run(fmt.Sprintf("okEmpty=%v", okEmpty), func(t *testing.T) {
			var opts []vettraktest.Option
			if okEmpty {
				opts = append(opts, vettraktest.WithEmptyListsOK())
			}
			ds := vettraktest.SeedWalkthrough()
			api, srv := pair(t, append(opts, vettraktest.WithDataset(ds)))
			ctx := t.Context()
			occ, err := ds.AddOccurrence(vettrak.Occurrence{Code: "EMPTY", Description: "nobody"})
			require.NoError(t, err)
			en, err := api.EnrolmentsForOccurrence(ctx, occ.ID)
			require.NoError(t, err)
			assert.NotNil(t, en)
			assert.Empty(t, en)
			units, err := api.UnitsForOccurrence(ctx, occ.ID)
			require.NoError(t, err)
			assert.Empty(t, units)
			del, err := api.DeletedRecordsSince(ctx, "ENROLMENT", time.Now().Add(-time.Hour))
			require.NoError(t, err)
			assert.Empty(t, del)
			// A single-record call still reports the missing record.
			_, err = api.OccurrenceDetails(ctx, 999999)
			assert.ErrorIs(t, err, vettrak.ErrNoRecords)
			_, err = api.ClientDetails(ctx, "NOBODY")
			assert.ErrorIs(t, err, vettrak.ErrNoRecords)
			want := vettrak.StatusNoRecords
			if okEmpty {
				want = vettrak.StatusOK
			}
			calls := srv.Calls()
			assert.Equal(t, want, calls[1].Status)
		})
	}
}

func TestSingleElementAndOmittedElements(t *testing.T) {
	// One occurrence with nearly every element omitted (nulls and zeros),
	// as ASMX leaves out null strings.
	api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
		return 200, respond(op, okAuth+`<OccuList><TOccu><ID>42</ID><StartDate>2026-03-02T09:00:00</StartDate></TOccu></OccuList>`)
	})
	got, err := api.LMSNewOccurrences(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, int64(42), got[0].ID)
	assert.Equal(t, "", got[0].Code)
	assert.True(t, got[0].EndDate.IsZero())
	assert.Nil(t, got[0].Vacancies)
	assert.Equal(t, time.Date(2026, 3, 2, 9, 0, 0, 0, api.Location()), got[0].StartDate)
}

func TestNullListItemsAreSkipped(t *testing.T) {
	api, _ := cannedAPI(t, func(op string, _ []byte) (int, string) {
		return 200, respond(op, okAuth+`<OccuList><TOccu xsi:nil="true" /><TOccu><ID>5</ID></TOccu></OccuList>`)
	})
	got, err := api.LMSNewOccurrences(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []int64{5}, codesInt(got))
}

func TestTimeZoneOption(t *testing.T) {
	perth, err := time.LoadLocation("Australia/Perth")
	require.NoError(t, err)
	api, c := cannedAPI(t, func(op string, _ []byte) (int, string) {
		if op == "UpdateResult" {
			return 200, respond(op, `<ID>7</ID><Status>1</Status>`)
		}
		return 200, respond(op, okAuth+`<ClieEnroList><TClieEnro><ID>1</ID><StartDate>2026-03-02T09:00:00</StartDate><EndDate>2026-03-02T09:00:00+11:00</EndDate><DateOfEffect>0001-01-01T00:00:00</DateOfEffect><Amount>12.5</Amount><Clie_Code>10001</Clie_Code></TClieEnro></ClieEnroList>`)
	}, vettrak.WithTimeZone(perth))
	got, err := api.EnrolmentsForOccurrence(t.Context(), 1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, time.Date(2026, 3, 2, 9, 0, 0, 0, perth), got[0].StartDate, "zoneless means provider-local")
	assert.True(t, time.Date(2026, 3, 2, 6, 0, 0, 0, perth).Equal(got[0].EndDate), "an explicit offset is kept")
	assert.Nil(t, got[0].DateOfEffect, ".NET's MinValue means no date")
	assert.Equal(t, vettrak.Decimal("12.5"), got[0].Amount, "exactly as sent")
	assert.Equal(t, int64(1), got[0].OccurrenceID)

	start := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC) // 07:00 next day in Perth
	require.NoError(t, api.UpdateResult(t.Context(), vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U1", ResultName: "Competent", Start: start, Finish: start}))
	assert.Contains(t, c.last("UpdateResult").body, "<xsdStart>2026-03-02T07:00:00</xsdStart>")
}

func TestGoldenRequests(t *testing.T) {
	api, c := cannedAPI(t, func(op string, _ []byte) (int, string) {
		return 200, respond(op, `<ID>7</ID><Status>1</Status>`)
	})
	syd := api.Location()
	err := api.UpdateResult(t.Context(), vettrak.ResultUpdate{
		EnrolmentID: 3001, UnitCode: "BSBLDR501", ResultName: "Competent",
		Start: time.Date(2026, 2, 2, 0, 0, 0, 0, syd), Finish: time.Date(2026, 3, 2, 9, 0, 0, 0, syd),
	})
	require.NoError(t, err)
	login := c.last("ValidateClient")
	require.NotNil(t, login)
	assert.Contains(t, login.body, `<ValidateClient xmlns="http://www.ozsoft.com.au/VETtrak/api/complete">`+"\n"+
		"      <sUsername>u</sUsername>\n      <sPassword>hunter2-secret</sPassword>\n")
	got := c.last("UpdateResult")
	require.NotNil(t, got)
	// The whole envelopes are in testdata/requests (TestRequestsGolden).
	assert.Contains(t, got.body, "<sToken>&#39;&amp;7%+&gt;-&#34;6(+!56$0&gt;345</sToken>", "the token is escaped")
	assert.Equal(t, `"http://www.ozsoft.com.au/VETtrak/api/complete/UpdateResult"`, got.header.Get("SOAPAction"))
	assert.Equal(t, "text/xml; charset=utf-8", got.header.Get("Content-Type"))
	assert.NotContains(t, got.header.Get("User-Agent"), "gowsdl")

	// The hand-written requests send what gowsdl's omitempty would drop.
	require.NoError(t, api.UpdateResultComment(t.Context(), 3001, "BSBLDR501", ""))
	assert.Contains(t, c.last("UpdateResultComment").body, "<comment></comment>")
	empty := ""
	require.NoError(t, api.UpdateEnrolment(t.Context(), vettrak.EnrolmentUpdate{EnrolmentID: 3001, EnrolmentType: &empty}))
	assert.Contains(t, c.last("UpdateEnrolment").body, "<enrolmentType></enrolmentType>")
	require.NoError(t, api.UpdateEnrolment(t.Context(), vettrak.EnrolmentUpdate{EnrolmentID: 3001, Status: "Completed"}))
	assert.NotContains(t, c.last("UpdateEnrolment").body, "enrolmentType")

	_, _ = api.StaffForClient(t.Context(), "10001", vettrak.StaffQuery{StatusTypes: []int{0, 1}, StaffType: "Trainer"})
	assert.Contains(t, c.last("GetStaffForClient").body, "<statusTypes><int>0</int><int>1</int></statusTypes>")
	assert.Contains(t, c.last("GetStaffForClient").body, "<clientCode>10001</clientCode>")
	_, _ = api.ClientsForStaff(t.Context(), "T001", vettrak.StaffQuery{})
	assert.Contains(t, c.last("GetClientsForStaff").body, "<staffClientCode>T001</staffClientCode>")
	assert.NotContains(t, c.last("GetClientsForStaff").body, "statusTypes")
}

func TestInputErrors(t *testing.T) {
	api, c := cannedAPI(t, func(op string, _ []byte) (int, string) { return 200, respond(op, `<Status>1</Status>`) })
	ctx := t.Context()
	now := time.Now()
	hundredOne := 101
	tests := []struct {
		name string
		call func() error
	}{
		{"start after finish", func() error {
			return api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U", ResultName: "C", Start: now, Finish: now.Add(-time.Hour)})
		}},
		{"percentage", func() error {
			return api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U", ResultName: "C", Start: now, Finish: now, Percentage: &hundredOne})
		}},
		{"long unit code", func() error {
			return api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "ABCDEFGHIJKLM", ResultName: "C", Start: now, Finish: now})
		}},
		{"no result name", func() error {
			return api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U", Start: now, Finish: now})
		}},
		{"no dates", func() error {
			return api.UpdateResult(ctx, vettrak.ResultUpdate{EnrolmentID: 1, UnitCode: "U", ResultName: "C"})
		}},
		{"id overflow", func() error { _, err := api.OccurrenceDetails(ctx, 1<<40); return err }},
		{"table", func() error { _, err := api.DeletedRecordsSince(ctx, "STUDENTS", now); return err }},
		{"zero since", func() error { _, err := api.DeletedRecordsSince(ctx, "CLIENT", time.Time{}); return err }},
		{"search range", func() error {
			_, err := api.SearchOccurrences(ctx, vettrak.OccurrenceQuery{Start: now, End: now.Add(-time.Hour)})
			return err
		}},
		{"comment unit", func() error { return api.UpdateResultComment(ctx, 1, "", "x") }},
		{"enrolment dates", func() error {
			later := now.Add(time.Hour)
			return api.UpdateEnrolment(ctx, vettrak.EnrolmentUpdate{EnrolmentID: 1, Start: &later, Finish: &now})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ie *vettrak.InputError
			assert.ErrorAs(t, tt.call(), &ie)
		})
	}
	assert.Empty(t, c.requests, "bad input never reaches the network")
}

func TestFaultsAndRetries(t *testing.T) {
	ctx := t.Context()
	t.Run("SOAP fault is typed and never retried", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultSOAP, Message: "Server was unable to process request."})
		_, err := api.ResultTypes(ctx)
		var fe *vettrak.FaultError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "GetResultTypes", fe.Op)
		assert.Equal(t, "soap:Server", fe.Code)
		assert.Equal(t, http.StatusInternalServerError, fe.StatusCode)
		assert.Equal(t, "Server was unable to process request.", fe.String)
		assert.Equal(t, 1, srv.CallCount("GetResultTypes"))
	})
	t.Run("503 twice then success", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("GetUnitsForEnrolment", vettraktest.Fault{Kind: vettraktest.FaultHTTP503, Times: 2})
		units, err := api.UnitsForEnrolment(ctx, 3001)
		require.NoError(t, err)
		assert.Len(t, units, 1)
		assert.Equal(t, 3, srv.CallCount("GetUnitsForEnrolment"))
		st := api.Stats()
		assert.Equal(t, int64(3), st.ByOp["GetUnitsForEnrolment"])
		assert.Equal(t, int64(2), st.Failures)
	})
	t.Run("a login answered 503 is retried", func(t *testing.T) {
		// The operation table marks the logins Retry (a second login only
		// issues another token), so a gateway hiccup on the first call of a
		// run does not fail the run.
		api, srv := pair(t, nil)
		srv.InjectFault("ValidateClient", vettraktest.Fault{Kind: vettraktest.FaultHTTP503, Times: 1})
		require.NoError(t, api.Login(ctx))
		assert.Equal(t, 2, srv.CallCount("ValidateClient"))
	})
	t.Run("writes that set a value are retried too", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("UpdateResultComment", vettraktest.Fault{Kind: vettraktest.FaultHTTP500, Times: 1})
		require.NoError(t, api.UpdateResultComment(ctx, 3001, "IST101", "retried"))
		assert.Equal(t, 2, srv.CallCount("UpdateResultComment"))
		assert.Equal(t, "retried", srv.Data().Results(3001)[0].Comment)
	})
	t.Run("persistent 500 becomes HTTPError", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultHTTP500})
		_, err := api.ResultTypes(ctx)
		var he *vettrak.HTTPError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, 500, he.StatusCode)
		assert.Equal(t, "GetResultTypes", he.Op)
		assert.Contains(t, he.Body, "Internal Server Error")
		assert.Equal(t, 4, srv.CallCount("GetResultTypes"), "1 + 3 retries")
	})
	t.Run("429 is retried", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("", vettraktest.Fault{Kind: vettraktest.FaultHTTP429, Times: 1})
		_, err := api.ResultTypes(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, srv.CallCount("ValidateClient"))
	})
	t.Run("dropped connection is retried", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("GetEnrolmentsForOccurrence", vettraktest.Fault{Kind: vettraktest.FaultDrop, Times: 1})
		en, err := api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
		require.NoError(t, err)
		assert.Len(t, en, 2)
		assert.Equal(t, 2, srv.CallCount("GetEnrolmentsForOccurrence"))
	})
	t.Run("dropped connection without retries is an OperationError", func(t *testing.T) {
		api, srv := pair(t, nil, vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: -1}))
		srv.InjectFault("GetEnrolmentsForOccurrence", vettraktest.Fault{Kind: vettraktest.FaultDrop})
		_, err := api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
		var oe *vettrak.OperationError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, "GetEnrolmentsForOccurrence", oe.Operation)
	})
	t.Run("malformed XML is a DecodeError", func(t *testing.T) {
		api, srv := pair(t, nil)
		srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultMalformed, Times: 1})
		_, err := api.ResultTypes(ctx)
		var de *vettrak.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "GetResultTypes", de.Op)
		assert.Equal(t, 1, srv.CallCount("GetResultTypes"))
	})
	t.Run("latency and a deadline", func(t *testing.T) {
		api, srv := pair(t, nil)
		require.NoError(t, api.Login(ctx))
		srv.InjectFault("GetResultTypes", vettraktest.Fault{Kind: vettraktest.FaultLatency, Latency: 2 * time.Second})
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := api.ResultTypes(short)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var oe *vettrak.OperationError
		assert.ErrorAs(t, err, &oe)
		assert.Less(t, time.Since(start), time.Second)
	})
}

func TestBodySizeCap(t *testing.T) {
	ds, err := vettraktest.Generate(vettraktest.GenSpec{Seed: 1, Occurrences: 200, Units: 5})
	require.NoError(t, err)
	api, _ := pair(t, []vettraktest.Option{vettraktest.WithDataset(ds)}, vettrak.WithMaxBodySize(8<<10))
	_, err = api.LMSNewOccurrences(t.Context())
	var de *vettrak.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, httpx.ErrBodyTooLarge)
	_, err = api.ResultTypes(t.Context())
	assert.NoError(t, err, "small answers still pass")
}

func TestDecodeErrorsNameTheRecord(t *testing.T) {
	list := func(items ...string) string {
		return okAuth + `<OccuList>` + strings.Join(items, "") + `</OccuList>`
	}
	good := `<TOccu><ID>1</ID><StartDate>2026-03-02T09:00:00</StartDate></TOccu>`
	tests := []struct {
		name   string
		status int
		body   string
		record string
	}{
		{"bad date", 200, respond("GetLMSNewOccurrences", list(good, `<TOccu><ID>2</ID><StartDate>2026-13-02T09:00:00</StartDate></TOccu>`)), "TOccu[2]/StartDate"},
		{"date without time", 200, respond("GetLMSNewOccurrences", list(`<TOccu><EndDate>2026-03-02</EndDate></TOccu>`)), "TOccu[1]/EndDate"},
		{"bad int", 200, respond("GetLMSNewOccurrences", list(good, good, `<TOccu><ID>abc</ID></TOccu>`)), "TOccu[3]/ID"},
		{"int overflow", 200, respond("GetLMSNewOccurrences", list(`<TOccu><Prog_ID>99999999999</Prog_ID></TOccu>`)), "TOccu[1]/Prog_ID"},
		{"NaN decimal", 200, respond("GetLMSNewOccurrences", list(`<TOccu><Amount>NaN</Amount></TOccu>`)), "TOccu[1]/Amount"},
		{"bad status", 200, respond("GetLMSNewOccurrences", `<Auth><Status>one</Status></Auth>`), "Auth/Status"},
		{"html page", 200, `<html><body>Login</body></html>`, "html"},
		{"not xml", 200, `Service Unavailable`, ""},
		{"empty", 200, ``, ""},
		{"soap 1.2", 200, `<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body/></soap12:Envelope>`, "Envelope"},
		{"other response", 200, respond("GetResultTypes", okAuth), "GetResultTypesResponse"},
		{"missing result", 200, respond("GetLMSNewOccurrences", ``), "GetLMSNewOccurrencesResult/Auth"},
		{"shift-jis", 200, `<?xml version="1.0" encoding="Shift_JIS"?>` + respond("GetLMSNewOccurrences", okAuth)[38:], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, _ := cannedAPI(t, func(string, []byte) (int, string) { return tt.status, tt.body })
			_, err := api.LMSNewOccurrences(t.Context())
			var de *vettrak.DecodeError
			require.ErrorAs(t, err, &de, "%v", err)
			assert.Equal(t, "GetLMSNewOccurrences", de.Op)
			assert.Contains(t, de.Record, tt.record)
		})
	}
	t.Run("fault in a 200", func(t *testing.T) {
		api, _ := cannedAPI(t, func(string, []byte) (int, string) {
			return 200, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>nope</faultstring></soap:Fault></soap:Body></soap:Envelope>`
		})
		_, err := api.LMSNewOccurrences(t.Context())
		var fe *vettrak.FaultError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "soap:Client", fe.Code)
		assert.Equal(t, "nope", fe.String)
	})
}

func TestSingleByteCharsetsAreConverted(t *testing.T) {
	for _, enc := range []string{"ISO-8859-1", "windows-1252"} {
		t.Run(enc, func(t *testing.T) {
			// "Zoë" and "€" in the declared charset.
			body := `<?xml version="1.0" encoding="` + enc + `"?>` + respond("GetClientDetails", okAuth+"<ClieDetail><Clie_Code>C1</Clie_Code><Clie_Given>Zo\xeb</Clie_Given><Clie_Surname>\x80uro</Clie_Surname></ClieDetail>")[38:]
			api, _ := cannedAPI(t, func(string, []byte) (int, string) { return 200, body })
			c, err := api.ClientDetails(t.Context(), "C1")
			require.NoError(t, err)
			assert.Equal(t, "Zoë", c.GivenName)
			if enc == "windows-1252" {
				assert.Equal(t, "€uro", c.Surname)
			} else {
				assert.Equal(t, "\u0080uro", c.Surname)
			}
		})
	}
}

func TestStatsSplitReadsAndWrites(t *testing.T) {
	api, _ := pair(t, nil)
	ctx := t.Context()
	_, err := api.EnrolmentsForOccurrence(ctx, vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	require.NoError(t, api.SetEnrolmentUploaded(ctx, 3001, true))
	require.NoError(t, api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true))
	st := api.Stats()
	assert.Equal(t, int64(3), st.Reads, "login, one read and the server's WSDL, read before the first write")
	assert.Equal(t, int64(1), st.ByOp["WSDL"])
	assert.Equal(t, int64(2), st.Writes)
	assert.Equal(t, int64(1), st.ByOp["UpdateLMSEnrolmentStatus"])
	assert.Positive(t, st.BytesIn)
	assert.Positive(t, st.BytesOut)
}

func TestUnlicensedOperation(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithUnlicensed("UpdateEnrolment")}, vettrak.WithCheckWrites())
	err := api.UpdateEnrolment(t.Context(), vettrak.EnrolmentUpdate{EnrolmentID: 3001, Status: "Completed"})
	assert.ErrorIs(t, err, vettrak.ErrMissingRegistration)

	rep, err := api.Check(t.Context())
	require.NoError(t, err)
	assert.True(t, rep.LoggedIn)
	assert.False(t, rep.OK())
	assert.Equal(t, []string{"UpdateEnrolment"}, rep.Missing())
	assert.Equal(t, "APIUSER", rep.Identifier)
	assert.Equal(t, "staff user", rep.UserKind())
	s := rep.String()
	assert.Contains(t, s, "MISSING UpdateEnrolment: not in the licence")
	assert.Contains(t, s, "add UpdateEnrolment to the registration key")
	assert.NotContains(t, s, "Not checked")
	_, stillThere := srv.Data().Enrolment(3001)
	assert.True(t, stillThere)

	srv.SetLicensed("UpdateEnrolment", true)
	rep, err = api.Check(t.Context())
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.String())
}

func TestCheckWithoutWritesSaysWhatItSkipped(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithUnlicensed("GetResultTypes")})
	rep, err := api.Check(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"GetResultTypes"}, rep.Missing())
	assert.Contains(t, rep.String(), "Not checked: UpdateLMSOccurrenceStatus")
	for _, op := range []string{"UpdateResult", "UpdateEnrolment", "UpdateResultComment"} {
		assert.Zero(t, srv.CallCount(op), op)
	}
}

func TestContextCancelledBeforeLogin(t *testing.T) {
	api, srv := pair(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := api.ResultTypes(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, srv.CallCount(""))
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestTransportOptions(t *testing.T) {
	api, c := cannedAPI(t, func(op string, _ []byte) (int, string) { return 200, respond(op, okAuth) },
		vettrak.WithUserAgent("acme-lms/2.0"), vettrak.WithRateLimit(1000, 1))
	_, err := api.ResultTypes(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "acme-lms/2.0", c.last("GetResultTypes").header.Get("User-Agent"))

	slow, _ := pair(t, []vettraktest.Option{vettraktest.WithLatency(300 * time.Millisecond)},
		vettrak.WithTimeout(50*time.Millisecond), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: -1}))
	_, err = slow.ResultTypes(t.Context())
	var oe *vettrak.OperationError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "GetResultTypes", oe.Operation)
}
