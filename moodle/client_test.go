package moodle_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/vtsync/vtsync/internal/redact/redacttest"
	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

func newClient(t *testing.T, opts ...moodletest.Option) (*moodle.Client, *moodletest.Server) {
	t.Helper()
	srv := moodletest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithRateLimit(rate.Inf, 0),
		moodle.WithRetry(moodle.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	return c, srv
}

func TestNewNormalisesEndpoint(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://lms.example.edu.au", "https://lms.example.edu.au/webservice/rest/server.php"},
		{"https://host/moodle/", "https://host/moodle/webservice/rest/server.php"},
		{"https://host/webservice/rest/server.php", "https://host/webservice/rest/server.php"},
	} {
		c, err := moodle.New(tc.in, "0123456789abcdef0123456789abcdef")
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, c.Endpoint(), tc.in)
	}
	for _, bad := range []string{"ftp://x", "https://u:p@host", "https://host/?a=1", "https://"} {
		_, err := moodle.New(bad, "tok")
		assert.Error(t, err, bad)
	}
	_, err := moodle.New("https://host", " ")
	assert.Error(t, err)
}

func TestCoursesRoundTrip(t *testing.T) {
	c, _ := newClient(t)
	ctx := t.Context()
	made, err := c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: "Stats & Co", ShortName: "IST101",
		CategoryID: 1, IDNumber: moodle.Ptr("unit/IST101"), StartDate: moodle.Ptr(int64(0))}})
	require.NoError(t, err)
	require.Len(t, made, 1)

	got, err := c.Courses.GetCoursesByField(ctx, moodle.CourseByIDNumber, "unit/IST101")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Stats & Co", got[0].FullName, "raw names by default")
	assert.Equal(t, int64(0), got[0].StartDate)

	_, err = c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: "x", ShortName: "other", CategoryID: 1, IDNumber: moodle.Ptr("unit/IST101")}})
	require.ErrorIs(t, err, moodle.ErrTaken)
	assert.True(t, moodle.HasCode(err, "courseidnumbertaken"))

	_, err = c.Courses.GetCoursesByField(ctx, moodle.CourseByIDNumber, "")
	require.Error(t, err, "an empty idnumber would match every course")

	warns, err := c.Courses.UpdateCourses(ctx, []moodle.CourseUpdate{{ID: made[0].ID, EndDate: moodle.Ptr(int64(100))}, {ID: 999999, FullName: moodle.Ptr("x")}})
	require.NoError(t, err)
	require.Len(t, warns, 2)
	assert.Equal(t, "nostartdatenoenddate", warns[0].WarningCode, "update validates only the dates sent")
	assert.ErrorIs(t, warns[1].Err("core_course_update_courses"), moodle.ErrNotFound)
}

func TestFormattedText(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	srv.SeedCourse(moodletest.Course{FullName: "A & B", ShortName: "AB", IDNumber: "ab"})
	c, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithFormattedText())
	require.NoError(t, err)
	got, err := c.Courses.GetCoursesByField(t.Context(), moodle.CourseByIDNumber, "ab")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "A &amp; B", got[0].FullName)
}

func TestExceptionsAreTyped(t *testing.T) {
	c, srv := newClient(t, moodletest.WithDebugging())
	ctx := t.Context()

	_, err := c.Users.GetUsersByField(ctx, moodle.UserByUsername, []string{"JSmith"})
	require.ErrorIs(t, err, moodle.ErrInvalidParameter, "PARAM_USERNAME refuses upper case")
	var ex *moodle.Exception
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, "invalidparameter", ex.ErrorCode)
	assert.Contains(t, ex.DebugInfo, "JSmith")

	_, err = c.Users.GetUsersByField(ctx, "phone", []string{"1"})
	assert.True(t, moodle.HasCode(err, "codingerror"))

	bad, err := moodle.New(srv.URL(), "ffffffffffffffffffffffffffffffff")
	require.NoError(t, err)
	_, err = bad.Site.GetSiteInfo(ctx)
	require.ErrorIs(t, err, moodle.ErrInvalidToken)

	limited := srv.AddToken(moodletest.Token{Functions: []string{"core_webservice_get_site_info"}})
	lc, err := moodle.New(srv.URL(), limited)
	require.NoError(t, err)
	_, err = lc.Courses.GetCoursesByField(ctx, "", "")
	require.ErrorIs(t, err, moodle.ErrAccessDenied, "a function outside the token's service")
}

