package vettrak

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // a fresh machine may have no zoneinfo; Australia/Sydney must load

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/internal/httpx"
	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/vettrak/internal/vtsoap"
)

// Credentials are a VETtrak API user's login. String and LogValue never
// show the password.
type Credentials struct {
	Username string
	Password string
}

// String masks the password.
func (c Credentials) String() string {
	return "vettrak.Credentials{Username: " + c.Username + ", Password: " + redact.Mask + "}"
}

// GoString masks the password in %#v.
func (c Credentials) GoString() string { return c.String() }

// LogValue masks the password in slog output.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", c.Username), slog.String("password", redact.Mask))
}

// Client is a client for one VETtrak VT_API endpoint. It is safe for
// concurrent use. Create it with New.
//
// VETtrak also calls learners "clients"; their record is Person.
type Client struct {
	endpoint string
	display  string // endpoint without credentials or secret query values
	creds    Credentials
	cfg      config
	secrets  *redact.Secrets
	log      *slog.Logger
	meter    *httpx.Meter
	http     *doer
	ops      map[string]*opSpec // the operation table
	schemas  sync.Map           // reflect.Type -> *node
	contract contractState      // what CheckContract found, for refusing writes

	loginMu sync.Mutex // one login at a time
	sess    atomic.Pointer[session]
	masked  []string // tokens registered with secrets, oldest first (under loginMu)
}

// keepMasked is how many recent tokens stay masked; older ones are dead
// (a token lives 60 idle minutes) and are dropped so that a long-running
// client's secret set stays small.
const keepMasked = 4

// session is a logged-in token. Sessions are immutable except lastUsed.
type session struct {
	token      string
	userID     int32
	identifier string
	tokenType  string
	message    string
	lastUsed   atomic.Int64 // unix nanoseconds on the client's clock
}

// New returns a client for the VT_API endpoint, e.g.
// "https://sthservices.ozsoft.com.au/ABC_API/VT_API.asmx". A trailing
// "?WSDL" is dropped. It does not contact the server: the first call logs
// in (see Login).
func New(endpoint string, creds Credentials, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("vettrak: endpoint must be an http(s) URL of VT_API.asmx, got %q", httpx.SanitizeURL(u))
	}
	if strings.EqualFold(u.RawQuery, "wsdl") {
		u.RawQuery = ""
	}
	if creds.Username == "" {
		return nil, errors.New("vettrak: username must not be empty")
	}
	cfg := defaultConfig()
	if err := httpx.Apply(&cfg, opts); err != nil {
		return nil, err
	}
	if cfg.loc == nil {
		loc, err := time.LoadLocation(DefaultTimeZone)
		if err != nil {
			return nil, fmt.Errorf("vettrak: default time zone: %w", err)
		}
		cfg.loc = loc
	}
	a := &Client{
		endpoint: u.String(),
		display:  httpx.SanitizeURL(u),
		creds:    creds,
		cfg:      cfg,
		secrets:  &redact.Secrets{},
	}
	a.secrets.Add(creds.Password)
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			a.secrets.Add(p)
		}
	}
	a.log = cfg.Log(a.secrets)
	a.meter = httpx.NewMeter(opFromRequest)
	hc := cfg.Client(httpx.Config{Redact: a.secrets.String, Meter: a.meter}, a.log)
	// Requests are written and responses read here, not by gowsdl's client
	// (G1/G2: it would build a transport per call and drops required
	// elements); its generated types are still what responses decode into.
	a.http = &doer{api: a, next: hc}
	a.ops = tableIndex()
	return a, nil
}

// Endpoint is the service URL without credentials.
func (a *Client) Endpoint() string { return a.display }

// Location is the zone VETtrak's dateTimes are read and written in.
func (a *Client) Location() *time.Location { return a.cfg.loc }

// Stats reports the calls that reached the network: per operation
// (retries and logins included), reads versus writes, bytes.
func (a *Client) Stats() callstats.Snapshot { return a.meter.Snapshot() }

// Login logs in now (ValidateClient, or ValidateUser with
// WithValidateUser), replacing any cached token. Calling it is optional:
// every operation logs in when it has no valid token.
func (a *Client) Login(ctx context.Context) error {
	a.loginMu.Lock()
	defer a.loginMu.Unlock()
	_, err := a.loginLocked(ctx)
	return err
}

// token returns a usable session, logging in when there is none or it has
// been idle for nearly the server's timeout.
func (a *Client) token(ctx context.Context) (*session, error) {
	s := a.sess.Load()
	if s != nil && !a.idle(s) {
		return s, nil
	}
	a.loginMu.Lock()
	defer a.loginMu.Unlock()
	if cur := a.sess.Load(); cur != nil && cur != s && !a.idle(cur) {
		return cur, nil // another caller logged in while we waited
	}
	return a.loginLocked(ctx)
}

// idle reports whether s has not been used for long enough that the server
// has probably expired it; logging in first saves a failed round trip.
func (a *Client) idle(s *session) bool {
	last := time.Unix(0, s.lastUsed.Load())
	return a.cfg.now().Sub(last) >= a.cfg.tokenIdle-time.Minute
}

func (a *Client) touch(s *session) { s.lastUsed.Store(a.cfg.now().UnixNano()) }

// expire drops s if it is still the cached session.
func (a *Client) expire(s *session) { a.sess.CompareAndSwap(s, nil) }

func (a *Client) loginOp() string {
	if a.cfg.validateUser {
		return opValidateUser
	}
	return opValidateClient
}

