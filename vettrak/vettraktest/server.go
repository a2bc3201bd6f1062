package vettraktest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// Exchange is one request and the answer the fake sent, as bytes.
type Exchange struct {
	Request, Response []byte
}

// Path is where the fake serves VT_API.
const Path = "/VT_API.asmx"

// maxRequest caps request bodies.
const maxRequest = 8 << 20

// Server is a running fake VT_API. Create it with NewServer or
// NewTestServer; it is safe for concurrent use.
type Server struct {
	data    *Dataset
	clock   func() time.Time
	loc     *time.Location
	latency time.Duration
	ttl     time.Duration
	okEmpty bool
	hs      *httptest.Server

	// mu guards the fields below but calls, counts and last; readers hold
	// it shared. The dataset has its own RWMutex and the call log logMu,
	// so no lock is held across a request.
	mu          sync.RWMutex
	tokens      map[string]*tokenState
	rng         *rand.Rand
	unlicensed  map[string]bool
	faults      []*faultRule
	logMu       sync.Mutex // guards calls, counts and last
	calls       []Call
	counts      map[string]int
	url         string
	tokenPrefix string
	lenient     bool
	variant     *WSDLVariant
	doc         string         // the served WSDL, with the address placeholder
	contract    *wsdl.Contract // what the served WSDL declares
	ops         map[string]vettrak.OperationInfo
	handlers    map[string]operation
	last        map[string]Exchange // the last exchange per operation
}

type tokenState struct {
	user     *User
	lastUsed time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithDataset serves d (default: SeedWalkthrough()).
func WithDataset(d *Dataset) Option { return func(s *Server) { s.data = d } }

// WithClock replaces time.Now for token expiry and the dates writes
// record; see Clock.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// WithTimeZone sets the zone zoneless dateTimes are written and read in
// (default Australia/Sydney).
func WithTimeZone(loc *time.Location) Option { return func(s *Server) { s.loc = loc } }

// WithLatency delays every answer by d (for benchmarks and timeouts).
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithTokenTTL changes the sliding token lifetime (default 60 minutes).
func WithTokenTTL(d time.Duration) Option { return func(s *Server) { s.ttl = d } }

// WithUnlicensed switches operations off as a registration key lacking
// them would: they answer Status -5.
func WithUnlicensed(ops ...string) Option {
	return func(s *Server) {
		for _, op := range ops {
			s.unlicensed[op] = true
		}
	}
}

// WithLenient makes the fake behave as ASP.NET ASMX does (reference §7,
// standard XmlSerializer behaviour): elements an operation does not declare
// are ignored and a missing value-type parameter takes its default (0,
// false, DateTime.MinValue), so a request with a wrong parameter name
// succeeds with a default value. The default, strict mode answers a SOAP
// fault naming the element instead.
func WithLenient() Option { return func(s *Server) { s.lenient = true } }

// WithEmptyListsOK makes list operations answer Status 1 with no list
// element when nothing matches, instead of the default Status -4 ("no
// records"). VETtrak's choice is not documented; test both.
func WithEmptyListsOK() Option { return func(s *Server) { s.okEmpty = true } }

// WithTokenPrefix starts every issued token with p (tests use it to put
// chosen characters in tokens). Tokens always contain & < > ' and ".
func WithTokenPrefix(p string) Option { return func(s *Server) { s.tokenPrefix = p } }

// NewServer starts a fake on a local port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := newServer(opts...)
	s.hs = httptest.NewServer(s.Handler())
	s.url = s.hs.URL + Path
	return s
}

// NewTestServer starts a fake that closes itself when t ends.
func NewTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

