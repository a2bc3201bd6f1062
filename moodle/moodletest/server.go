package moodletest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// Server is a fake Moodle site serving the REST web service protocol at
// /webservice/rest/server.php. Create it with NewServer (which starts an
// httptest server) or New (the handler alone). All methods are safe for
// concurrent use.
type Server struct {
	ts *httptest.Server

	mu    sync.Mutex // guards everything below
	opts  options
	clock func() time.Time
	next  int64

	tokens     map[string]*Token
	adminToken string

	courses    map[int64]*Course
	categories map[int64]string
	users      map[int64]*User
	roles      map[int64]Role
	enrolments map[ucKey]*enrolment
	// roleAssign holds the role IDs a user has in a course context.
	roleAssign map[ucKey]map[int64]bool
	groups     map[int64]*Group
	groupings  map[int64]*Grouping
	// lastCourseAccess is user_lastaccess.
	lastCourseAccess map[ucKey]int64

	gradeItems  map[int64]*GradeItem
	grades      map[[2]int64]*Grade // item, user
	totals      map[ucKey]float64   // overridden course totals
	letters     map[int64][]Letter
	assignments map[int64]*Assignment
	submissions map[[2]int64]*Submission // assignment, user
	criteria    map[int64][]Criterion
	// critDone is when a user completed each criterion (index) of a course.
	critDone map[ucKey]map[int]int64
	// completed is course_completions.timecompleted, set by
	// AggregateCompletions (Moodle's cron).
	completed map[ucKey]int64

	faults []*faultState
	calls  []Call
	counts map[string]int
}

// Token is a web service token. A token is bound to one service: when
// Functions is not nil it lists the only functions the token may call
// (webservice_base_server::load_function_info); others fail with
// accessexception.
//
// Every token belongs to the site administrator, who passes every
// capability check (has_capability() for admins); the fake does not model
// other users' capabilities.
type Token struct {
	Value     string
	Functions []string
	// Expired tokens fail with accessexception, as one past validuntil.
	Expired bool
}

type options struct {
	debug           bool
	showLetterGrade bool
	showRange       bool
	protocolOff     bool
}

// Option configures a Server.
type Option func(*options)

// WithDebugging includes "debuginfo" in exceptions, as a site with
// debugging on does. Off by default, as on a production site, where the
// reason for an invalidparameter is hidden.
func WithDebugging() Option { return func(o *options) { o.debug = true } }

// WithLetterGrades turns on the user report's letter grade column
// (grade_report_user_showlettergrade, 0 in a fresh install's config), so
// gradereport_user_get_grade_items returns lettergradeformatted.
func WithLetterGrades() Option { return func(o *options) { o.showLetterGrade = true } }

// WithoutRange turns off the user report's range column
// (grade_report_user_showrange, 1 in a fresh install's config): no
// grademin, grademax or rangeformatted.
func WithoutRange() Option { return func(o *options) { o.showRange = false } }

// WithProtocolDisabled answers every request as a site with web services
// or the REST protocol off: 403 with an empty body
// (webservice/rest/server.php).
func WithProtocolDisabled() Option { return func(o *options) { o.protocolOff = true } }

// New returns a fake Moodle handler. Serve it yourself, or use NewServer.
func New(opts ...Option) *Server {
	s := &Server{
		clock:            time.Now,
		next:             100,
		tokens:           map[string]*Token{},
		courses:          map[int64]*Course{},
		categories:       map[int64]string{1: "Category 1"},
		users:            map[int64]*User{},
		roles:            standardRoles(),
		enrolments:       map[ucKey]*enrolment{},
		roleAssign:       map[ucKey]map[int64]bool{},
		groups:           map[int64]*Group{},
		groupings:        map[int64]*Grouping{},
		lastCourseAccess: map[ucKey]int64{},
		gradeItems:       map[int64]*GradeItem{},
		grades:           map[[2]int64]*Grade{},
		totals:           map[ucKey]float64{},
		letters:          map[int64][]Letter{},
		assignments:      map[int64]*Assignment{},
		submissions:      map[[2]int64]*Submission{},
		criteria:         map[int64][]Criterion{},
		critDone:         map[ucKey]map[int]int64{},
		completed:        map[ucKey]int64{},
		counts:           map[string]int{},
		opts:             options{showRange: true},
	}
	for _, o := range opts {
		if o != nil {
			o(&s.opts)
		}
	}
	// The front page course (SITEID) and the site administrator, who
	// owns the admin token and passes every capability check.
	s.courses[1] = &Course{ID: 1, FullName: "Fake Moodle", ShortName: "fake", Format: "site", Visible: 1, CategoryID: 0}
	s.users[2] = &User{ID: 2, Username: "admin", FirstName: "Admin", LastName: "User", Email: "admin@example.com", Auth: "manual", Timezone: "99"}
	s.adminToken = randomToken()
	s.tokens[s.adminToken] = &Token{Value: s.adminToken}
	return s
}

// NewServer starts a fake Moodle on a loopback port.
func NewServer(opts ...Option) *Server {
	s := New(opts...)
	s.ts = httptest.NewServer(s)
	return s
}

// URL is the site's wwwroot (only for a server started by NewServer).
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

// AdminToken is a token of the site administrator for a service with
// every function.
func (s *Server) AdminToken() string { return s.adminToken }

// AddToken adds a token; an empty Value gets a random one. It returns the
// token's value.
func (s *Server) AddToken(t Token) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Value == "" {
		t.Value = randomToken()
	}
	s.tokens[t.Value] = &t
	return t.Value
}

// SetClock sets the fake's "now".
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// tokens are 32 lowercase hex characters (util::generate_token).
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) nextID() int64 {
	s.next++
	return s.next
}

