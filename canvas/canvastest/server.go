package canvastest

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a fake Canvas instance. Create it with NewServer (which starts
// an httptest server) or New (handler only, for serving on a port of your
// choice). All methods are safe for concurrent use.
type Server struct {
	ts *httptest.Server

	opts options

	// mu guards the records, tokens and IDs below. Read-only routes hold
	// it shared, so concurrent listings do not queue behind one another;
	// writes hold it alone. The throttle, the fault rules and the call log
	// have locks of their own, held only for their own small updates, so
	// no lock is held across a request.
	mu    sync.RWMutex
	clock func() time.Time
	next  int64

	tokens     map[string]*token
	adminToken string
	adminUser  int64

	accounts    map[int64]*Account
	terms       map[int64]*Term
	courses     map[int64]*Course
	sections    map[int64]*Section
	users       map[int64]*User
	enrollments map[int64]*Enrollment
	// enrollBy indexes enrollments by user, section and type, in ID order,
	// so an enrollment POST finds the one to re-use without scanning (and
	// sorting) every enrollment: a quadratic fake would swamp benchmarks.
	enrollBy    map[enrollKey][]*Enrollment
	categories  map[int64]*GroupCategory
	groups      map[int64]*Group
	memberships map[int64]*Membership
	assignments map[int64]*Assignment
	submissions map[int64]*Submission
	progress    map[[2]int64]*CourseProgress
	imports     map[int64]*sisImport
	diffSets    map[string]map[string]map[string]string // identifier → file → row key → row text

	routesOnce sync.Once
	table      []route

	// ctlMu guards opts.latency and opts.throttle, which SetLatency and
	// SetThrottle change while requests run.
	ctlMu sync.RWMutex
	// bucketMu guards buckets: one increment at a time, as Canvas's
	// increment_bucket.lua runs atomically in Redis.
	bucketMu sync.Mutex
	buckets  map[string]*bucket
	// faultMu guards faults; nFaults lets a request skip it when none are
	// injected.
	faultMu sync.Mutex
	faults  []*faultState
	nFaults atomic.Int32
	logMu   sync.Mutex // guards calls, logNext and counts
	calls   []Call
	// logNext is where the next call goes once calls holds logSize.
	logNext int
	logSize int
	counts  map[string]int
}

type token struct {
	value     string
	manageSIS bool
	expired   bool
	revoked   bool
}

// RootAccountID is the ID of the fake's root account.
const RootAccountID int64 = 1

// ThrottleStyle chooses how a throttled request is answered.
type ThrottleStyle int

const (
	// Throttle403 answers 403 with text/plain "403 Forbidden (Rate Limit
	// Exceeded)", as self-hosted Canvas does.
	Throttle403 ThrottleStyle = iota
	// Throttle429 answers 429 "429 Too Many Requests (Rate Limit
	// Exceeded)", as hosted Canvas does since October 2025.
	Throttle429
)

// Throttle configures the per-token leaky bucket of
// app/middleware/request_throttle.rb. Canvas's open-source defaults are
// HighWater 600, Maximum 800, Outflow 10/s, UpFront 50; hosted Canvas
// reports a high-water mark of 700. A request adds UpFront when it
// arrives and is refused when the bucket then holds HighWater or more;
// when it ends, Cost replaces its UpFront. The bucket drains at Outflow
// per second and never holds more than Maximum. X-Rate-Limit-Remaining is
// HighWater minus the bucket level, so refusals begin while it still shows
// about UpFront, not 0.
type Throttle struct {
	HighWater float64
	// Maximum caps the bucket; zero means HighWater + 200, the gap
	// between Canvas's default maximum and high water.
	Maximum float64
	Outflow float64
	UpFront float64
	// Cost is what each request costs once finished (Canvas charges CPU
	// and database time; the fake charges a constant).
	Cost  float64
	Style ThrottleStyle
}

func (t Throttle) maximum() float64 {
	if t.Maximum > 0 {
		return t.Maximum
	}
	return t.HighWater + 200
}

// CanvasThrottle returns hosted Canvas's published numbers (high water
// 700, Canvas's default maximum 800) with a cost of 1 per request.
func CanvasThrottle() Throttle {
	return Throttle{HighWater: 700, Maximum: 800, Outflow: 10, UpFront: 50, Cost: 1}
}

type options struct {
	perPageDefault int
	perPageMax     int
	throttle       *Throttle
	latency        time.Duration
	lowerLink      bool
	clock          func() time.Time
	stringIDs      bool
	sisPolls       int
	authErrors     bool
	strict         bool
}

// Option configures a Server.
type Option func(*options)

// WithThrottle turns on the leaky-bucket throttle (off by default).
func WithThrottle(t Throttle) Option { return func(o *options) { o.throttle = &t } }

// WithLatency delays every answer by d, to model a real network in
// benchmarks.
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = d } }

