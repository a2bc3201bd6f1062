package transport_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/internal/redact/redacttest"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/transport"
	"github.com/vtsync/vtsync/vettrak"
)

// These tests hold the three clients to one vocabulary: each shared
// option and each kind of failure behaves the same in vettrak, canvas and
// moodle. The servers are scripted round trippers: what is checked is the
// clients' own stack, not a service.

// step is one scripted answer to the operation under test.
type step struct {
	status int
	body   string
	err    error
}

// script answers the operation's requests with steps in order (the last
// repeats) and a login (vettrak's ValidateClient) always with success.
type script struct {
	login string // body of a successful login; "" when the client has none
	mu    sync.Mutex
	steps []step
	calls int    // requests for the operation
	total int    // every request
	ua    string // the last User-Agent
}

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
	}
	s.mu.Lock()
	s.total++
	s.ua = req.Header.Get("User-Agent")
	st := step{status: 200, body: s.login}
	if s.login == "" || !strings.Contains(req.Header.Get("SOAPAction"), "ValidateClient") {
		st = s.steps[min(s.calls, len(s.steps)-1)]
		s.calls++
	}
	s.mu.Unlock()
	if st.err != nil {
		return nil, st.err
	}
	return &http.Response{StatusCode: st.status, Status: http.StatusText(st.status), Header: http.Header{},
		Body: io.NopCloser(strings.NewReader(st.body)), Request: req}, nil
}

func (s *script) counts() (calls, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, s.total
}

// shared are the shared options a test sets, in client-neutral terms.
type shared struct {
	hc        *http.Client
	rt        http.RoundTripper
	retry     *transport.RetryPolicy
	maxBody   int64
	limiter   *rate.Limiter
	userAgent string
}

// optionSet is a client's shared option functions: that each client's fit
// one generic struct checks at compile time that they have the same names'
// signatures.
type optionSet[O any] struct {
	httpClient func(*http.Client) O
	transport  func(http.RoundTripper) O
	retry      func(transport.RetryPolicy) O
	maxBody    func(int64) O
	limiter    func(*rate.Limiter) O
	userAgent  func(string) O
}

// options turns sh into a client's options, after its own.
func options[O any](sh shared, own []O, set optionSet[O]) []O {
	opts := own
	if sh.hc != nil {
		opts = append(opts, set.httpClient(sh.hc))
	}
	if sh.rt != nil {
		opts = append(opts, set.transport(sh.rt))
	}
	if sh.retry != nil {
		opts = append(opts, set.retry(*sh.retry))
	}
	if sh.maxBody != 0 {
		opts = append(opts, set.maxBody(sh.maxBody))
	}
	if sh.limiter != nil {
		opts = append(opts, set.limiter(sh.limiter))
	}
	if sh.userAgent != "" {
		opts = append(opts, set.userAgent(sh.userAgent))
	}
	return opts
}

type client struct {
	call  func(context.Context) error
	stats func() callstats.Snapshot
}

// target is one client with what it needs to be tested the same way.
type target struct {
	name, secret, op string
	login            string
	defaultRetry     transport.RetryPolicy
	build            func(sh shared) (client, error)
	ok               string
	// failures give each kind of error: an HTTP status, a fault (SOAP
	// fault, Canvas validation error, Moodle exception) and a body that
	// does not decode, with errors.As checks for their typed error.
	httpStep, faultStep, decodeStep step
	httpAs, faultAs, decodeAs       func(error) bool
	// throttled is a sentinel a 429 matches after the retries.
	throttled error
}

const (
	vtPassword  = "hunter2-secret"
	canvasToken = "7~canvas-secret-token"
	moodleToken = "0123456789abcdef0123456789abcdef"
)

