package canvas_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/transport"
)

func TestNewNormalisesBaseURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://school.instructure.com", "https://school.instructure.com/api/v1/"},
		{"https://school.instructure.com/", "https://school.instructure.com/api/v1/"},
		{"https://school.instructure.com//", "https://school.instructure.com/api/v1/"},
		{"https://school.instructure.com/api/v1", "https://school.instructure.com/api/v1/"},
		{"https://school.instructure.com/api/v1/", "https://school.instructure.com/api/v1/"},
		{" https://host:8443/canvas/api/v1// ", "https://host:8443/canvas/api/v1/"},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000/api/v1/"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := canvas.New(tc.in, "tok")
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.BaseURL())
		})
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		url, token string
		opts       []canvas.Option
	}{
		"no scheme":       {url: "school.instructure.com", token: "t"},
		"ftp":             {url: "ftp://x", token: "t"},
		"no host":         {url: "https://", token: "t"},
		"credentials":     {url: "https://u:p@x", token: "t"},
		"query":           {url: "https://x/?a=1", token: "t"},
		"empty token":     {url: "https://x", token: " "},
		"newline token":   {url: "https://x", token: "a\nb"},
		"per page":        {url: "https://x", token: "t", opts: []canvas.Option{canvas.WithPerPage(0)}},
		"nil http client": {url: "https://x", token: "t", opts: []canvas.Option{canvas.WithHTTPClient(nil)}},
		"retry":           {url: "https://x", token: "t", opts: []canvas.Option{canvas.WithRetry(canvas.RetryPolicy{MinWait: -time.Millisecond})}},
		"pacing":          {url: "https://x", token: "t", opts: []canvas.Option{canvas.WithPacing(canvas.Pacing{LowWater: 10})}},
		"rate":            {url: "https://x", token: "t", opts: []canvas.Option{canvas.WithRateLimit(5, 0)}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := canvas.New(tc.url, tc.token, tc.opts...)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "u:p")
		})
	}
}

func TestEscapeSegment(t *testing.T) {
	for in, want := range map[string]string{
		"CS/101.11é":        "CS%2F101%2E11%C3%A9",
		"IST101":            "IST101",
		"sis_course_id:A B": "sis_course_id:A%20B",
		"100%":              "100%25",
		"a?b#c&d=e+f":       "a%3Fb%23c%26d%3De%2Bf",
		"~under_score-dash": "~under_score-dash",
		"日本":                "%E6%97%A5%E6%9C%AC",
	} {
		assert.Equal(t, want, canvas.EscapeSegment(in), in)
	}
}

func TestIDDecodesNumbersAndStrings(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want canvas.ID
		bad  bool
	}{
		{in: `42`, want: 42},
		{in: `"42"`, want: 42},
		{in: `null`, want: 0},
		{in: `"9223372036854775807"`, want: 9223372036854775807},
		{in: `1.5`, bad: true},
		{in: `"12~34"`, bad: true},
		{in: `"abc"`, bad: true},
		{in: `true`, bad: true},
		{in: `"9223372036854775808"`, bad: true},
	} {
		var v struct {
			ID canvas.ID `json:"id"`
		}
		err := json.Unmarshal([]byte(`{"id":`+tc.in+`}`), &v)
		if tc.bad {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, v.ID, tc.in)
	}
}