func (s *Server) now() int64 { return s.clock().Unix() }

// Call is one request the server received.
type Call struct {
	Function string
	// Params are the function's parameters (token removed).
	Params url.Values
	// Error is the errorcode answered, if any.
	Error string
}

// handler runs a function on validated parameters and returns its JSON
// value (nil for Moodle's null).
type handler struct {
	params spec
	run    func(s *Server, tok *Token, p map[string]any) (any, *apiError)
	// write marks functions whose failure must leave nothing behind: the
	// fake snapshots nothing, so handlers validate the whole batch before
	// changing anything, as Moodle's one transaction per call does.
	write bool
}

// ServeHTTP answers one REST request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/webservice/rest/server.php" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	form := r.Form // $_GET merged with $_POST, POST winning (parse_request)
	fn := form.Get("wsfunction")
	logged := url.Values{}
	for k, v := range form {
		switch k {
		case "wstoken", "wsfunction", "moodlewsrestformat":
		default:
			logged[k] = v
		}
	}

	s.mu.Lock()
	if s.opts.protocolOff {
		s.record(fn, logged, "")
		s.mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
		return
	}
	fault := s.matchFault(fn)
	s.mu.Unlock()
	if fault != nil && fault.Latency > 0 {
		select {
		case <-time.After(fault.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if fault != nil && !fault.AfterHandler && fault.preempts() {
		s.mu.Lock()
		s.record(fn, logged, "fault")
		s.mu.Unlock()
		fault.answer(w)
		return
	}

	s.mu.Lock()
	body, code := s.dispatch(fn, form)
	s.record(fn, logged, code)
	s.mu.Unlock()

	if fault != nil && fault.AfterHandler {
		fault.answer(w)
		return
	}
	if form.Get("moodlewsrestformat") != "json" {
		// Moodle answers XML unless told json; this fake speaks only
		// JSON and says so rather than guess at the XML.
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n" +
			`<EXCEPTION class="moodletest"><MESSAGE>moodletest serves moodlewsrestformat=json only</MESSAGE></EXCEPTION>` + "\n"))
		return
	}
	if fault != nil && fault.MalformedJSON {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, must-revalidate, pre-check=0, post-check=0, max-age=0")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(body)
}

// dispatch follows webservice_base_server::run(): token, then function,
// then parameters, then the call itself.
func (s *Server) dispatch(fn string, form url.Values) ([]byte, string) {
	tok, ok := s.tokens[form.Get("wstoken")]
	if !ok {
		return s.encodeError(moodleError("invalidtoken", "Invalid token - token not found"))
	}
	if tok.Expired {
		return s.encodeError(accessException("Invalid token - token expired - check validuntil time for the token"))
	}
	if fn == "" {
		return s.encodeError(invalidParameter("Missing function name"))
	}
	h, ok := functions()[fn]
	if !ok {
		return s.encodeError(missingRecord("external_functions"))
	}
	if tok.Functions != nil && !containsString(tok.Functions, fn) {
		return s.encodeError(accessException("Access to the function " + fn + "() is not allowed."))
	}
	params := map[string][]string{}
	for k, v := range form {
		switch k {
		case "wstoken", "wsfunction", "moodlewsrestformat", "moodlewssettingraw", "moodlewssettingfileurl",
			"moodlewssettingfilter", "moodlewssettinglang", "moodlewssettingtimezone":
			continue
		}
		params[k] = v
	}
	tree, err := parseForm(params)
	if err != nil {
		return s.encodeError(invalidParameter(err.Error()))
	}
	p, aerr := validate(h.params, tree)
	if aerr != nil {
		return s.encodeError(aerr)
	}
	out, aerr := h.run(s, tok, p.(map[string]any))
	if aerr != nil {
		return s.encodeError(aerr)
	}
	if form.Get("moodlewssettingraw") != "1" {
		out = formatStrings(out)
	}
	b, jerr := json.Marshal(out)
	if jerr != nil {
		return s.encodeError(&apiError{class: clsMoodle, code: "invalidresponse", message: "Invalid response value detected"})
	}
	return b, ""
}

func (s *Server) encodeError(e *apiError) ([]byte, string) {
	m := map[string]any{"exception": e.class, "errorcode": e.code, "message": e.message}
	if s.opts.debug && e.debug != "" {
		m["debuginfo"] = e.debug
	}
	b, _ := json.Marshal(m)
	return b, e.code
}

func (s *Server) record(fn string, p url.Values, code string) {
	if len(s.calls) < 100000 {
		s.calls = append(s.calls, Call{Function: fn, Params: p, Error: code})
	}
	s.counts[fn]++
}

// Calls returns how many requests each function received.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// CallLog returns the requests received, oldest first (at most 100000).
func (s *Server) CallLog() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ResetCalls clears the call log and counts.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.counts = map[string]int{}
}

// formatted marks strings that pass through format_string() in Moodle's
// output (course and group names), which the fake escapes unless the
// caller sent moodlewssettingraw=1.
type formatted string

// formatStrings applies a simplified format_string(): "&", "<" and ">"
// escaped (Moodle also strips tags and keeps existing entities;
// UNCONFIRMED beyond escaping).
func formatStrings(v any) any {
	switch x := v.(type) {
	case formatted:
		var b bytes.Buffer
		for _, r := range string(x) {
			switch r {
			case '&':
				b.WriteString("&amp;")
			case '<':
				b.WriteString("&lt;")
			case '>':
				b.WriteString("&gt;")
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	case map[string]any:
		for k, e := range x {
			x[k] = formatStrings(e)
		}
	case []any:
		for i, e := range x {
			x[i] = formatStrings(e)
		}
	}
	return v
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