func soapOK(op, result string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><` +
		op + `Response xmlns="http://www.ozsoft.com.au/VETtrak/api/complete"><` + op + `Result>` + result + `</` + op + `Result></` + op + `Response></soap:Body></soap:Envelope>`
}

const vtAuth = `<Auth><ID>7</ID><Token>tok-abc</Token><Status>1</Status></Auth>`

func targets() []target {
	return []target{
		{
			name: "vettrak", secret: vtPassword, op: "GetResultTypes",
			login:        soapOK("ValidateClient", `<ID>7</ID><Token>tok-abc</Token><Status>1</Status><Identifier>07</Identifier><TokenType>03</TokenType>`),
			defaultRetry: vettrak.DefaultRetry(),
			build: func(sh shared) (client, error) {
				opts := options(sh, nil, optionSet[vettrak.Option]{vettrak.WithHTTPClient, vettrak.WithTransport, vettrak.WithRetry, vettrak.WithMaxBodySize, vettrak.WithLimiter, vettrak.WithUserAgent})
				c, err := vettrak.New("https://vettrak.example/ABC_API/VT_API.asmx", vettrak.Credentials{Username: "u", Password: vtPassword}, opts...)
				if err != nil {
					return client{}, err
				}
				return client{call: func(ctx context.Context) error { _, err := c.ResultTypes(ctx); return err }, stats: c.Stats}, nil
			},
			ok:         soapOK("GetResultTypes", vtAuth),
			httpStep:   step{status: 502, body: "bad gateway " + vtPassword},
			faultStep:  step{status: 500, body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>no ` + vtPassword + `</faultstring></soap:Fault></soap:Body></soap:Envelope>`},
			decodeStep: step{status: 200, body: "<html>" + vtPassword},
			httpAs:     func(err error) bool { var e *vettrak.HTTPError; return errors.As(err, &e) && e.StatusCode == 502 },
			faultAs:    func(err error) bool { var e *vettrak.FaultError; return errors.As(err, &e) && e.Code == "soap:Server" },
			decodeAs:   func(err error) bool { var e *vettrak.DecodeError; return errors.As(err, &e) },
		},
		{
			name: "canvas", secret: canvasToken, op: "GET accounts/{id}",
			defaultRetry: canvas.DefaultRetry(),
			build: func(sh shared) (client, error) {
				opts := options(sh, []canvas.Option{canvas.WithPacing(canvas.Pacing{})}, optionSet[canvas.Option]{canvas.WithHTTPClient, canvas.WithTransport, canvas.WithRetry, canvas.WithMaxBodySize, canvas.WithLimiter, canvas.WithUserAgent})
				c, err := canvas.New("https://canvas.example", canvasToken, opts...)
				if err != nil {
					return client{}, err
				}
				return client{call: func(ctx context.Context) error { _, err := c.Accounts.Get(ctx, canvas.Self); return err }, stats: c.Stats}, nil
			},
			ok:         `{"id":1,"name":"Root"}`,
			httpStep:   step{status: 404, body: `{"errors":[{"message":"The specified resource does not exist."}]}`},
			faultStep:  step{status: 422, body: `{"errors":{"name":[{"type":"blank","message":"` + canvasToken + `"}]}}`},
			decodeStep: step{status: 200, body: "<html>" + canvasToken},
			httpAs: func(err error) bool {
				var e *canvas.Error
				return errors.As(err, &e) && errors.Is(err, canvas.ErrNotFound)
			},
			faultAs: func(err error) bool {
				var e *canvas.Error
				return errors.As(err, &e) && errors.Is(err, canvas.ErrInvalid)
			},
			decodeAs:  func(err error) bool { var e *canvas.DecodeError; return errors.As(err, &e) },
			throttled: canvas.ErrThrottled,
		},
		{
			name: "moodle", secret: moodleToken, op: "core_webservice_get_site_info",
			defaultRetry: moodle.DefaultRetry(),
			build: func(sh shared) (client, error) {
				opts := options(sh, []moodle.Option{moodle.WithRateLimit(rate.Inf, 0)}, optionSet[moodle.Option]{moodle.WithHTTPClient, moodle.WithTransport, moodle.WithRetry, moodle.WithMaxBodySize, moodle.WithLimiter, moodle.WithUserAgent})
				c, err := moodle.New("https://moodle.example", moodleToken, opts...)
				if err != nil {
					return client{}, err
				}
				return client{call: func(ctx context.Context) error { _, err := c.Site.GetSiteInfo(ctx); return err }, stats: c.Stats}, nil
			},
			ok:         `{"sitename":"Site","userid":2}`,
			httpStep:   step{status: 403, body: ""},
			faultStep:  step{status: 200, body: `{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token ` + moodleToken + `"}`},
			decodeStep: step{status: 200, body: "<html>" + moodleToken},
			httpAs: func(err error) bool {
				var e *moodle.HTTPError
				return errors.As(err, &e) && errors.Is(err, moodle.ErrAccessDenied)
			},
			faultAs: func(err error) bool {
				var e *moodle.Exception
				return errors.As(err, &e) && errors.Is(err, moodle.ErrInvalidToken)
			},
			decodeAs:  func(err error) bool { var e *moodle.DecodeError; return errors.As(err, &e) },
			throttled: moodle.ErrThrottled,
		},
	}
}

func fast(maxRetries int) *transport.RetryPolicy {
	return &transport.RetryPolicy{MaxRetries: maxRetries, MinWait: time.Millisecond, MaxWait: time.Millisecond}
}

