package moodle_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/moodle"
	"github.com/vtsync/vtsync/moodle/moodletest"
	"github.com/vtsync/vtsync/transport"
)

func TestGroupings(t *testing.T) {
	c, srv := newClient(t)
	ctx := t.Context()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	other := srv.SeedCourse(moodletest.Course{FullName: "D", ShortName: "D"})
	gs, err := c.Groups.CreateGroupings(ctx, []moodle.NewGrouping{{CourseID: cid, Name: "Trainers", IDNumber: "trainers"}})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	_, err = c.Groups.CreateGroupings(ctx, []moodle.NewGrouping{{CourseID: cid, Name: "Other", IDNumber: "trainers"}})
	assert.ErrorIs(t, err, moodle.ErrTaken)
	_, err = c.Groups.CreateGroupings(ctx, []moodle.NewGrouping{{CourseID: cid, Name: "Trainers"}})
	assert.ErrorIs(t, err, moodle.ErrInvalidParameter, "same name in the course")
	_, err = c.Groups.CreateGroupings(ctx, []moodle.NewGrouping{{CourseID: other, Name: "Trainers", IDNumber: "trainers"}})
	assert.NoError(t, err, "grouping names and idnumbers are unique per course only")

	g, err := c.Groups.CreateGroups(ctx, []moodle.NewGroup{{CourseID: cid, Name: "Jo"}})
	require.NoError(t, err)
	require.NoError(t, c.Groups.AssignGrouping(ctx, []moodle.GroupingAssignment{{GroupingID: gs[0].ID, GroupID: g[0].ID}}))
	require.NoError(t, c.Groups.AssignGrouping(ctx, []moodle.GroupingAssignment{{GroupingID: gs[0].ID, GroupID: g[0].ID}}), "again: skipped")
	err = c.Groups.AssignGrouping(ctx, []moodle.GroupingAssignment{{GroupingID: 999999, GroupID: g[0].ID}})
	assert.ErrorIs(t, err, moodle.ErrNotFound)

	list, err := c.Groups.GetCourseGroupings(ctx, cid)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "trainers", list[0].IDNumber)
	_, err = c.Groups.GetCourseGroupings(ctx, 999999)
	assert.ErrorIs(t, err, moodle.ErrNotFound, "errorcoursecontextnotvalid")
}

func TestUserUpdatesAndPasswords(t *testing.T) {
	c, srv := newClient(t)
	ctx := t.Context()
	_, err := c.Users.CreateUsers(ctx, []moodle.NewUser{{Username: "weak", FirstName: "W", LastName: "P",
		Email: "weak@example.com", Password: moodle.Ptr("short")}})
	var ex *moodle.Exception
	require.ErrorAs(t, err, &ex)
	assert.Contains(t, ex.ErrorCode, "Passwords must be at least 8 characters long.",
		"a password-policy failure's errorcode is the HTML message (check_password_policy)")

	a := srv.SeedUser(moodletest.User{Username: "a", FirstName: "A", LastName: "A", Email: "a@example.com"})
	b := srv.SeedUser(moodletest.User{Username: "b", FirstName: "B", LastName: "B", Email: "b@example.com"})
	warns, err := c.Users.UpdateUsers(ctx, []moodle.UserUpdate{
		{ID: a, Email: moodle.Ptr("B@Example.com")},
		{ID: 999999, FirstName: moodle.Ptr("x")},
		{ID: b, FirstName: moodle.Ptr("Bee"), Suspended: moodle.Ptr(true)},
	})
	require.NoError(t, err)
	codes := []string{}
	for _, w := range warns {
		codes = append(codes, w.WarningCode)
	}
	assert.Equal(t, []string{"useremailduplicate", "invaliduserid"}, codes, "e-mail is unique case-insensitively")
	us, err := c.Users.GetUsersByField(ctx, moodle.UserByID, []string{itoa(b)})
	require.NoError(t, err)
	require.Len(t, us, 1)
	assert.Equal(t, "Bee", us[0].FirstName)
	assert.True(t, us[0].Suspended)
}

