package vettraktest

import (
	"net/http"
	"time"
)

// FaultKind is a failure the fake can inject.
type FaultKind int

// Fault kinds.
const (
	// FaultHTTP500 answers 500 with a plain-text body (no SOAP fault).
	FaultHTTP500 FaultKind = iota + 1
	// FaultHTTP503 answers 503 Service Unavailable with Retry-After: 0.
	FaultHTTP503
	// FaultHTTP429 answers 429 Too Many Requests with Retry-After: 0.
	FaultHTTP429
	// FaultSOAP answers a SOAP fault (soap:Server) with HTTP 500.
	FaultSOAP
	// FaultDrop closes the connection without an answer.
	FaultDrop
	// FaultMalformed answers 200 with a truncated, malformed envelope.
	FaultMalformed
	// FaultExpireToken makes the caller's token stale before the call is
	// processed, so it gets Status -2.
	FaultExpireToken
	// FaultLatency delays the answer by Fault.Latency, then answers
	// normally.
	FaultLatency
)

func (k FaultKind) String() string {
	switch k {
	case FaultHTTP500:
		return "http500"
	case FaultHTTP503:
		return "http503"
	case FaultHTTP429:
		return "http429"
	case FaultSOAP:
		return "soapfault"
	case FaultDrop:
		return "drop"
	case FaultMalformed:
		return "malformed"
	case FaultExpireToken:
		return "expiretoken"
	case FaultLatency:
		return "latency"
	}
	return "unknown"
}

// Fault is an injected failure.
type Fault struct {
	Kind FaultKind
	// Times is how many calls it affects; 0 means every call until
	// ClearFaults.
	Times int
	// Latency for FaultLatency.
	Latency time.Duration
	// Message for FaultSOAP (default "Server was unable to process request.").
	Message string
}

type faultRule struct {
	op   string // "" any operation
	f    Fault
	left int
}

// InjectFault makes the next calls to op ("" for any operation) fail as f
// says. Rules apply in the order injected; the first that matches wins.
func (s *Server) InjectFault(op string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{op: op, f: f, left: f.Times})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.faults {
		if r.op != "" && r.op != op {
			continue
		}
		f := r.f
		if r.f.Times > 0 {
			r.left--
			if r.left <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// applyFault acts out f; done reports that the answer has been written.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, req *request, f *Fault, call *Call) (done bool) {
	switch f.Kind {
	case FaultHTTP500:
		call.HTTPStatus = 500
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	case FaultHTTP503:
		call.HTTPStatus = 503
		w.Header().Set("Retry-After", "0")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case FaultHTTP429:
		call.HTTPStatus = 429
		w.Header().Set("Retry-After", "0")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case FaultSOAP:
		call.HTTPStatus = 500
		msg := f.Message
		if msg == "" {
			msg = "Server was unable to process request. ---> Object reference not set to an instance of an object."
		}
		s.writeFault(w, "soap:Server", msg)
	case FaultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	case FaultMalformed:
		call.HTTPStatus = 200
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><` + req.op + `Response xmlns="` + namespace + `"><` + req.op + `Result><Auth><Status>1</Sta`))
	case FaultExpireToken:
		if name := s.tokenParam(req.op); req.has(name) {
			s.expireToken(req.str(name))
		}
		return false
	case FaultLatency:
		if !sleep(r.Context(), f.Latency) {
			return true
		}
		return false
	default:
		return false
	}
	return true
}