func TestUsersAndEnrolments(t *testing.T) {
	c, srv := newClient(t)
	ctx := t.Context()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})

	_, err := c.Users.CreateUsers(ctx, []moodle.NewUser{{Username: "jo", FirstName: "Jo", LastName: "B", Email: "jo@example.com"}})
	assert.ErrorIs(t, err, moodle.ErrInvalidParameter, "manual auth needs a password or createpassword")

	made, err := c.Users.CreateUsers(ctx, []moodle.NewUser{{Username: "jo", FirstName: "Jo", LastName: "B",
		Email: "jo@example.com", CreatePassword: moodle.Ptr(true), IDNumber: "u1", Timezone: moodle.Ptr("Australia/Perth")}})
	require.NoError(t, err)
	uid := made[0].ID

	us, err := c.Users.GetUsersByField(ctx, moodle.UserByIDNumber, []string{"u1", "missing"})
	require.NoError(t, err)
	require.Len(t, us, 1)
	assert.Equal(t, "Australia/Perth", us[0].Timezone)

	require.NoError(t, c.Enrol.EnrolUsers(ctx, []moodle.Enrolment{{RoleID: 5, UserID: uid, CourseID: cid, Suspend: moodle.Ptr(true)}}))
	for _, tc := range []struct {
		name string
		opts moodle.EnrolledUsersOptions
		n    int
	}{
		{"all states", moodle.EnrolledUsersOptions{}, 1},
		{"only active", moodle.EnrolledUsersOptions{OnlyActive: true}, 0},
		{"only suspended", moodle.EnrolledUsersOptions{OnlySuspended: true}, 1},
		{"paged", moodle.EnrolledUsersOptions{PageSize: 1}, 1},
	} {
		got, err := c.Enrol.GetEnrolledUsers(ctx, cid, tc.opts)
		require.NoError(t, err, tc.name)
		assert.Len(t, got, tc.n, tc.name)
	}
	err = c.Enrol.EnrolUsers(ctx, []moodle.Enrolment{{RoleID: 2, UserID: uid, CourseID: cid}})
	assert.ErrorIs(t, err, moodle.ErrAccessDenied, "coursecreator is not assignable in a course")

	g, err := c.Groups.CreateGroups(ctx, []moodle.NewGroup{{CourseID: cid, Name: "T1", IDNumber: "occ/1"}})
	require.NoError(t, err)
	_, err = c.Groups.CreateGroups(ctx, []moodle.NewGroup{{CourseID: cid, Name: "T2", IDNumber: "occ/1"}})
	assert.ErrorIs(t, err, moodle.ErrTaken)
	require.NoError(t, c.Groups.AddGroupMembers(ctx, []moodle.Member{{GroupID: g[0].ID, UserID: uid}}))
	m, err := c.Groups.GetGroupMembers(ctx, []int64{g[0].ID})
	require.NoError(t, err)
	assert.Equal(t, []int64{uid}, m[0].UserIDs)

	require.NoError(t, c.Enrol.UnenrolUsers(ctx, []moodle.Unenrolment{{UserID: uid, CourseID: cid}}))
	m, err = c.Groups.GetGroupMembers(ctx, []int64{g[0].ID})
	require.NoError(t, err)
	assert.Empty(t, m[0].UserIDs, "the last unenrolment removes group memberships")
	err = c.Groups.AddGroupMembers(ctx, []moodle.Member{{GroupID: g[0].ID, UserID: uid}})
	assert.ErrorIs(t, err, moodle.ErrInvalidParameter, "only enrolled users may be members")
}

