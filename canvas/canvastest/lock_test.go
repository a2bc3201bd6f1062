package canvastest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A listing runs while another reader holds the records (the server's
// lock is shared by readers), and the throttle and the call log do not
// wait for it: no lock is held across a request. With one lock per
// request, each request below would wait for the reader to finish and
// the test would hang until its deadline.
func TestReadsDoNotQueueBehindAReader(t *testing.T) {
	tests := []struct {
		name, method, path string
		throttle           bool
		want               int
	}{
		{"account courses", http.MethodGet, "/api/v1/accounts/1/courses", false, http.StatusOK},
		{"account users, throttle on", http.MethodGet, "/api/v1/accounts/1/users", true, http.StatusOK},
		{"a course", http.MethodGet, "/api/v1/courses/sis_course_id:NONE", true, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []Option
			if tt.throttle {
				opts = append(opts, WithThrottle(CanvasThrottle()))
			}
			s := New(opts...)
			s.mu.RLock() // another request reading the records
			defer s.mu.RUnlock()
			req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+s.adminToken)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			assert.NotEmpty(t, rec.Header().Get("X-Request-Cost"))
			s.logMu.Lock()
			n := len(s.calls)
			s.logMu.Unlock()
			assert.Equal(t, 1, n, "the call is logged")
		})
	}
}
