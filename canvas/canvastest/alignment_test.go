package canvastest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
)

// jsonOf decodes an answer body for assertions.
func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v), "%s", b)
	return v
}

func field(t *testing.T, b []byte, key string) any {
	t.Helper()
	m, ok := jsonOf(t, b).(map[string]any)
	require.True(t, ok, "%s", b)
	return m[key]
}

// Behaviours read from canvas-lms's source (see the doc comments of the
// handlers for the file and method each follows).
func TestEnrollmentsFollowCanvasSource(t *testing.T) {
	enroll := func(w wire, course string, v url.Values) (*http.Response, []byte) {
		return w.do("POST", "/api/v1/courses/"+course+"/enrollments", v)
	}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("deleted course or section renders enrollment_state deleted", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C", WorkflowState: "deleted"})
		c2 := srv.SeedCourse(canvastest.Course{Name: "C2", SISCourseID: "C2"})
		sec := srv.SeedSection(canvastest.Section{CourseID: c2, Name: "S", WorkflowState: "deleted"})
		u := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
		e1 := srv.SeedEnrollment(canvastest.Enrollment{CourseID: c, UserID: u})
		e2 := srv.SeedEnrollment(canvastest.Enrollment{CourseID: c2, SectionID: sec, UserID: u})
		for _, e := range []int64{e1, e2} {
			_, b := w.do("GET", "/api/v1/accounts/1/enrollments/"+itoa(e), nil)
			assert.Equal(t, "deleted", field(t, b, "enrollment_state"))
		}
	})
	t.Run("re-POST over an active enrollment leaves it active", func(t *testing.T) {
		srv, w := start(t)
		srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C", WorkflowState: "available"})
		srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
		_, b := enroll(w, "sis_course_id:C", form("enrollment[user_id]", "sis_user_id:A", "enrollment[enrollment_state]", "active"))
		assert.Equal(t, "active", field(t, b, "enrollment_state"))
		_, b = enroll(w, "sis_course_id:C", form("enrollment[user_id]", "sis_user_id:A", "enrollment[enrollment_state]", "inactive"))
		assert.Equal(t, "active", field(t, b, "enrollment_state"))
	})
	t.Run("creation_pending for all but teacher, TA and designer in an unavailable course", func(t *testing.T) {
		srv, w := start(t)
		srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C", WorkflowState: "unpublished"})
		srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
		for typ, want := range map[string]string{
			"StudentEnrollment": "creation_pending", "ObserverEnrollment": "creation_pending",
			"TeacherEnrollment": "invited", "TaEnrollment": "invited", "DesignerEnrollment": "invited",
		} {
			_, b := enroll(w, "sis_course_id:C", form("enrollment[user_id]", "sis_user_id:A", "enrollment[type]", typ))
			assert.Equal(t, want, field(t, b, "enrollment_state"), typ)
		}
	})
	t.Run("DELETE of a deleted enrollment is 404; an unknown task concludes", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
		u := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
		e := srv.SeedEnrollment(canvastest.Enrollment{CourseID: c, UserID: u})
		path := "/api/v1/courses/" + itoa(c) + "/enrollments/" + itoa(e)
		resp, b := w.do("DELETE", path+"?task=bogus", nil)
		require.Equal(t, 200, resp.StatusCode, "%s", b)
		assert.Equal(t, "completed", field(t, b, "enrollment_state"))
		resp, _ = w.do("DELETE", path+"?task=delete", nil)
		require.Equal(t, 200, resp.StatusCode)
		resp, _ = w.do("DELETE", path+"?task=delete", nil)
		assert.Equal(t, 404, resp.StatusCode)
	})
	t.Run("user_id listing without state[] shows active and invited only", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
		u := srv.SeedUser(canvastest.User{Name: "A", LoginID: "a", SISUserID: "A"})
		for _, st := range []string{"active", "invited", "inactive", "completed"} {
			s := srv.SeedSection(canvastest.Section{CourseID: c, Name: st})
			srv.SeedEnrollment(canvastest.Enrollment{CourseID: c, SectionID: s, UserID: u, State: st})
		}
		_, b := w.do("GET", "/api/v1/courses/"+itoa(c)+"/enrollments?user_id="+itoa(u), nil)
		var states []string
		for _, e := range jsonOf(t, b).([]any) {
			states = append(states, e.(map[string]any)["enrollment_state"].(string))
		}
		assert.ElementsMatch(t, []string{"active", "invited"}, states)
	})
	t.Run("SIS filter without read_sis is 400", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
		w.token = srv.NewToken(false)
		resp, b := w.do("GET", "/api/v1/courses/"+itoa(c)+"/enrollments?sis_user_id[]=A", nil)
		assert.Equal(t, 400, resp.StatusCode)
		assert.JSONEq(t, `{"message":"Insufficient permissions to filter by SIS fields"}`, string(b))
	})
}