// WithPerPage sets the default page size (Canvas: 10) and the cap on
// per_page (Canvas: 100).
func WithPerPage(def, max int) Option {
	return func(o *options) {
		if def > 0 {
			o.perPageDefault = def
		}
		if max > 0 {
			o.perPageMax = max
		}
	}
}

// WithLowercaseLinkHeader sends the pagination header as "link", as HTTP/2
// servers do.
func WithLowercaseLinkHeader() Option { return func(o *options) { o.lowerLink = true } }

// WithClock sets the clock used for timestamps (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithStringIDs makes the fake send every ID as a JSON string, as Canvas
// does for Accept: application/json+canvas-string-ids.
func WithStringIDs() Option { return func(o *options) { o.stringIDs = true } }

// WithSISImportPolls sets how many polls a SIS import stays "importing"
// before it is processed (default 1).
func WithSISImportPolls(n int) Option { return func(o *options) { o.sisPolls = max(n, 0) } }

// WithAuthErrorUpdates answers "authenticated but not permitted" with 403
// instead of 401, as Canvas does where the api_auth_error_updates feature
// flag is on (lib/authentication_methods.rb#render_json_unauthorized).
func WithAuthErrorUpdates() Option { return func(o *options) { o.authErrors = true } }

// NewServer starts a fake Canvas on a local port. Close it when done.
func NewServer(opts ...Option) *Server {
	s := New(opts...)
	s.ts = httptest.NewServer(s.Handler())
	return s
}

// New returns a fake Canvas that is not listening; serve Handler yourself
// (examples/fakeservers serves it on a fixed port).
func New(opts ...Option) *Server {
	o := options{perPageDefault: 10, perPageMax: 100, clock: time.Now, sisPolls: 1}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	s := &Server{
		opts:        o,
		clock:       o.clock,
		next:        100,
		tokens:      map[string]*token{},
		accounts:    map[int64]*Account{},
		terms:       map[int64]*Term{},
		courses:     map[int64]*Course{},
		sections:    map[int64]*Section{},
		users:       map[int64]*User{},
		enrollments: map[int64]*Enrollment{},
		enrollBy:    map[enrollKey][]*Enrollment{},
		categories:  map[int64]*GroupCategory{},
		groups:      map[int64]*Group{},
		memberships: map[int64]*Membership{},
		assignments: map[int64]*Assignment{},
		submissions: map[int64]*Submission{},
		progress:    map[[2]int64]*CourseProgress{},
		imports:     map[int64]*sisImport{},
		diffSets:    map[string]map[string]map[string]string{},
		buckets:     map[string]*bucket{},
		counts:      map[string]int{},
		logSize:     callLogSize,
	}
	s.accounts[RootAccountID] = &Account{ID: RootAccountID, Name: "Default Account"}
	s.adminToken = s.NewToken(true)
	s.adminUser = s.nextID()
	return s
}

// URL returns the server's root URL (give it to canvas.New). Empty for a
// server made with New.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close stops a server started by NewServer.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler returns the HTTP handler that implements the fake API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// AdminToken returns a token with account-admin rights including
// manage_sis.
func (s *Server) AdminToken() string { return s.adminToken }

// NewToken returns a new admin token; without manageSIS, SIS fields are
// dropped from answers and ignored (or refused) on writes, as Canvas does.
func (s *Server) NewToken(manageSIS bool) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	v := "fake~" + hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens[v] = &token{value: v, manageSIS: manageSIS}
	s.mu.Unlock()
	return v
}

// ExpireToken makes a token answer 401 "Expired access token.".
func (s *Server) ExpireToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[tok]; t != nil {
		t.expired = true
	}
}

// RevokeToken makes a token answer 401 "Revoked access token.".
func (s *Server) RevokeToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[tok]; t != nil {
		t.revoked = true
	}
}

// SetLatency changes the per-call latency while the server runs.
func (s *Server) SetLatency(d time.Duration) {
	s.ctlMu.Lock()
	s.opts.latency = d
	s.ctlMu.Unlock()
}

// SetThrottle turns the throttle on (t != nil) or off while the server
// runs; buckets start empty.
func (s *Server) SetThrottle(t *Throttle) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	if t != nil {
		c := *t
		t = &c
	}
	s.opts.throttle = t
	s.bucketMu.Lock()
	s.buckets = map[string]*bucket{}
	s.bucketMu.Unlock()
}

