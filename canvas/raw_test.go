package canvas_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas"
)

func TestRawRequest(t *testing.T) {
	c, srv := newFake(t)
	ctx := t.Context()
	course, err := c.Courses.Create(ctx, canvas.ID(1), canvas.CourseParams{Name: canvas.Ptr("Statistics"), CourseCode: canvas.Ptr("IST101"), SISCourseID: canvas.Ptr("vt-unit-IST101")})
	require.NoError(t, err)

	// A POST through the escape hatch lands like the wrapped call.
	var sec canvas.Section
	require.NoError(t, c.Do(ctx, canvas.Request{Method: "POST", Path: "courses/{id}/sections", Refs: []any{canvas.SISCourse("vt-unit-IST101")},
		Form: url.Values{"course_section[name]": {"Term 1"}}}, &sec))
	assert.Equal(t, "Term 1", sec.Name)

	// A GET by SIS ID, escaped as one segment.
	var got canvas.Course
	require.NoError(t, c.Do(ctx, canvas.Request{Method: "GET", Path: "/courses/{id}", Refs: []any{canvas.SISCourse("vt-unit-IST101")}}, &got))
	assert.Equal(t, course.ID, got.ID)

	// A listing follows pages.
	for range 3 {
		_, err := c.Sections.Create(ctx, canvas.ID(course.ID), canvas.SectionParams{Name: canvas.Ptr("more")})
		require.NoError(t, err)
	}
	secs, err := canvas.Collect(canvas.List[canvas.Section](ctx, c, canvas.Request{Path: "courses/{id}/sections", Refs: []any{canvas.ID(course.ID)},
		Query: url.Values{"per_page": {"2"}}}, ""))
	require.NoError(t, err)
	assert.Len(t, secs, 4)

	// Errors are the client's own types.
	err = c.Do(ctx, canvas.Request{Method: "GET", Path: "courses/{id}", Refs: []any{canvas.SISCourse("nope")}}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, canvas.ErrNotFound), "%v", err)
	assert.NotContains(t, err.Error(), srv.AdminToken())
}

func TestRawRequestRefusesWhatCannotBeSent(t *testing.T) {
	c, _ := newFake(t)
	tests := []struct {
		name string
		req  canvas.Request
	}{
		{"method", canvas.Request{Method: "TRACE", Path: "courses"}},
		{"empty path", canvas.Request{Method: "GET"}},
		{"query in path", canvas.Request{Method: "GET", Path: "courses?per_page=100"}},
		{"absolute URL", canvas.Request{Method: "GET", Path: "https://evil.example/api/v1/courses"}},
		{"climbs out", canvas.Request{Method: "GET", Path: "courses/../../login"}},
		{"missing ref", canvas.Request{Method: "GET", Path: "courses/{id}"}},
		{"empty ref", canvas.Request{Method: "GET", Path: "courses/{id}", Refs: []any{canvas.SISCourse("")}}},
		{"form and JSON", canvas.Request{Method: "POST", Path: "courses", Form: url.Values{}, JSON: map[string]any{}}},
		{"unencodable JSON", canvas.Request{Method: "POST", Path: "courses", JSON: make(chan int)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Do(t.Context(), tt.req, nil)
			require.ErrorIs(t, err, canvas.ErrBadRequest)
		})
	}
	_, err := canvas.Collect(canvas.List[canvas.Section](t.Context(), c, canvas.Request{Method: "POST", Path: "courses/1/sections"}, ""))
	require.ErrorIs(t, err, canvas.ErrBadRequest, "a listing is a GET")
}
