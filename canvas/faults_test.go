package canvas_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
)

func TestAuthErrors(t *testing.T) {
	_, srv := newFake(t)
	ctx := t.Context()

	bad := clientFor(t, srv, "not-a-token-xyz")
	_, err := bad.Accounts.Get(ctx, canvas.Self)
	assert.True(t, errors.Is(err, canvas.ErrUnauthorized), "%v", err)
	assert.False(t, errors.Is(err, canvas.ErrForbidden))
	assert.Contains(t, err.Error(), "Invalid access token.")
	assert.NotContains(t, err.Error(), "not-a-token-xyz")

	tok := srv.NewToken(true)
	srv.ExpireToken(tok)
	_, err = clientFor(t, srv, tok).Accounts.Get(ctx, canvas.Self)
	assert.True(t, errors.Is(err, canvas.ErrUnauthorized))
	assert.Contains(t, err.Error(), "Expired access token.")

	tok = srv.NewToken(true)
	srv.RevokeToken(tok)
	_, err = clientFor(t, srv, tok).Accounts.Get(ctx, canvas.Self)
	assert.True(t, errors.Is(err, canvas.ErrUnauthorized))
	assert.Equal(t, 3, srv.Calls()["GET accounts/{id}"], "auth failures are not retried")
}

func TestTransportFaults(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
	srv.SeedUser(canvastest.User{Name: "L", LoginID: "l", SISUserID: "L"})

	// Reads survive dropped connections and 5xx.
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Drop: true, Times: 1})
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Status: http.StatusServiceUnavailable, Times: 1})
	_, err := c.Courses.Get(ctx, canvas.SISCourse("X"))
	require.NoError(t, err)

	// A create is not retried after a 5xx: it may have happened.
	srv.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/courses", Status: http.StatusInternalServerError, Times: 1})
	_, err = c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("Y")})
	require.ErrorIs(t, err, canvas.ErrServer)
	var ce *canvas.Error
	require.ErrorAs(t, err, &ce)
	assert.Positive(t, ce.ErrorReportID)
	assert.Equal(t, 1, srv.Calls()["POST accounts/{id}/courses"])

	srv.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/courses", Drop: true, Times: 1})
	_, err = c.Courses.Create(ctx, canvas.Self, canvas.CourseParams{Name: canvas.Ptr("Y")})
	require.Error(t, err)
	assert.Equal(t, 2, srv.Calls()["POST accounts/{id}/courses"])

	// An enrollment whose answer is lost is retried, and Canvas's upsert
	// means no duplicate.
	srv.InjectFault(canvastest.Fault{Endpoint: "POST courses/{id}/enrollments", Drop: true, AfterHandler: true, Times: 1})
	e, err := c.Enrollments.Enroll(ctx, canvas.SISCourse("X"), canvas.EnrollParams{User: canvas.SISUser("L"), State: "active"})
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Calls()["POST courses/{id}/enrollments"])
	require.Len(t, srv.Enrollments(0), 1)
	assert.Equal(t, e.ID.Int64(), srv.Enrollments(0)[0].ID)

	// Malformed JSON is a typed error naming the call.
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", MalformedJSON: true, Times: 1})
	_, err = c.Courses.Get(ctx, canvas.SISCourse("X"))
	var de *canvas.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "GET", de.Method)

	// Latency past the context deadline gives the context's error.
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Latency: time.Second, Times: 1})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = c.Courses.Get(short, canvas.SISCourse("X"))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// The token must never reach a log line or an error string, even when the
// server echoes it back.
func TestTokenNeverLeaks(t *testing.T) {
	_, srv := newFake(t)
	tok := srv.AdminToken()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := clientFor(t, srv, tok, canvas.WithLogger(logger))
	srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})

	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Status: http.StatusBadGateway, Times: 2})
	_, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
	require.NoError(t, err)
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Status: http.StatusBadRequest, Times: 1,
		Body: `{"errors":[{"message":"bad token ` + tok + `"}]}`})
	_, err = c.Courses.Get(t.Context(), canvas.SISCourse("X"))
	require.Error(t, err)
	var ce *canvas.Error
	require.True(t, errors.As(err, &ce))

	assert.Contains(t, logs.String(), "http retry", "retries are logged")
	assert.NotContains(t, logs.String(), tok)
	assert.NotContains(t, err.Error(), tok)
	assert.NotContains(t, string(ce.Body), tok)
	assert.Contains(t, err.Error(), "[REDACTED]")
}

func TestStatsCountsEndpoints(t *testing.T) {
	c, srv := newFake(t)
	srv.SeedCourse(canvastest.Course{Name: "X", SISCourseID: "X"})
	_, err := c.Courses.Get(t.Context(), canvas.SISCourse("X"))
	require.NoError(t, err)
	_, err = c.Courses.Update(t.Context(), canvas.SISCourse("X"), canvas.CourseParams{Name: canvas.Ptr("Y")})
	require.NoError(t, err)
	_, err = c.Courses.Get(t.Context(), canvas.SISCourse("missing"))
	require.Error(t, err)
	st := c.Stats()
	assert.Equal(t, int64(2), st.Reads)
	assert.Equal(t, int64(1), st.Writes)
	assert.Equal(t, int64(1), st.Failures)
	assert.Equal(t, int64(2), st.ByOp["GET courses/{id}"])
	assert.Equal(t, int64(1), st.ByOp["PUT courses/{id}"])
	assert.Positive(t, st.BytesIn)
	assert.Positive(t, st.BytesOut)
}