func TestSharedOptionsMeanTheSameInEveryClient(t *testing.T) {
	throttle := step{status: 429}
	tests := []struct {
		name  string
		retry func(tg target) *transport.RetryPolicy
		steps func(tg target) []step
		// wantCalls is how many requests the operation sends.
		wantCalls func(tg target) int
		wantErr   bool
	}{
		{
			name:      "a WithHTTPClient transport sits under the retries",
			retry:     func(target) *transport.RetryPolicy { return fast(2) },
			steps:     func(tg target) []step { return []step{throttle, {status: 200, body: tg.ok}} },
			wantCalls: func(target) int { return 2 },
		},
		{
			name:      "a zero MaxRetries means the client's default",
			retry:     func(target) *transport.RetryPolicy { return fast(0) },
			steps:     func(target) []step { return []step{throttle} },
			wantCalls: func(tg target) int { return tg.defaultRetry.MaxRetries + 1 },
			wantErr:   true,
		},
		{
			name:      "NoRetries sends once",
			retry:     func(target) *transport.RetryPolicy { p := transport.NoRetries(); return &p },
			steps:     func(target) []step { return []step{throttle} },
			wantCalls: func(target) int { return 1 },
			wantErr:   true,
		},
	}
	for _, tg := range targets() {
		for _, tt := range tests {
			t.Run(tg.name+"/"+tt.name, func(t *testing.T) {
				s := &script{login: tg.login, steps: tt.steps(tg)}
				hc := &http.Client{Transport: s}
				c, err := tg.build(shared{hc: hc, retry: tt.retry(tg)})
				require.NoError(t, err)
				err = c.call(t.Context())
				calls, total := s.counts()
				assert.Equal(t, tt.wantCalls(tg), calls)
				st := c.stats()
				assert.EqualValues(t, total, st.Calls(), "the meter counts every attempt the caller's transport saw")
				assert.EqualValues(t, calls, st.ByOp[tg.op], "the meter keys the operation as the error names it")
				assert.Nil(t, hc.CheckRedirect, "the caller's client is not modified")
				if !tt.wantErr {
					require.NoError(t, err)
					return
				}
				var oe *transport.OperationError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, tg.op, oe.Operation)
				if tg.throttled != nil {
					assert.ErrorIs(t, err, tg.throttled)
				}
			})
		}
	}
}

func TestSharedOptionsValidateTheSameInEveryClient(t *testing.T) {
	tests := []struct {
		name    string
		sh      shared
		wantErr bool
	}{
		{"a negative wait is refused", shared{retry: &transport.RetryPolicy{MinWait: -time.Second}}, true},
		{"MinWait above MaxWait is refused", shared{retry: &transport.RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond}}, true},
		{"a negative MaxRetries is no retries, not an error", shared{retry: &transport.RetryPolicy{MaxRetries: -3}}, false},
		{"a body cap below the minimum is refused", shared{maxBody: transport.MinBodySize - 1}, true},
		{"the minimum body cap is accepted", shared{maxBody: transport.MinBodySize}, false},
	}
	for _, tg := range targets() {
		for _, tt := range tests {
			t.Run(tg.name+"/"+tt.name, func(t *testing.T) {
				_, err := tg.build(tt.sh)
				if tt.wantErr {
					require.Error(t, err)
					assert.True(t, strings.HasPrefix(err.Error(), tg.name+": "), err.Error())
					return
				}
				assert.NoError(t, err)
			})
		}
	}
}

