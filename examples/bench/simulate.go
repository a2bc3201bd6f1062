package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"time"
)

// A simulated run (see TestSimulated in simulate_test.go) runs the whole
// benchmark inside a testing/synctest bubble: the Go time package there is
// one virtual clock that moves only when every goroutine waits. The fakes'
// latency timers and Canvas's leaky bucket (time.Now), the canvas client's
// pacing and rate limiter and the Syncer all read it, so a run the
// throttle holds for hours takes the CPU time its work needs, and the
// scenario's "seconds" are simulated seconds: latency and throttle waits
// exactly, computation as zero (real_seconds says how long it really
// took). No network: a bubble cannot wait on sockets durably, so each
// client reaches its fake through inProcess instead of a listener.

// inProcess is an http.RoundTripper that serves a request with a fake's
// handler in the caller's goroutine, as a listener would, without a
// socket.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := r.Clone(r.Context())
	sr.Host, sr.RequestURI, sr.RemoteAddr = r.URL.Host, r.URL.RequestURI(), "127.0.0.1:1"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sr)
	res := rec.Result()
	res.Request = r
	return res, nil
}

// Simulated hosts: nothing listens there; inProcess answers.
const (
	simCanvasURL  = "http://canvas.simulated"
	simVETtrakURL = "http://vettrak.simulated"
)

// realNow is the machine's clock, which a synctest bubble does not fake
// (it fakes the time package only): a simulated run's real duration.
func realNow() time.Time {
	var tv syscall.Timeval
	if err := syscall.Gettimeofday(&tv); err != nil {
		return time.Now()
	}
	return time.Unix(tv.Sec, tv.Usec*1000)
}

// simulateCommand is the command that reruns a simulated run with args.
func simulateCommand(args []string) string {
	return "go test ./examples/bench -run '^TestSimulated$' -count=1 -timeout 0 -args -simulate=" + shellQuote(shellJoin(args))
}

// shellJoin quotes args for a POSIX shell, so a printed command reruns
// exactly.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