func TestParseLinkHeader(t *testing.T) {
	for name, tc := range map[string]struct {
		in   []string
		want map[string]string
	}{
		"canvas": {
			in:   []string{`<https://x/api/v1/courses?page=2&per_page=10>; rel="next",<https://x/api/v1/courses?page=1&per_page=10>; rel="first"`},
			want: map[string]string{"next": "https://x/api/v1/courses?page=2&per_page=10", "first": "https://x/api/v1/courses?page=1&per_page=10"},
		},
		"bookmark no last": {
			in:   []string{`<https://x/e?page=bookmark:WzEyXQ&per_page=2>; rel="current",<https://x/e?page=bookmark:WzE0XQ&per_page=2>; rel="next"`},
			want: map[string]string{"current": "https://x/e?page=bookmark:WzEyXQ&per_page=2", "next": "https://x/e?page=bookmark:WzE0XQ&per_page=2"},
		},
		"several values, unquoted, upper": {
			in:   []string{`<a>; rel=NEXT`, `<b>; rel="prev last"`},
			want: map[string]string{"next": "a", "prev": "b", "last": "b"},
		},
		"comma in url": {
			in:   []string{`<https://x/?a=1,2>; rel="next"`},
			want: map[string]string{"next": "https://x/?a=1,2"},
		},
		"garbage":     {in: []string{`rel="next"`, `<unterminated; rel="next"`, `<>`}, want: map[string]string{}},
		"empty":       {in: nil, want: map[string]string{}},
		"first wins":  {in: []string{`<a>; rel="next", <b>; rel="next"`}, want: map[string]string{"next": "a"}},
		"other param": {in: []string{`<a>; title="x"; rel="next"`}, want: map[string]string{"next": "a"}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, canvas.ParseLinkHeader(tc.in))
		})
	}
}

// A server that repeats its next link must not make the iterator loop.
func TestPaginationStopsOnRepeatedNext(t *testing.T) {
	var hits int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Link", `<http://`+r.Host+`/api/v1/accounts/1/courses?page=2>; rel="next"`)
		_, _ = w.Write([]byte(`[{"id":1}]`))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL, "tok", fastOpts()...)
	require.NoError(t, err)
	var n int
	var gotErr error
	for _, err := range c.Courses.ListInAccount(t.Context(), canvas.ID(1), nil) {
		if err != nil {
			gotErr = err
			break
		}
		n++
	}
	assert.ErrorIs(t, gotErr, canvas.ErrRepeatedPage)
	assert.Equal(t, 2, n)
	assert.Equal(t, 2, hits)
}

func TestPaginationRefusesForeignHost(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://evil.example/api/v1/x?page=2>; rel="next"`)
		_, _ = w.Write([]byte(`[]`))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL, "tok", fastOpts()...)
	require.NoError(t, err)
	_, err = canvas.Collect(c.Accounts.List(t.Context()))
	assert.ErrorIs(t, err, canvas.ErrForeignNextLink)
}

func TestDecodeErrorNamesTheCall(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id": "x`))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL, "tok-secret-123", fastOpts()...)
	require.NoError(t, err)
	_, err = c.Courses.Get(t.Context(), canvas.SISCourse("IST101"))
	var de *canvas.DecodeError
	require.True(t, errors.As(err, &de), "%v", err)
	assert.Contains(t, de.URL, "sis_course_id:IST101")
	assert.NotContains(t, err.Error(), "tok-secret-123")
}

func TestOversizedBodyIsAnError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[` + strings.Repeat(`{"id":1},`, 1000) + `{"id":1}]`))
	}))
	defer ts.Close()
	c, err := canvas.New(ts.URL, "tok", append(fastOpts(), canvas.WithMaxBodySize(transport.MinBodySize))...)
	require.NoError(t, err)
	_, err = canvas.Collect(c.Accounts.List(t.Context()))
	require.Error(t, err)
	assert.ErrorIs(t, err, canvas.ErrBodyTooLarge)
	var oe *canvas.OperationError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "GET accounts", oe.Operation)
}

func TestMissingReferenceIsAnError(t *testing.T) {
	c, err := canvas.New("https://x", "tok")
	require.NoError(t, err)
	_, err = c.Courses.Get(t.Context(), nil)
	assertRefused(t, err)
	_, err = c.Courses.Get(t.Context(), canvas.SISCourse(""))
	assertRefused(t, err)
	_, err = c.Users.Get(t.Context(), canvas.ID(0))
	assertRefused(t, err)
	_, err = c.Enrollments.Enroll(t.Context(), canvas.ID(1), canvas.EnrollParams{})
	assertRefused(t, err)
	_, err = canvas.Collect(c.Sections.List(t.Context(), nil))
	assertRefused(t, err)
}

// assertRefused checks a call refused before sending: an *OperationError
// naming the endpoint.
func assertRefused(t *testing.T, err error) {
	t.Helper()
	var oe *canvas.OperationError
	if assert.ErrorAs(t, err, &oe) {
		assert.Contains(t, oe.Operation, "{id}")
	}
}
