package moodletest

import (
	"fmt"
	"net/http"
	"time"
)

// Fault is an injected failure for requests to one function (Function ""
// matches every request).
type Fault struct {
	Function string
	// Times is how many matching requests fail; 0 means until
	// ClearFaults.
	Times int

	// Status answers with this HTTP status and Body instead of running
	// the call (Moodle itself only ever sends 200, or 403 when the
	// protocol is off; other statuses come from proxies and PHP crashes).
	Status int
	Body   string
	// Exception answers HTTP 200 with this errorcode in Moodle's
	// exception shape (class moodle_exception), e.g. "invalidtoken",
	// "sitemaintenance".
	Exception string
	// Drop closes the connection without an answer.
	Drop bool
	// MalformedJSON runs the call but cuts its JSON answer in half.
	MalformedJSON bool
	// Latency delays the answer.
	Latency time.Duration
	// AfterHandler runs the call first and then answers with the fault:
	// the write happened but the answer was lost.
	AfterHandler bool
}

type faultState struct {
	Fault
	left int
}

// InjectFault adds a fault; faults are tried in the order added.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f, left: f.Times})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) matchFault(fn string) *Fault {
	for _, f := range s.faults {
		if f.Times > 0 && f.left <= 0 {
			continue
		}
		if f.Function != "" && f.Function != fn {
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

func (f *Fault) preempts() bool { return f.Drop || f.Status != 0 || f.Exception != "" }

func (f *Fault) answer(w http.ResponseWriter) {
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f.Exception != "":
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"exception":%q,"errorcode":%q,"message":"injected %s"}`, clsMoodle, f.Exception, f.Exception)
	case f.Status != 0:
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("null"))
	}
}
