package moodletest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/moodle/moodletest"
)

// post calls the fake the way any REST client would, without package
// moodle, so these tests check the fake against Moodle, not our client.
func post(t *testing.T, srv *moodletest.Server, token, fn string, form url.Values) (int, string) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("wstoken", token)
	form.Set("wsfunction", fn)
	if !form.Has("moodlewsrestformat") {
		form.Set("moodlewsrestformat", "json")
	}
	resp, err := http.PostForm(srv.URL()+"/webservice/rest/server.php", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

type exception struct {
	Exception string `json:"exception"`
	ErrorCode string `json:"errorcode"`
	Message   string `json:"message"`
	DebugInfo string `json:"debuginfo"`
}

func exceptionOf(t *testing.T, body string) exception {
	t.Helper()
	var e exception
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	require.NotEmpty(t, e.Exception, "not an exception: %s", body)
	return e
}

func TestParameterValidation(t *testing.T) {
	srv := moodletest.NewServer(moodletest.WithDebugging())
	t.Cleanup(srv.Close)
	tok := srv.AdminToken()
	for _, tc := range []struct {
		name, fn string
		form     url.Values
		code     string
		// debug is the debuginfo of external_api::validate_parameters.
		debug string
	}{
		{"unexpected top-level key", "core_group_get_course_groups", url.Values{"courseid": {"1"}, "cachebuster": {"1"}},
			"invalidparameter", "Unexpected keys (cachebuster) detected in parameter array."},
		{"unexpected nested key", "core_user_create_users", url.Values{"users[0][username]": {"a"}, "users[0][suspended]": {"1"},
			"users[0][firstname]": {"A"}, "users[0][lastname]": {"B"}, "users[0][email]": {"a@example.com"}},
			"invalidparameter", "users => Invalid parameter value detected: Unexpected keys (suspended) detected in parameter array."},
		{"missing required", "core_group_get_course_groups", nil, "invalidparameter", "Missing required key in single structure: courseid"},
		{"int with letters", "core_group_get_course_groups", url.Values{"courseid": {"12a"}},
			"invalidparameter", `courseid => Invalid parameter value detected: Invalid external api parameter: the value is "12a", the server was expecting "int" type`},
		{"bool spelt true", "mod_assign_get_assignments", url.Values{"includenotenrolledcourses": {"true"}}, "invalidparameter", ""},
		{"bool spelt false", "mod_assign_get_assignments", url.Values{"includenotenrolledcourses": {"false"}}, "invalidparameter", ""},
		{"upper-case username", "core_user_get_users_by_field", url.Values{"field": {"username"}, "values[0]": {"JSmith"}}, "invalidparameter", ""},
		{"unknown user field", "core_user_get_users_by_field", url.Values{"field": {"phone"}, "values[0]": {"1"}}, "codingerror", ""},
		{"unknown course field", "core_course_get_courses_by_field", url.Values{"field": {"fullname"}, "value": {"x"}}, "invalidparameter", "Invalid field name"},
		{"unknown function", "core_nope", nil, "invalidrecord", ""},
		{"no function", "", nil, "invalidparameter", "Missing function name"},
	} {
		status, body := post(t, srv, tok, tc.fn, tc.form)
		assert.Equal(t, http.StatusOK, status, "%s: Moodle answers exceptions with 200", tc.name)
		e := exceptionOf(t, body)
		assert.Equal(t, tc.code, e.ErrorCode, tc.name)
		if tc.debug != "" {
			assert.Equal(t, tc.debug, e.DebugInfo, tc.name)
		}
		if tc.code == "invalidparameter" {
			assert.Equal(t, `core\exception\invalid_parameter_exception`, e.Exception, tc.name)
			assert.Equal(t, "Invalid parameter value detected", e.Message, tc.name)
		}
	}
}

// Without site debugging there is no debuginfo: the reason is hidden.
func TestNoDebugInfoByDefault(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	_, body := post(t, srv, srv.AdminToken(), "core_group_get_course_groups", nil)
	e := exceptionOf(t, body)
	assert.Equal(t, "invalidparameter", e.ErrorCode)
	assert.Empty(t, e.DebugInfo)
}

func TestTokenCheckedFirst(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	_, body := post(t, srv, "nope", "core_nope", url.Values{"junk": {"1"}})
	assert.Equal(t, "invalidtoken", exceptionOf(t, body).ErrorCode, "a bad token wins over an unknown function")

	limited := srv.AddToken(moodletest.Token{Functions: []string{"core_webservice_get_site_info"}})
	_, body = post(t, srv, limited, "core_course_get_courses_by_field", nil)
	e := exceptionOf(t, body)
	assert.Equal(t, "accessexception", e.ErrorCode)
	assert.Equal(t, "webservice_access_exception", e.Exception)

	expired := srv.AddToken(moodletest.Token{Expired: true})
	_, body = post(t, srv, expired, "core_webservice_get_site_info", nil)
	assert.Equal(t, "accessexception", exceptionOf(t, body).ErrorCode)
}

func TestProtocolDisabledAndXML(t *testing.T) {
	off := moodletest.NewServer(moodletest.WithProtocolDisabled())
	t.Cleanup(off.Close)
	status, body := post(t, off, off.AdminToken(), "core_webservice_get_site_info", nil)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Empty(t, body)

	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	status, body = post(t, srv, srv.AdminToken(), "core_webservice_get_site_info", url.Values{"moodlewsrestformat": {"xml"}})
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "<EXCEPTION")
}

