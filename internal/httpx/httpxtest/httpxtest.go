// Package httpxtest has servers that misbehave on the wire, for tests of
// what the transport does about them, and the checks those tests share.
package httpxtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Behaviour is how the server treats one request.
type Behaviour int

const (
	// Answer sends a 200 with the whole body.
	Answer Behaviour = iota
	// StallAfterHeaders sends a 200, headers promising more than the body,
	// and the body, then stalls.
	StallAfterHeaders
	// StallBeforeHeaders sends nothing and stalls.
	StallBeforeHeaders
)

// Server answers the n-th request (from 1) as plan(n) says, sending body.
// A stalled handler returns when the client goes away or the test ends.
// It returns the server and its request count.
func Server(t testing.TB, plan func(n int64) Behaviour, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch plan(n.Add(1)) {
		case Answer:
			_, _ = io.WriteString(w, body)
			return
		case StallAfterHeaders:
			w.Header().Set("Content-Length", strconv.Itoa(len(body)+1000))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, body)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees stalled handlers
	return srv, &n
}

// Always is a plan that treats every request the same way.
func Always(b Behaviour) func(int64) Behaviour { return func(int64) Behaviour { return b } }

// Within runs f and fails the test if f has not returned by the test's own
// generous bound. It asserts nothing about speed, only that f does not hang.
func Within(t testing.TB, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the call hung")
		return nil
	}
}

// AssertTimeout checks that err reports a deadline: it matches
// context.DeadlineExceeded and is a net.Error whose Timeout is true.
func AssertTimeout(t testing.TB, err error) bool {
	t.Helper()
	require.Error(t, err)
	var ne net.Error
	return assert.ErrorIs(t, err, context.DeadlineExceeded) &&
		assert.ErrorAs(t, err, &ne) && assert.True(t, ne.Timeout(), "net.Error.Timeout")
}