func TestRoles(t *testing.T) {
	c, srv := newClient(t)
	ctx := t.Context()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	uid := srv.SeedUser(moodletest.User{Username: "u", FirstName: "U", LastName: "U", Email: "u@example.com"})
	require.NoError(t, c.Enrol.EnrolUsers(ctx, []moodle.Enrolment{{RoleID: 5, UserID: uid, CourseID: cid}}))
	require.NoError(t, c.Roles.AssignRoles(ctx, []moodle.RoleAssignment{{RoleID: 4, UserID: uid, CourseID: cid}}))
	st, _ := srv.Enrolment(uid, cid)
	assert.Equal(t, []int64{4, 5}, st.Roles)
	require.NoError(t, c.Roles.UnassignRoles(ctx, []moodle.RoleAssignment{{RoleID: 5, UserID: uid, CourseID: cid}}))
	st, _ = srv.Enrolment(uid, cid)
	assert.Equal(t, []int64{4}, st.Roles, "the enrolment stays")
	err := c.Roles.AssignRoles(ctx, []moodle.RoleAssignment{{RoleID: 7, UserID: uid, CourseID: cid}})
	assert.ErrorIs(t, err, moodle.ErrInvalidParameter, "the authenticated user role is not assignable in a course")
}

func TestOptionsValidate(t *testing.T) {
	for name, opt := range map[string]moodle.Option{
		"nil http client":  moodle.WithHTTPClient(nil),
		"nil transport":    moodle.WithTransport(nil),
		"nil logger":       moodle.WithLogger(nil),
		"negative rate":    moodle.WithRateLimit(-1, 1),
		"zero burst":       moodle.WithRateLimit(5, 0),
		"bad retry":        moodle.WithRetry(moodle.RetryPolicy{MinWait: 2 * time.Second, MaxWait: time.Second}),
		"empty user agent": moodle.WithUserAgent(""),
		"negative timeout": moodle.WithTimeout(-time.Second),
		"zero body":        moodle.WithMaxBodySize(0),
	} {
		_, err := moodle.New("https://lms.example.edu.au", "0123456789abcdef0123456789abcdef", opt)
		assert.Error(t, err, name)
	}
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	var seen string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.Header.Get("User-Agent")
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithHTTPClient(hc), moodle.WithUserAgent("rto-sync/2"),
		moodle.WithTimeout(time.Minute), moodle.WithMaxBodySize(1<<20))
	require.NoError(t, err)
	_, err = c.Site.GetSiteInfo(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "rto-sync/2", seen)
	assert.EqualValues(t, 1, c.Stats().Calls(), "a caller's http client sits under the meter")

	big := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		body := `{"sitename":"` + strings.Repeat("x", int(transport.MinBodySize)) + `"}`
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	small, err := moodle.New(srv.URL(), srv.AdminToken(), moodle.WithTransport(big), moodle.WithMaxBodySize(transport.MinBodySize))
	require.NoError(t, err)
	_, err = small.Site.GetSiteInfo(t.Context())
	assert.ErrorIs(t, err, moodle.ErrBodyTooLarge, "a body over the cap")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Call reaches functions the client does not wrap, with the same error
// handling.
func TestCall(t *testing.T) {
	c, srv := newClient(t)
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	p := moodle.Params{}
	p.SetInt("courseid", cid)
	var groups []moodle.Group
	require.NoError(t, c.Call(t.Context(), "core_group_get_course_groups", p, &groups))
	assert.Empty(t, groups)
	assert.ErrorIs(t, c.Call(t.Context(), "core_group_get_course_groups", moodle.Params{}, nil), moodle.ErrInvalidParameter)
	assert.ErrorIs(t, c.Call(t.Context(), "local_nope", moodle.Params{}, nil), moodle.ErrNotFound, "unknown function: invalidrecord")
	assert.Error(t, c.Call(t.Context(), "", nil, nil))
}