// A batch is one transaction: the duplicate in item 2 leaves item 1 unmade.
func TestCreateBatchIsOneTransaction(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	srv.SeedCourse(moodletest.Course{FullName: "Taken", ShortName: "TAKEN"})
	_, body := post(t, srv, srv.AdminToken(), "core_course_create_courses", url.Values{
		"courses[0][fullname]": {"New"}, "courses[0][shortname]": {"NEW"}, "courses[0][categoryid]": {"1"}, "courses[0][idnumber]": {"new"},
		"courses[1][fullname]": {"Dup"}, "courses[1][shortname]": {"TAKEN"}, "courses[1][categoryid]": {"1"},
	})
	assert.Equal(t, "shortnametaken", exceptionOf(t, body).ErrorCode)
	_, ok := srv.CourseByIDNumber("new")
	assert.False(t, ok, "the first course of a failed batch is rolled back")
}

func TestUpdateWarnings(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	a := srv.SeedCourse(moodletest.Course{FullName: "A", ShortName: "A", IDNumber: "a"})
	b := srv.SeedCourse(moodletest.Course{FullName: "B", ShortName: "B"})
	_, body := post(t, srv, srv.AdminToken(), "core_course_update_courses", url.Values{
		"courses[0][id]": {itoa(b)}, "courses[0][idnumber]": {"a"},
		"courses[1][id]": {itoa(a)}, "courses[1][fullname]": {"A renamed"},
		"courses[2][id]": {"1"}, "courses[2][fullname]": {"front"},
	})
	var out struct {
		Warnings []struct {
			Item        string `json:"item"`
			ItemID      int64  `json:"itemid"`
			WarningCode string `json:"warningcode"`
		} `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	require.Len(t, out.Warnings, 2)
	assert.Equal(t, "courseidnumbertaken", out.Warnings[0].WarningCode)
	assert.Equal(t, b, out.Warnings[0].ItemID)
	assert.Equal(t, "invalidcourse", out.Warnings[1].WarningCode)
	c, _ := srv.Course(a)
	assert.Equal(t, "A renamed", c.FullName, "other courses of the batch are updated")
}

func TestFormatString(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	srv.SeedCourse(moodletest.Course{FullName: "Maths & <b>Stats</b>", ShortName: "M", IDNumber: "m"})
	q := func(raw string) url.Values {
		v := url.Values{"field": {"idnumber"}, "value": {"m"}}
		if raw != "" {
			v.Set("moodlewssettingraw", raw)
		}
		return v
	}
	_, body := post(t, srv, srv.AdminToken(), "core_course_get_courses_by_field", q(""))
	assert.Contains(t, body, `Maths \u0026amp; \u0026lt;b\u0026gt;Stats`)
	_, body = post(t, srv, srv.AdminToken(), "core_course_get_courses_by_field", q("1"))
	assert.Contains(t, body, `Maths \u0026 \u003cb\u003eStats`)
}

func TestEnrolmentSemantics(t *testing.T) {
	srv := moodletest.NewServer(moodletest.WithDebugging())
	t.Cleanup(srv.Close)
	tok := srv.AdminToken()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	uid := srv.SeedUser(moodletest.User{Username: "u", FirstName: "U", LastName: "U", Email: "u@example.com"})
	enrol := func(extra url.Values) string {
		v := url.Values{"enrolments[0][roleid]": {"5"}, "enrolments[0][userid]": {itoa(uid)}, "enrolments[0][courseid]": {itoa(cid)}}
		for k, x := range extra {
			v[k] = x
		}
		_, body := post(t, srv, tok, "enrol_manual_enrol_users", v)
		return body
	}
	assert.Equal(t, "null", enrol(url.Values{"enrolments[0][suspend]": {"1"}, "enrolments[0][timeend]": {"99"}}))
	st, ok := srv.Enrolment(uid, cid)
	require.True(t, ok)
	assert.True(t, st.Suspended)
	assert.Equal(t, "null", enrol(nil), "Moodle answers null")
	st, _ = srv.Enrolment(uid, cid)
	assert.False(t, st.Suspended, "a plain re-enrol reactivates")
	assert.Zero(t, st.TimeEnd, "and clears the dates")

	_, body := post(t, srv, tok, "enrol_manual_enrol_users", url.Values{"enrolments[0][roleid]": {"5"},
		"enrolments[0][userid]": {"999999"}, "enrolments[0][courseid]": {itoa(cid)}})
	assert.Equal(t, "codingerror", exceptionOf(t, body).ErrorCode, "4.5: a missing user fails in role_assign()")

	srv.SetManualEnrol(cid, true, false)
	assert.Equal(t, "wsnoinstance", exceptionOf(t, enrol(nil)).ErrorCode)
}

func TestCompletion(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	tok := srv.AdminToken()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	student := srv.SeedUser(moodletest.User{Username: "s", FirstName: "S", LastName: "S", Email: "s@example.com"})
	teacher := srv.SeedUser(moodletest.User{Username: "t", FirstName: "T", LastName: "T", Email: "t@example.com"})
	for uid, role := range map[int64]string{student: "5", teacher: "3"} {
		_, body := post(t, srv, tok, "enrol_manual_enrol_users", url.Values{"enrolments[0][roleid]": {role},
			"enrolments[0][userid]": {itoa(uid)}, "enrolments[0][courseid]": {itoa(cid)}})
		require.Equal(t, "null", body)
	}
	status := func(uid int64) string {
		_, body := post(t, srv, tok, "core_completion_get_course_completion_status",
			url.Values{"courseid": {itoa(cid)}, "userid": {itoa(uid)}})
		return body
	}
	assert.Equal(t, "nocriteriaset", exceptionOf(t, status(student)).ErrorCode)
	srv.SetCompletionCriteria(cid, []moodletest.Criterion{{Type: 4, Title: "Quiz"}})
	assert.Equal(t, "usernotenroled", exceptionOf(t, status(teacher)).ErrorCode, "teachers are not tracked")
	srv.CompleteCriterion(cid, student, 0, time.Unix(1000, 0))
	assert.Contains(t, status(student), `"completed":false`, "completion waits for the cron")
	srv.AggregateCompletions()
	assert.Contains(t, status(student), `"completed":true`)
}

func TestFaultsAndCalls(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	srv.InjectFault(moodletest.Fault{Function: "core_webservice_get_site_info", Times: 1, Status: 502, Body: "bad gateway"})
	status, _ := post(t, srv, srv.AdminToken(), "core_webservice_get_site_info", nil)
	assert.Equal(t, http.StatusBadGateway, status)
	status, body := post(t, srv, srv.AdminToken(), "core_webservice_get_site_info", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"sitename"`)

	srv.InjectFault(moodletest.Fault{Function: "core_course_create_courses", Times: 1, Status: 504, AfterHandler: true})
	status, _ = post(t, srv, srv.AdminToken(), "core_course_create_courses", url.Values{"courses[0][fullname]": {"X"},
		"courses[0][shortname]": {"X"}, "courses[0][categoryid]": {"1"}, "courses[0][idnumber]": {"x"}})
	assert.Equal(t, http.StatusGatewayTimeout, status)
	_, ok := srv.CourseByIDNumber("x")
	assert.True(t, ok, "AfterHandler: the write happened, the answer was lost")

	assert.Equal(t, 2, srv.Calls()["core_webservice_get_site_info"])
	log := srv.CallLog()
	require.NotEmpty(t, log)
	for _, c := range log {
		assert.NotContains(t, c.Params, "wstoken", "the call log keeps no token")
	}
	srv.ResetCalls()
	assert.Empty(t, srv.Calls())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The user report as a fresh site shows it: range with 0 decimals and
// &ndash;, grades with 2, a scale's words, no letter column, the course
// total last.
func TestGradeReportShape(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	tok := srv.AdminToken()
	cid := srv.SeedCourse(moodletest.Course{FullName: "C", ShortName: "C"})
	uid := srv.SeedUser(moodletest.User{Username: "s", FirstName: "S", LastName: "S", Email: "s@example.com"})
	_, body := post(t, srv, tok, "enrol_manual_enrol_users", url.Values{"enrolments[0][roleid]": {"5"},
		"enrolments[0][userid]": {itoa(uid)}, "enrolments[0][courseid]": {itoa(cid)}})
	require.Equal(t, "null", body)
	pts, err := srv.AddActivity(cid, "quiz", "Quiz", 10, nil)
	require.NoError(t, err)
	sc, err := srv.AddActivity(cid, "assign", "Obs", 0, []string{"Not yet competent", "Competent"})
	require.NoError(t, err)
	srv.SetGrade(pts.ID, uid, 8, time.Time{}, time.Time{})
	srv.SetGrade(sc.ID, uid, 2, time.Time{}, time.Time{})
	_, body = post(t, srv, tok, "gradereport_user_get_grade_items", url.Values{"courseid": {itoa(cid)}})
	var out struct {
		UserGrades []struct {
			GradeItems []map[string]any `json:"gradeitems"`
		} `json:"usergrades"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	require.Len(t, out.UserGrades, 1)
	items := out.UserGrades[0].GradeItems
	require.Len(t, items, 3)
	assert.Equal(t, "0&ndash;10", items[0]["rangeformatted"])
	assert.Equal(t, "8.00", items[0]["gradeformatted"])
	assert.Equal(t, "Not yet competent&ndash;Competent", items[1]["rangeformatted"])
	assert.Equal(t, "Competent", items[1]["gradeformatted"])
	assert.Equal(t, "course", items[2]["itemtype"])
	assert.Nil(t, items[2]["itemname"])
	assert.NotContains(t, items[0], "lettergradeformatted")
}

// Each function's own answer to a course id that does not exist.
func TestMissingCourse(t *testing.T) {
	srv := moodletest.NewServer()
	t.Cleanup(srv.Close)
	uid := srv.SeedUser(moodletest.User{Username: "s", FirstName: "S", LastName: "S", Email: "s@example.com"})
	u := itoa(uid)
	for _, tc := range []struct {
		fn   string
		form url.Values
		code string
	}{
		{"core_group_create_groups", url.Values{"groups[0][courseid]": {"999"}, "groups[0][name]": {"G"}, "groups[0][description]": {""}}, "errorcoursecontextnotvalid"},
		{"core_group_get_course_groups", url.Values{"courseid": {"999"}}, "errorcoursecontextnotvalid"},
		{"core_enrol_get_enrolled_users", url.Values{"courseid": {"999"}}, "errorcoursecontextnotvalid"},
		{"enrol_manual_enrol_users", url.Values{"enrolments[0][roleid]": {"5"}, "enrolments[0][userid]": {u}, "enrolments[0][courseid]": {"999"}}, "invalidparameter"},
		{"enrol_manual_unenrol_users", url.Values{"enrolments[0][userid]": {u}, "enrolments[0][courseid]": {"999"}}, "invalidrecord"},
		{"core_completion_get_course_completion_status", url.Values{"courseid": {"999"}, "userid": {u}}, "invalidrecord"},
		{"gradereport_user_get_grade_items", url.Values{"courseid": {"999"}}, "invalidrecord"},
	} {
		_, body := post(t, srv, srv.AdminToken(), tc.fn, tc.form)
		assert.Equal(t, tc.code, exceptionOf(t, body).ErrorCode, tc.fn)
	}
}