func TestEveryFailureIsAnOperationErrorKeepingItsChain(t *testing.T) {
	tests := []struct {
		name string
		step func(tg target) step
		is   func(tg target, err error) bool
	}{
		{
			name: "transport failure",
			step: func(tg target) step {
				return step{err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused, secret " + tg.secret)}}
			},
			is: func(_ target, err error) bool { var ne *net.OpError; return errors.As(err, &ne) && ne.Op == "dial" },
		},
		{
			name: "deadline",
			step: func(target) step { return step{err: context.DeadlineExceeded} },
			is:   func(_ target, err error) bool { return errors.Is(err, context.DeadlineExceeded) },
		},
		{"HTTP status", func(tg target) step { return tg.httpStep }, func(tg target, err error) bool { return tg.httpAs(err) }},
		{"fault or exception", func(tg target) step { return tg.faultStep }, func(tg target, err error) bool { return tg.faultAs(err) }},
		{"decode failure", func(tg target) step { return tg.decodeStep }, func(tg target, err error) bool { return tg.decodeAs(err) }},
		{
			name: "body over the cap",
			step: func(tg target) step {
				return step{status: 200, body: tg.ok + strings.Repeat(" ", int(transport.MinBodySize))}
			},
			is: func(_ target, err error) bool { return errors.Is(err, transport.ErrBodyTooLarge) },
		},
	}
	for _, tg := range targets() {
		for _, tt := range tests {
			t.Run(tg.name+"/"+tt.name, func(t *testing.T) {
				s := &script{login: tg.login, steps: []step{tt.step(tg)}}
				noRetries := transport.NoRetries()
				sh := shared{hc: &http.Client{Transport: s}, retry: &noRetries}
				if tt.name == "body over the cap" {
					sh.maxBody = transport.MinBodySize
				}
				c, err := tg.build(sh)
				require.NoError(t, err)
				err = c.call(t.Context())
				require.Error(t, err)
				var oe *transport.OperationError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, tg.name, oe.Service)
				assert.Equal(t, tg.op, oe.Operation)
				assert.True(t, strings.HasPrefix(err.Error(), tg.name+": "+tg.op+": "), err.Error())
				assert.True(t, tt.is(tg, err), "the cause is reachable: %v", err)
				redacttest.AssertNoLeak(t, "operation error", err.Error(), tg.secret)
			})
		}
	}
}

// Every sentinel a client exports names its package, so that it reads
// right on its own (errors.Is targets are printed in logs and tests).
func TestSentinelsCarryTheirPackagePrefix(t *testing.T) {
	sentinels := map[string][]error{
		"vettrak: ": {vettrak.ErrBadCredentials, vettrak.ErrTokenExpired, vettrak.ErrNoRecords, vettrak.ErrMissingRegistration,
			vettrak.ErrDB, vettrak.ErrRejected, vettrak.ErrUnknownStatus, vettrak.ErrContract},
		"canvas: ": {canvas.ErrNotFound, canvas.ErrUnauthorized, canvas.ErrForbidden, canvas.ErrThrottled, canvas.ErrInvalid,
			canvas.ErrSISIDTaken, canvas.ErrLoginTaken, canvas.ErrServer, canvas.ErrRepeatedPage, canvas.ErrForeignNextLink,
			canvas.ErrLinkDropped, canvas.ErrListingTooLong, canvas.ErrBadRequest},
		"moodle: ": {moodle.ErrInvalidToken, moodle.ErrAccessDenied, moodle.ErrNotFound, moodle.ErrInvalidParameter,
			moodle.ErrTaken, moodle.ErrServer, moodle.ErrThrottled},
		// Shared by the three clients (vettrak.ErrRedirect is
		// canvas.ErrRedirect): the operation error names the client.
		"transport: ": {vettrak.ErrRedirect, canvas.ErrRedirect, moodle.ErrRedirect,
			vettrak.ErrBodyTooLarge, canvas.ErrBodyTooLarge, moodle.ErrBodyTooLarge},
	}
	for prefix, errs := range sentinels {
		for _, err := range errs {
			assert.True(t, strings.HasPrefix(err.Error(), prefix), "%q lacks %q", err.Error(), prefix)
		}
	}
}

func TestTransportLimiterAndUserAgentMeanTheSameInEveryClient(t *testing.T) {
	for _, tg := range targets() {
		t.Run(tg.name, func(t *testing.T) {
			s := &script{login: tg.login, steps: []step{{status: 429}, {status: 200, body: tg.ok}}}
			lim := rate.NewLimiter(rate.Every(time.Hour), 10)
			c, err := tg.build(shared{rt: s, retry: fast(2), limiter: lim, userAgent: "probe/1"})
			require.NoError(t, err)
			require.NoError(t, c.call(t.Context()))
			_, total := s.counts()
			assert.EqualValues(t, total, c.stats().Calls(), "WithTransport sits under the meter")
			assert.InDelta(t, 10-total, lim.Tokens(), 0.5, "every attempt, the retry included, took a token of the shared limiter")
			assert.Equal(t, "probe/1", s.ua)
		})
	}
}

func TestANilOptionIsSkippedByEveryClient(t *testing.T) {
	_, err := vettrak.New("https://vettrak.example/VT_API.asmx", vettrak.Credentials{Username: "u", Password: vtPassword}, nil)
	assert.NoError(t, err, "vettrak used to panic on a nil option")
	_, err = canvas.New("https://canvas.example", canvasToken, nil)
	assert.NoError(t, err)
	_, err = moodle.New("https://moodle.example", moodleToken, nil)
	assert.NoError(t, err)
}
