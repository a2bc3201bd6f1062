package canvastest

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// Fault is an injected failure. It applies to requests whose endpoint
// matches: Endpoint "" matches every request, a bare method ("POST")
// every request with that method, and "GET courses/{id}/enrollments" one
// route (the same keys Calls uses).
type Fault struct {
	Endpoint string
	// Times is how many matching requests fail; 0 means until
	// ClearFaults.
	Times int

	// Status answers with this status and Body (a Canvas-shaped JSON
	// error when Body is empty) instead of running the request.
	Status      int
	Body        string
	ContentType string
	// Throttle answers as throttled, in the server's throttle style (or
	// 403 when the throttle is off).
	Throttle bool
	// Drop closes the connection without an answer.
	Drop bool
	// MalformedJSON runs the request but cuts the JSON answer in half.
	MalformedJSON bool
	// Latency delays the answer.
	Latency time.Duration
	// AfterHandler applies Status, Throttle or Drop after the request has
	// changed the data: the answer is lost but the write happened.
	AfterHandler bool
}

type faultState struct {
	Fault
	left int
}

// InjectFault adds a fault; faults are tried in the order added.
func (s *Server) InjectFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f, left: f.Times})
	s.nFaults.Store(int32(len(s.faults)))
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
	s.nFaults.Store(0)
}

func (s *Server) matchFault(method, endpoint string) *Fault {
	if s.nFaults.Load() == 0 {
		return nil
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for _, f := range s.faults {
		if f.Times > 0 && f.left <= 0 {
			continue
		}
		e := f.Endpoint
		switch {
		case e == "":
		case !strings.Contains(e, " "):
			if !strings.EqualFold(e, method) {
				continue
			}
		case e != endpoint:
			continue
		}
		if f.Times > 0 {
			f.left--
		}
		c := f.Fault
		return &c
	}
	return nil
}

// preempts reports whether the fault replaces the answer.
func (f *Fault) preempts() bool { return f.Drop || f.Throttle || f.Status != 0 }

// answer sends the fault's answer (or drops the connection), calling
// logged just before.
func (f *Fault) answer(s *Server, w http.ResponseWriter, x *rctx, logged func()) {
	x.header = http.Header{}
	switch {
	case f.Drop:
		x.status = 0
		logged()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		// net/http turns this panic into an aborted response.
		panic(http.ErrAbortHandler)
	case f.Throttle:
		style := Throttle403
		if _, t := s.control(); t != nil {
			style = t.Style
		}
		writeThrottled(x, style)
	case f.Body != "":
		x.status = f.Status
		x.body.Reset()
		x.body.WriteString(f.Body)
		ct := f.ContentType
		if ct == "" {
			ct = "application/json; charset=utf-8"
		}
		x.header.Set("Content-Type", ct)
	case f.Status >= 500:
		s.mu.Lock()
		id := s.nextID()
		s.mu.Unlock()
		x.json(f.Status, map[string]any{"errors": []any{map[string]any{
			"message": "An error occurred.", "error_code": "internal_server_error"}}, "error_report_id": id})
	default:
		x.errorsMessage(f.Status, fmt.Sprintf("injected %d", f.Status))
	}
	logged()
	s.write(w, x)
}

// Calls returns how many requests each endpoint received, keyed like
// "GET courses/{id}/enrollments" (unrouted requests as "GET (unrouted)").
func (s *Server) Calls() map[string]int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return maps.Clone(s.counts)
}

// CallLog returns the most recent requests received (at most 10000),
// oldest first. Calls counts them all.
func (s *Server) CallLog() []Call {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Call, 0, len(s.calls))
	out = append(out, s.calls[s.logNext:]...)
	return append(out, s.calls[:s.logNext]...)
}

// ResetCalls clears the call log and counts.
func (s *Server) ResetCalls() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.calls, s.logNext = nil, 0
	s.counts = map[string]int{}
}