func newServer(opts ...Option) *Server {
	s := &Server{
		clock:      time.Now,
		ttl:        vettrak.TokenIdleTimeout,
		tokens:     map[string]*tokenState{},
		unlicensed: map[string]bool{},
		counts:     map[string]int{},
		rng:        rand.New(rand.NewPCG(1, 2)),
		ops:        map[string]vettrak.OperationInfo{},
		handlers:   handlers(),
		last:       map[string]Exchange{},
	}
	for _, info := range vettrak.OperationTable() {
		s.ops[info.Name] = info
	}
	for _, o := range opts {
		o(s)
	}
	s.doc = wsdl.Document("")
	if s.variant != nil {
		s.doc = s.variant.apply(s.doc)
	}
	if c, err := wsdl.Parse([]byte(s.doc)); err == nil {
		s.contract = c
	} else {
		s.contract = wsdl.Embedded()
	}
	if s.data == nil {
		s.data = SeedWalkthrough()
	}
	if s.loc == nil {
		s.loc = sydney()
	}
	s.data.setClock(s.clock)
	return s
}

// URL is the VT_API.asmx endpoint to give vettrak.New; empty for a server
// made with Handler, which has no listener of its own.
func (s *Server) URL() string { return s.url }

// Credentials are the dataset's default API login.
func (s *Server) Credentials() vettrak.Credentials { return DefaultCredentials() }

// Data is the served dataset; change it while the server runs.
func (s *Server) Data() *Dataset { return s.data }

// Close shuts the server down.
func (s *Server) Close() {
	if s.hs != nil {
		s.hs.Close()
	}
}

// Handler serves the fake at Path (and ?WSDL), for mounting on your own
// listener, e.g. examples/fakeservers on a fixed port. Served without
// NewServer, the WSDL's address is built from the request's Host.
func Handler(opts ...Option) (*Server, http.Handler) {
	s := newServer(opts...)
	return s, s.Handler()
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// SetLicensed switches an operation on or off (Status -5) at run time.
func (s *Server) SetLicensed(op string, licensed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unlicensed[op] = !licensed
}

// ExpireTokens forgets every issued token: the next call with one gets
// Status -2, as after an hour of idleness.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.lastUsed = time.Time{}
	}
}

// Call is one request the fake received.
type Call struct {
	Op         string
	SOAPAction string
	At         time.Time // the server's clock
	HTTPStatus int
	Status     int    // VETtrak status in the answer; 0 when none
	Fault      string // the injected fault, if any
}

// Calls returns the call log.
func (s *Server) Calls() []Call {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return slices.Clone(s.calls)
}

// CallCount returns how many requests named op arrived ("" counts all).
func (s *Server) CallCount(op string) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if op == "" {
		return len(s.calls)
	}
	return s.counts[op]
}

// ResetCalls clears the call log.
func (s *Server) ResetCalls() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.calls, s.counts = nil, map[string]int{}
}