// The token travels in the form body and never reaches a log line or an
// error, even when the server echoes it back.
func TestTokenNeverLeaks(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	tok := srv.AdminToken()
	var logs bytes.Buffer
	c, err := moodle.New(srv.URL(), tok, moodle.WithRateLimit(rate.Inf, 0),
		moodle.WithRetry(moodle.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}),
		moodle.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	srv.InjectFault(moodletest.Fault{Function: "core_webservice_get_site_info", Status: 503, Body: "proxy says wstoken=" + tok})
	_, err = c.Site.GetSiteInfo(t.Context())
	require.ErrorIs(t, err, moodle.ErrServer)
	var he *moodle.HTTPError
	require.ErrorAs(t, err, &he)
	assert.NotContains(t, he.Body, tok)
	var oe *moodle.OperationError
	require.ErrorAs(t, err, &oe, "the operation error is the path every error takes")
	assert.Equal(t, "core_webservice_get_site_info", oe.Operation)
	redacttest.AssertNoLeak(t, "err.Error()", err.Error(), tok)
	redacttest.AssertNoLeak(t, "logs", logs.String(), tok)
	assert.Equal(t, 2, srv.Calls()["core_webservice_get_site_info"], "a read is retried after a 503")
}

func TestFaults(t *testing.T) {
	c, srv := newClient(t)
	ctx := t.Context()
	srv.InjectFault(moodletest.Fault{Function: "core_course_get_courses_by_field", Times: 1, MalformedJSON: true})
	_, err := c.Courses.GetCoursesByField(ctx, "", "")
	var de *moodle.DecodeError
	require.ErrorAs(t, err, &de)

	empty := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(empty.Close)
	ec, err := moodle.New(empty.URL, "0123456789abcdef0123456789abcdef", moodle.WithRateLimit(rate.Inf, 0))
	require.NoError(t, err)
	require.ErrorIs(t, ec.Enrol.UnenrolUsers(ctx, []moodle.Unenrolment{{UserID: 1, CourseID: 2}}), moodle.ErrServer,
		"an empty 200 is not success, even where Moodle returns null")

	srv.InjectFault(moodletest.Fault{Function: "core_course_create_courses", Times: 1, Status: 502})
	_, err = c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: "x", ShortName: "x", CategoryID: 1}})
	require.ErrorIs(t, err, moodle.ErrServer)
	assert.Equal(t, 1, srv.Calls()["core_course_create_courses"], "a create is never retried")

	srv.InjectFault(moodletest.Fault{Exception: "sitemaintenance", Times: 1})
	_, err = c.Site.GetSiteInfo(ctx)
	assert.ErrorIs(t, err, moodle.ErrAccessDenied)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Site.GetSiteInfo(cancelled)
	assert.ErrorIs(t, err, context.Canceled)
}

// A token with characters that URL encoding changes is masked in both
// forms, e.g. when a proxy echoes the form body back in an error page.
func TestTokenMaskedURLEncoded(t *testing.T) {
	const tok = "s3cr+t/tok=n&more"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write(body)
	}))
	t.Cleanup(echo.Close)
	require.True(t, strings.Contains(url.Values{"wstoken": {tok}}.Encode(), url.QueryEscape(tok)))
	c, err := moodle.New(echo.URL, tok, moodle.WithRateLimit(rate.Inf, 0), moodle.WithRetry(moodle.NoRetries()))
	require.NoError(t, err)
	_, err = c.Site.GetSiteInfo(t.Context())
	var he *moodle.HTTPError
	require.ErrorAs(t, err, &he)
	assert.Contains(t, he.Body, "wstoken=", "the echo reached the error")
	assert.NotContains(t, he.Body, url.QueryEscape(tok))
	assert.NotContains(t, he.Body, tok)
}