func (a *Client) loginLocked(ctx context.Context) (*session, error) {
	op := a.loginOp()
	ctx = a.callContext(ctx, op, false)
	if a.spec(op).Retry {
		// As the table says: another login only issues another token.
		ctx = httpx.WithIdempotent(ctx)
	}
	// The two logins' responses differ only in the result's name.
	var r struct {
		Result *vtsoap.TAuthenticate `xml:",any"`
	}
	body, err := a.encodeRequest(a.spec(op), "", args{"sUsername": a.creds.Username, "sPassword": a.creds.Password})
	if err == nil {
		_, err = a.roundTrip(ctx, op, body, &r)
	}
	auth := r.Result
	if err != nil {
		return nil, a.wrapErr(ctx, op, err)
	}
	if auth == nil {
		return nil, opErr(op, &DecodeError{Op: op, Record: op + "Result", Err: errMissingResult})
	}
	if auth.Status != StatusOK {
		return nil, a.statusErr(op, auth)
	}
	if auth.Token == "" {
		return nil, opErr(op, &DecodeError{Op: op, Record: op + "Result/Token", Err: errors.New("status 1 without a token")})
	}
	a.secrets.Add(auth.Token)
	a.masked = append(a.masked, auth.Token)
	if n := len(a.masked) - keepMasked; n > 0 {
		a.secrets.Remove(a.masked[:n]...)
		a.masked = slices.Delete(a.masked, 0, n)
	}
	s := &session{token: auth.Token, userID: auth.ID, identifier: auth.Identifier, tokenType: auth.TokenType, message: auth.StatusMessage}
	a.touch(s)
	a.sess.Store(s)
	a.log.LogAttrs(ctx, slog.LevelDebug, "vettrak login", slog.String("op", op),
		slog.String("identifier", auth.Identifier), slog.String("token_type", auth.TokenType))
	return s, nil
}

var errMissingResult = errors.New("the response has no result element")

// invoke runs one operation with a token: it logs in when needed, and on
// an expired token logs in once more and repeats the call. It returns the
// response and its body together with a *StatusError when VETtrak answered
// a status other than 1, so list callers can treat "no records" as empty.
// A write through an operation whose live contract differs from the
// SDK's is refused (see CheckContract).
func invoke[R any](ctx context.Context, a *Client, op string, in args, auth func(*R) *vtsoap.TAuthenticate) (*R, []byte, error) {
	spec := a.spec(op)
	if spec.Write {
		if err := a.writeAllowed(ctx, op); err != nil {
			return nil, nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		s, err := a.token(ctx)
		if err != nil {
			return nil, nil, &OperationError{Service: "vettrak", Operation: op, Err: fmt.Errorf("log in: %w", err)}
		}
		cctx := a.callContext(ctx, op, spec.Write)
		if spec.Retry {
			cctx = httpx.WithIdempotent(cctx)
		}
		body, err := a.encodeRequest(spec, s.token, in)
		if err != nil {
			return nil, nil, opErr(op, err)
		}
		resp := new(R)
		raw, err := a.roundTrip(cctx, op, body, resp)
		if err != nil {
			return nil, nil, a.wrapErr(cctx, op, err)
		}
		au := auth(resp)
		if au == nil {
			return nil, nil, opErr(op, &DecodeError{Op: op, Record: op + "Result/Auth", Err: errMissingResult})
		}
		if au.Status == StatusOK {
			a.touch(s)
			return resp, raw, nil
		}
		if attempt == 0 && tokenRejected(au) {
			a.log.LogAttrs(ctx, slog.LevelDebug, "vettrak token rejected; logging in again",
				slog.String("op", op), slog.Int("status", int(au.Status)))
			a.expire(s)
			continue
		}
		a.touch(s)
		return resp, raw, a.statusErr(op, au)
	}
}

// tokenRejected: Status -2 is the documented expiry. Some clients in the
// wild re-login on -1 too; we do so only when the message talks about the
// token, so a plain invalid-input answer is not repeated.
func tokenRejected(au *vtsoap.TAuthenticate) bool {
	if au.Status == StatusExpired {
		return true
	}
	return au.Status == StatusFailed && strings.Contains(strings.ToLower(au.StatusMessage), "token")
}

func (a *Client) statusErr(op string, au *vtsoap.TAuthenticate) error {
	return opErr(op, &StatusError{Op: op, Status: int(au.Status), Message: a.secrets.Excerpt(strings.TrimSpace(au.StatusMessage), 0)})
}

// wrapErr turns whatever the SOAP layer returned into one of our types,
// inside op's *OperationError.
func (a *Client) wrapErr(ctx context.Context, op string, err error) error {
	var (
		fe *FaultError
		he *HTTPError
		de *DecodeError
		ce *ContractError
	)
	if errors.As(err, &fe) || errors.As(err, &he) || errors.As(err, &de) || errors.As(err, &ce) {
		return opErr(op, err)
	}
	if ci := callFrom(ctx); ci != nil && ci.delivered.Load() && ctx.Err() == nil {
		return opErr(op, &DecodeError{Op: op, Err: errors.New(a.secrets.Excerpt(err.Error(), 0))})
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ctx.Err())) {
		return opErr(op, ctx.Err())
	}
	return opErr(op, redactedError{err, a.secrets})
}

// redactedError masks secrets in the message but keeps the chain for
// errors.Is/As.
type redactedError struct {
	err error
	s   *redact.Secrets
}

func (r redactedError) Error() string { return r.s.String(r.err.Error()) }
func (r redactedError) Unwrap() error { return r.err }

// API is the former name of Client.
//
// Deprecated: use Client. The learner record formerly named Client is Person.
type API = Client