func TestCoursesSectionsGroupsFollowCanvasSource(t *testing.T) {
	t.Run("course create drops dates unless restrict_enrollments_to_course_dates", func(t *testing.T) {
		_, w := start(t)
		v := url.Values{"course[name]": {"C"}, "course[start_at]": {"2026-02-01T00:00:00Z"}, "course[end_at]": {"2026-06-01T00:00:00Z"}}
		_, b := w.do("POST", "/api/v1/accounts/1/courses", v)
		assert.Nil(t, field(t, b, "start_at"))
		assert.Nil(t, field(t, b, "end_at"))
		v.Set("course[restrict_enrollments_to_course_dates]", "true")
		_, b = w.do("POST", "/api/v1/accounts/1/courses", v)
		assert.Equal(t, "2026-02-01T00:00:00Z", field(t, b, "start_at"))
	})
	t.Run("section reactivation only within the same course", func(t *testing.T) {
		srv, w := start(t)
		c1 := srv.SeedCourse(canvastest.Course{Name: "C1", SISCourseID: "C1"})
		srv.SeedCourse(canvastest.Course{Name: "C2", SISCourseID: "C2"})
		srv.SeedSection(canvastest.Section{CourseID: c1, Name: "S", SISSectionID: "S", WorkflowState: "deleted"})
		v := url.Values{"course_section[name]": {"S"}, "course_section[sis_section_id]": {"S"}, "enable_sis_reactivation": {"true"}}
		resp, _ := w.do("POST", "/api/v1/courses/sis_course_id:C2/sections", v)
		assert.Equal(t, 400, resp.StatusCode, "another course's deleted section is not revived")
		resp, b := w.do("POST", "/api/v1/courses/sis_course_id:C1/sections", v)
		assert.Equal(t, 200, resp.StatusCode, "%s", b)
	})
	t.Run("group JSON has no workflow_state; sis_group_id without manage_sis is 401 before saving", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
		cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: c, Name: "Set"})
		resp, b := w.do("POST", "/api/v1/group_categories/"+itoa(cat)+"/groups", url.Values{"name": {"G"}})
		require.Equal(t, 200, resp.StatusCode)
		assert.NotContains(t, jsonOf(t, b), "workflow_state")
		w.token = srv.NewToken(false)
		resp, b = w.do("POST", "/api/v1/group_categories/"+itoa(cat)+"/groups", url.Values{"name": {"H"}, "sis_group_id": {"H"}})
		assert.Equal(t, 401, resp.StatusCode)
		assert.JSONEq(t, `{"message":"You must have manage_sis permission to set sis attributes"}`, string(b))
		assert.Len(t, srv.Groups(c), 1, "no orphan group")
	})
	t.Run("membership listings include invited and requested", func(t *testing.T) {
		srv, w := start(t)
		c := srv.SeedCourse(canvastest.Course{Name: "C", SISCourseID: "C"})
		cat := srv.SeedGroupCategory(canvastest.GroupCategory{CourseID: c, Name: "Set"})
		g := srv.SeedGroup(canvastest.Group{CategoryID: cat, Name: "G"})
		for i, st := range []string{"accepted", "invited", "requested", "deleted"} {
			u := srv.SeedUser(canvastest.User{Name: st, LoginID: st, SISUserID: itoa(int64(i))})
			srv.SeedMembership(canvastest.Membership{GroupID: g, UserID: u, WorkflowState: st})
		}
		_, b := w.do("GET", "/api/v1/groups/"+itoa(g)+"/memberships", nil)
		assert.Len(t, jsonOf(t, b), 3)
		_, b = w.do("GET", "/api/v1/groups/"+itoa(g)+"/memberships?filter_states[]=invited", nil)
		assert.Len(t, jsonOf(t, b), 1)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// In strict mode a parameter Canvas does not document for the endpoint is
// refused instead of ignored, so a misspelt field fails the test.
func TestStrictModeRefusesUndocumentedParameters(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{"POST", "/api/v1/accounts/1/courses", url.Values{"course[name]": {"C"}, "course[sis_course_id]": {"C"}}, 200},
		{"POST", "/api/v1/accounts/1/courses", url.Values{"course[nmae]": {"C"}}, 400},
		{"GET", "/api/v1/accounts/1/courses?per_page=5&include[]=term", nil, 200},
		{"GET", "/api/v1/accounts/1/courses?include=term", nil, 400},
		{"POST", "/api/v1/accounts/1/users", url.Values{"pseudonym[unique_id]": {"a"}, "user[given_name]": {"A"}}, 400},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			_, w := start(t, canvastest.WithStrict())
			resp, b := w.do(tc.method, tc.path, tc.form)
			assert.Equal(t, tc.want, resp.StatusCode, "%s", b)
			if tc.want == 400 {
				assert.Contains(t, string(b), "strict mode")
			}
			_, w = start(t)
			resp, _ = w.do(tc.method, tc.path, tc.form)
			assert.Equal(t, 200, resp.StatusCode, "without strict mode Canvas ignores it")
		})
	}
}
