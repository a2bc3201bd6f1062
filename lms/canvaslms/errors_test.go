package canvaslms_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// Every Canvas failure matches its lms sentinel and still carries the
// *canvas.Error, and no error string holds the token.
func TestErrorsMapToLMSSentinels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(srv *canvastest.Server, token string)
		call   func(ctx context.Context, l *canvaslms.LMS) error
		want   error
		status int
	}{
		{"404 is not found", nil, func(ctx context.Context, l *canvaslms.LMS) error {
			return l.UpdateCourse(ctx, lms.Course{SISID: "missing", Name: "x"})
		}, lms.ErrNotFound, 404},
		{"SIS ID in use is a conflict", nil, func(ctx context.Context, l *canvaslms.LMS) error {
			_, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "One"})
			require.NoError(t, err)
			_, err = l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "Two"})
			return err
		}, lms.ErrConflict, 400},
		{"login in use is a conflict", nil, func(ctx context.Context, l *canvaslms.LMS) error {
			_, err := l.CreateUser(ctx, lms.User{SISID: "U1", Login: "a@example.com"})
			require.NoError(t, err)
			_, err = l.CreateUser(ctx, lms.User{SISID: "U2", Login: "a@example.com"})
			return err
		}, lms.ErrConflict, 400},
		{"400 validation is invalid", nil, func(ctx context.Context, l *canvaslms.LMS) error {
			_, err := l.CreateUser(ctx, lms.User{SISID: "U1", Login: "a@example.com", TimeZone: "Mars/Olympus_Mons"})
			return err
		}, lms.ErrInvalid, 400},
		{"expired token is unauthorized", func(srv *canvastest.Server, token string) { srv.ExpireToken(token) },
			func(ctx context.Context, l *canvaslms.LMS) error { _, err := l.ListCourses(ctx); return err },
			lms.ErrUnauthorized, 401},
		{"plain 403 is forbidden", func(srv *canvastest.Server, _ string) {
			srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}", Status: 403})
		}, func(ctx context.Context, l *canvaslms.LMS) error {
			_, err := l.ReadState(ctx, []string{"C1"})
			return err
		}, lms.ErrForbidden, 403},
		{"throttling is rate limited", func(srv *canvastest.Server, _ string) {
			srv.InjectFault(canvastest.Fault{Endpoint: "POST accounts/{id}/users", Throttle: true})
		}, func(ctx context.Context, l *canvaslms.LMS) error {
			_, err := l.CreateUser(ctx, lms.User{SISID: "U1", Login: "a@example.com"})
			return err
		}, lms.ErrRateLimited, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := canvastest.NewServer(canvastest.WithStrict())
			t.Cleanup(srv.Close)
			token := srv.NewToken(true)
			l, err := canvaslms.New(fastClient(t, srv, token))
			require.NoError(t, err)
			if tc.setup != nil {
				tc.setup(srv, token)
			}
			err = tc.call(t.Context(), l)
			require.ErrorIs(t, err, tc.want)
			var ce *canvas.Error
			require.ErrorAs(t, err, &ce, "the *canvas.Error stays reachable")
			assert.Equal(t, tc.status, ce.StatusCode)
			for _, other := range []error{lms.ErrNotFound, lms.ErrConflict, lms.ErrInvalid, lms.ErrUnauthorized, lms.ErrForbidden, lms.ErrRateLimited} {
				if other != tc.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			if tc.want == lms.ErrRateLimited {
				var rl *lms.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Positive(t, rl.RetryAfter)
			}
			assert.NotContains(t, err.Error(), token)
		})
	}
}

func TestCancelledContextMakesNoRequest(t *testing.T) {
	l, srv := newLMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := l.CreateCourse(ctx, lms.Course{SISID: "C1", Name: "x"})
	require.ErrorIs(t, err, context.Canceled)
	_, err = l.Check(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, srv.CallLog())
}

// Without manage_sis Canvas drops SIS IDs silently; a course or group
// nobody could find again is taken back and the call is forbidden.
func TestTokenWithoutManageSIS(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	admin, err := canvaslms.New(fastClient(t, srv, srv.AdminToken()))
	require.NoError(t, err)
	_, err = admin.CreateCourse(t.Context(), lms.Course{SISID: "C1", Name: "Course"})
	require.NoError(t, err)

	l, err := canvaslms.New(fastClient(t, srv, srv.NewToken(false)))
	require.NoError(t, err)
	_, err = l.CreateCourse(t.Context(), lms.Course{SISID: "C2", Name: "Course 2"})
	require.ErrorIs(t, err, lms.ErrForbidden)
	assert.Contains(t, err.Error(), "manage_sis")
	for _, c := range srv.Courses() {
		if c.Name == "Course 2" {
			assert.Equal(t, "deleted", c.WorkflowState, "the course without its SIS ID is taken back")
		}
	}
	_, err = l.CreateUser(t.Context(), lms.User{SISID: "U1", Login: "u1@example.com"})
	require.ErrorIs(t, err, lms.ErrForbidden)

	msg, err := l.Check(t.Context())
	require.NoError(t, err)
	assert.Contains(t, msg, "none with a visible SIS ID")
	msg, err = admin.Check(t.Context())
	require.NoError(t, err)
	assert.Contains(t, msg, "1 with SIS IDs")
	assert.Contains(t, msg, "1 course,", "the course taken back is deleted")
}

// The token never reaches the LMS's or the client's logs.
func TestNoTokenInLogs(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	token := srv.AdminToken()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := canvas.New(srv.URL(), token, canvas.WithLogger(log), canvas.WithPacing(canvas.Pacing{}))
	require.NoError(t, err)
	l, err := canvaslms.New(c, canvaslms.WithLogger(log), canvaslms.WithUserListThreshold(1))
	require.NoError(t, err)
	srv.InjectFault(canvastest.Fault{Endpoint: "GET accounts/{id}/users", Throttle: true, Times: 1})
	srv.InjectFault(canvastest.Fault{Endpoint: "GET courses/{id}/enrollments", Status: 500, Times: 1})
	_, err = l.ReadUsers(t.Context(), []string{"a"})
	require.NoError(t, err, "a throttled listing is retried")
	_, err = l.ReadEvidence(t.Context(), "missing")
	require.Error(t, err)
	assert.NotEmpty(t, buf.String())
	assert.NotContains(t, buf.String(), token)
	assert.NotContains(t, err.Error(), token)
}

func TestNewValidatesOptions(t *testing.T) {
	srv := canvastest.NewServer(canvastest.WithStrict())
	t.Cleanup(srv.Close)
	c := fastClient(t, srv, srv.AdminToken())
	for name, opt := range map[string]canvaslms.Option{
		"nil account":    canvaslms.WithAccount(nil),
		"unknown mode":   canvaslms.WithGroupsAs(canvaslms.GroupMode(9)),
		"empty category": canvaslms.WithGroupCategory(" "),
		"empty prefix":   canvaslms.WithGroupSectionPrefix(""),
		"active task":    canvaslms.WithUnenrolTask(lms.StatusActive, canvas.TaskDelete),
		"unknown task":   canvaslms.WithUnenrolTask(lms.StatusDeleted, "erase"),
		"zero threshold": canvaslms.WithUserListThreshold(0),
		"nil logger":     canvaslms.WithLogger(nil),
	} {
		_, err := canvaslms.New(c, opt)
		assert.Error(t, err, name)
	}
	_, err := canvaslms.New(nil)
	assert.Error(t, err)
	assert.False(t, errors.Is(err, lms.ErrNotFound))
}