// control returns the latency and throttle in force.
func (s *Server) control() (time.Duration, *Throttle) {
	s.ctlMu.RLock()
	defer s.ctlMu.RUnlock()
	return s.opts.latency, s.opts.throttle
}

func (s *Server) nextID() int64 {
	s.next++
	return s.next
}

func (s *Server) now() time.Time { return s.clock().UTC().Truncate(time.Second) }

// rctx is one request being handled. Handlers write into it; the pipeline
// sends it, so headers such as X-Rate-Limit-Remaining can be added after
// the handler ran.
type rctx struct {
	s      *Server
	r      *http.Request
	tok    *token
	params []string
	form   url.Values
	// raw is a non-form request body (or a multipart attachment).
	raw     []byte
	rawType string
	rawName string

	status int
	header http.Header
	body   bytes.Buffer
}

func (x *rctx) json(status int, v any) {
	x.status = status
	x.header.Set("Content-Type", "application/json; charset=utf-8")
	x.body.Reset()
	enc := json.NewEncoder(&x.body)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// notFound is Canvas's answer for a missing record or an unknown SIS ID.
func (x *rctx) notFound() {
	x.json(http.StatusNotFound, map[string]any{"errors": []any{map[string]any{"message": "The specified resource does not exist."}}})
}

func (x *rctx) errorsMessage(status int, msg string) {
	x.json(status, map[string]any{"errors": []any{map[string]any{"message": msg}}})
}

// unauthorized is Canvas's answer to a permitted token asking for what its
// user may not do: 401, or 403 with WithAuthErrorUpdates
// (lib/authentication_methods.rb#render_json_unauthorized).
func (x *rctx) unauthorized() {
	status := http.StatusUnauthorized
	if x.s.opts.authErrors {
		status = http.StatusForbidden
	}
	x.json(status, map[string]any{"status": "unauthorized",
		"errors": []any{map[string]any{"message": "user not authorized to perform that action"}}})
}

// message is the {"message": "..."} shape (enrollments, sections, course
// delete).
func (x *rctx) message(status int, msg string) { x.json(status, map[string]any{"message": msg}) }

// errorString is the {"error": "..."} shape (submissions, reactivate).
func (x *rctx) errorString(status int, msg string) { x.json(status, map[string]any{"error": msg}) }

// validation is a model validation error:
// {"errors":{attr:[{"attribute":attr,"type":typ,"message":msg}]}}.
func (x *rctx) validation(attr, typ, msg string) {
	x.json(http.StatusBadRequest, map[string]any{"errors": map[string]any{
		attr: []any{map[string]any{"attribute": attr, "type": typ, "message": msg}},
	}})
}

func (x *rctx) manageSIS() bool { return x.tok != nil && x.tok.manageSIS }

// param reads a form or query parameter.
func (x *rctx) param(k string) string { return x.form.Get(k) }

func (x *rctx) has(k string) bool { _, ok := x.form[k]; return ok }

// list reads an array parameter ("include[]").
func (x *rctx) list(k string) []string { return x.form[k+"[]"] }

func (x *rctx) includes(v string) bool {
	for _, s := range x.list("include") {
		if s == v {
			return true
		}
	}
	return false
}

func (x *rctx) boolParam(k string) (val, ok bool) {
	v, present := x.form[k]
	if !present || len(v) == 0 {
		return false, false
	}
	switch strings.ToLower(v[0]) {
	case "true", "1", "yes", "on":
		return true, true
	}
	return false, true
}

// enrollKey is what identifies an enrollment Canvas re-uses on a POST.
type enrollKey struct {
	user, section int64
	typ           string
}

// putEnrollment stores a new enrollment and indexes it.
func (s *Server) putEnrollment(e *Enrollment) {
	s.enrollments[e.ID] = e
	k := enrollKey{e.UserID, e.SectionID, e.Type}
	list := append(s.enrollBy[k], e)
	slices.SortFunc(list, func(a, b *Enrollment) int { return cmp.Compare(a.ID, b.ID) })
	s.enrollBy[k] = list
}

// findEnrollment returns the lowest-ID enrollment of user in section with
// type typ for which ok holds, or nil.
func (s *Server) findEnrollment(user, section int64, typ string, ok func(*Enrollment) bool) *Enrollment {
	for _, e := range s.enrollBy[enrollKey{user, section, typ}] {
		if ok == nil || ok(e) {
			return e
		}
	}
	return nil
}
