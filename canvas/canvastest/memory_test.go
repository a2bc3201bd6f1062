package canvastest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends a form to the fake's handler in process.
func post(t *testing.T, s *Server, path string, form url.Values) int {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+s.adminToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// The call log keeps the most recent calls in full, oldest first; the
// counts keep every call. It used to keep the first 100000, a large
// sync's worth of encoded parameters alive for the whole run.
func TestCallLogKeepsTheMostRecent(t *testing.T) {
	s := New()
	s.logSize = 3
	for i := range 5 {
		post(t, s, fmt.Sprintf("/api/v1/accounts/self/users?n=%d", i), url.Values{})
	}
	var queries []string
	for _, c := range s.CallLog() {
		queries = append(queries, c.Query)
	}
	assert.Equal(t, []string{"n=2", "n=3", "n=4"}, queries)
	assert.Equal(t, 5, s.Calls()["POST accounts/{id}/users"])
	s.ResetCalls()
	assert.Empty(t, s.CallLog())
	post(t, s, "/api/v1/accounts/self/users?n=9", url.Values{})
	require.Len(t, s.CallLog(), 1)
	assert.Equal(t, "n=9", s.CallLog()[0].Query)
}

// The fake keeps the values it was sent, not the requests they came in:
// a parsed value that needed no unescaping is a slice of the whole body,
// and keeping one kept the body alive beside the call log's own encoded
// copy of the parameters. Measured: a call with a padded body used to keep
// about twice the padding; now once (in the log) and nothing once the
// log is reset.
func TestTheFakeDoesNotKeepRequestBodies(t *testing.T) {
	s := New()
	course := s.SeedCourse(Course{Name: "C", SISCourseID: "C1", WorkflowState: "available"})
	const n, pad = 200, 16 << 10
	users := make([]int64, n)
	for i := range users {
		users[i] = s.SeedUser(User{Name: "U", SISUserID: fmt.Sprintf("U%d", i)})
	}
	live := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := live()
	for _, u := range users {
		code := post(t, s, fmt.Sprintf("/api/v1/courses/%d/enrollments", course), url.Values{
			"enrollment[user_id]": {fmt.Sprint(u)}, "enrollment[type]": {"StudentEnrollment"},
			"enrollment[enrollment_state]": {"active"}, "padding": {strings.Repeat("p", pad)},
		})
		require.Equal(t, http.StatusOK, code)
	}
	kept := live() - before
	assert.Less(t, kept, int64(n*pad*3/2), "%d calls with %d bytes of padding keep %d bytes", n, pad, kept)
	s.ResetCalls()
	kept = live() - before
	assert.Less(t, kept, int64(n*pad/4), "without the log, %d enrollments keep %d bytes", n, kept)
}
