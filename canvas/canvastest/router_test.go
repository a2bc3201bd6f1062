package canvastest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every route on a record answers Canvas's 404 body when the path names a
// record that does not exist (reference/canvas_api.md, error bodies:
// "Record not found (incl. bad SIS id)"), whether the lookup is the
// route's withRecord preamble or the handler's own.
func TestEveryRouteAnswers404ForAMissingRecord(t *testing.T) {
	s := New()
	h := s.Handler()
	for _, rt := range s.routes() {
		if !strings.Contains(rt.pattern, "{id}") {
			continue
		}
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			path := "/api/v1/" + strings.ReplaceAll(rt.pattern, "{id}", "987654")
			req := httptest.NewRequest(rt.method, path, nil)
			req.Header.Set("Authorization", "Bearer "+s.AdminToken())
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusNotFound, res.StatusCode, string(body))
			assert.JSONEq(t, `{"errors":[{"message":"The specified resource does not exist."}]}`, string(body))
		})
	}
}