func (s *Server) logCall(c Call) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	const maxLog = 100000
	if len(s.calls) < maxLog {
		s.calls = append(s.calls, c)
	}
	s.counts[c.Op]++
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.URL.Path, Path) {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.serveGet(w, r)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/soap+xml") {
		http.Error(w, "vettraktest serves SOAP 1.1 only (text/xml)", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil {
		return
	}
	if len(body) > maxRequest {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	action := strings.Trim(r.Header.Get("SOAPAction"), `"`)
	req, err := parseRequest(body, s.loc)
	if err != nil {
		s.logCall(Call{Op: opFromAction(action), SOAPAction: action, At: s.clock(), HTTPStatus: 500})
		s.writeFault(w, "soap:Client", "Server was unable to read request. ---> There is an error in XML document. ---> "+err.Error())
		return
	}
	call := Call{Op: req.op, SOAPAction: action, At: s.clock()}
	// ASMX routes on SOAPAction when there is one; several public clients
	// send none and still get answers, so a missing one is tolerated.
	if action != "" && action != namespace+"/"+req.op {
		call.HTTPStatus = 500
		s.logCall(call)
		s.writeFault(w, "soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+action+".")
		return
	}
	op, known := s.handlers[req.op]
	decl := s.contract.Operations[req.op]
	if !known || decl == nil || s.variant.removed(req.op) {
		call.HTTPStatus = 500
		s.logCall(call)
		s.writeFault(w, "soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+namespace+"/"+req.op+".")
		return
	}
	if err := s.checkParams(req, decl); err != nil {
		call.HTTPStatus = 500
		s.logCall(call)
		s.writeFault(w, "soap:Client", "Server was unable to read request. ---> There is an error in XML document. ---> "+err.Error())
		return
	}
	s.variant.toSDKNames(req)
	if f := s.takeFault(req.op); f != nil {
		call.Fault = f.Kind.String()
		if done := s.applyFault(w, r, req, f, &call); done {
			s.logCall(call)
			return
		}
	}
	if s.latency > 0 && !sleep(r.Context(), s.latency) {
		return
	}
	res := s.dispatch(op, req)
	call.HTTPStatus, call.Status = 200, res.status
	s.logCall(call)
	out := s.variant.toServerNames(envelope(req.op, res.body))
	s.logMu.Lock()
	s.last[req.op] = Exchange{Request: body, Response: out}
	s.logMu.Unlock()
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// LastExchange returns the last request named op that the fake answered
// (not faults) and its answer, as bytes: tests validate both against the
// WSDL's schema and keep golden copies of the requests.
func (s *Server) LastExchange(op string) (Exchange, bool) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	e, ok := s.last[op]
	return e, ok
}

func opFromAction(action string) string {
	op, _ := strings.CutPrefix(action, namespace+"/")
	return op
}

func (s *Server) writeFault(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(faultEnvelope(code, msg))
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.RawQuery)
	if q == "wsdl" || strings.HasPrefix(q, "wsdl&") {
		endpoint := s.url
		if endpoint == "" {
			scheme := "http"
			if r.TLS != nil {
				scheme = "https"
			}
			endpoint = scheme + "://" + r.Host + Path
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = io.WriteString(w, wsdl.Address(s.doc, endpoint))
		return
	}
	var b bytes.Buffer
	b.WriteString("<html><head><title>VT_API (vettraktest)</title></head><body><h1>VT_API</h1><p>A fake VETtrak API. The following operations are supported. For a formal definition, please review the <a href=\"?WSDL\">Service Description</a>.</p><ul>")
	for _, op := range vettrak.Operations() {
		if !s.variant.removed(op) {
			fmt.Fprintf(&b, "<li>%s</li>", op)
		}
	}
	b.WriteString("</ul></body></html>")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// newToken issues a token like VETtrak's: 20 printable characters that
// always include & < > ' and ".
func (s *Server) newToken(u *User) string {
	const chars = `!"#$%&'()*+,-./0123456789:;<=>?`
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		b := []byte(s.tokenPrefix)
		special := []byte(`&<>'"`)
		for len(b) < len(s.tokenPrefix)+15 {
			b = append(b, chars[s.rng.IntN(len(chars))])
		}
		for _, c := range special {
			i := len(s.tokenPrefix) + s.rng.IntN(len(b)-len(s.tokenPrefix)+1)
			b = slices.Insert(b, i, c)
		}
		tok := string(b)
		if _, dup := s.tokens[tok]; !dup {
			s.tokens[tok] = &tokenState{user: u, lastUsed: s.clock()}
			return tok
		}
	}
}

// authorise checks a token: Status 1 with its user, -2 when idle for the
// TTL (the token is then forgotten), -1 when unknown.
func (s *Server) authorise(token string) (*User, int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[token]
	if t == nil {
		return nil, vettrak.StatusFailed, "Invalid Token."
	}
	now := s.clock()
	if now.Sub(t.lastUsed) >= s.ttl {
		delete(s.tokens, token)
		return nil, vettrak.StatusExpired, "Supplied token has expired."
	}
	t.lastUsed = now
	return t.user, vettrak.StatusOK, ""
}

func (s *Server) licensed(op string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.unlicensed[op]
}

// expireToken makes one token stale (fault injection).
func (s *Server) expireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[token]; t != nil {
		t.lastUsed = time.Time{}
	}
}

// IssuedTokens returns the tokens currently known to the server (tests use
// it to check that no token leaks into logs or errors).
func (s *Server) IssuedTokens() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Clock is a settable clock for WithClock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
