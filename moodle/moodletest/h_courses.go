package moodletest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// functions is the service: every function the fake implements, with its
// parameter description copied from Moodle 4.5's *_parameters().
func functions() map[string]handler {
	return map[string]handler{
		"core_webservice_get_site_info":                {params: params(f("serviceshortnames", def(multiple(val(pAlphaNumExt)), []any{}))), run: (*Server).siteInfo},
		"core_course_get_courses_by_field":             {params: params(f("field", def(val(pAlpha), "")), f("value", def(val(pRaw), ""))), run: (*Server).getCoursesByField},
		"core_course_create_courses":                   {params: params(f("courses", multiple(courseFields(true)))), run: (*Server).createCourses, write: true},
		"core_course_update_courses":                   {params: params(f("courses", multiple(courseFields(false)))), run: (*Server).updateCourses, write: true},
		"core_user_get_users_by_field":                 {params: params(f("field", val(pAlpha)), f("values", multiple(val(pRaw)))), run: (*Server).getUsersByField},
		"core_user_create_users":                       {params: params(f("users", multiple(createUserFields()))), run: (*Server).createUsers, write: true},
		"core_user_update_users":                       {params: params(f("users", multiple(updateUserFields()))), run: (*Server).updateUsers, write: true},
		"enrol_manual_enrol_users":                     {params: params(f("enrolments", multiple(enrolFields()))), run: (*Server).enrolUsers, write: true},
		"enrol_manual_unenrol_users":                   {params: params(f("enrolments", multiple(single(f("userid", val(pInt)), f("courseid", val(pInt)), f("roleid", opt(val(pInt))))))), run: (*Server).unenrolUsers, write: true},
		"core_enrol_get_enrolled_users":                {params: params(f("courseid", val(pInt)), f("options", nameValueList(pAlphaNumExt))), run: (*Server).getEnrolledUsers},
		"core_role_assign_roles":                       {params: params(f("assignments", multiple(roleFields()))), run: (*Server).assignRoles, write: true},
		"core_role_unassign_roles":                     {params: params(f("unassignments", multiple(roleFields()))), run: (*Server).unassignRoles, write: true},
		"core_group_create_groups":                     {params: params(f("groups", multiple(createGroupFields()))), run: (*Server).createGroups, write: true},
		"core_group_update_groups":                     {params: params(f("groups", multiple(updateGroupFields()))), run: (*Server).updateGroups, write: true},
		"core_group_get_course_groups":                 {params: params(f("courseid", val(pInt))), run: (*Server).getCourseGroups},
		"core_group_get_group_members":                 {params: params(f("groupids", multiple(val(pInt)))), run: (*Server).getGroupMembers},
		"core_group_add_group_members":                 {params: params(f("members", multiple(memberFields()))), run: (*Server).addGroupMembers, write: true},
		"core_group_delete_group_members":              {params: params(f("members", multiple(memberFields()))), run: (*Server).deleteGroupMembers, write: true},
		"core_group_create_groupings":                  {params: params(f("groupings", multiple(createGroupingFields()))), run: (*Server).createGroupings, write: true},
		"core_group_get_course_groupings":              {params: params(f("courseid", val(pInt))), run: (*Server).getCourseGroupings},
		"core_group_assign_grouping":                   {params: params(f("assignments", multiple(single(f("groupingid", val(pInt)), f("groupid", val(pInt)))))), run: (*Server).assignGrouping, write: true},
		"core_completion_get_course_completion_status": {params: params(f("courseid", val(pInt)), f("userid", val(pInt))), run: (*Server).completionStatus},
		"gradereport_user_get_grade_items":             {params: params(f("courseid", val(pInt)), f("userid", def(val(pInt), "0")), f("groupid", def(val(pInt), "0"))), run: (*Server).gradeItemsReport},
		"mod_assign_get_assignments":                   {params: params(f("courseids", def(multiple(val(pInt)), []any{})), f("capabilities", def(multiple(val(pRaw)), []any{})), f("includenotenrolledcourses", def(val(pBool), false))), run: (*Server).getAssignments},
		"mod_assign_get_submissions":                   {params: params(f("assignmentids", multiple(val(pInt))), f("status", def(val(pAlpha), "")), f("since", def(val(pInt), "0")), f("before", def(val(pInt), "0"))), run: (*Server).getSubmissions},
	}
}

// courseFields is create_courses_parameters() (create: fullname,
// shortname, categoryid required) or update_courses_parameters() (id
// required, the rest optional).
func courseFields(create bool) spec {
	o := func(t ptype) spec { return opt(val(t)) }
	fs := []field{
		f("idnumber", o(pRaw)), f("summary", o(pRaw)), f("startdate", o(pInt)), f("enddate", o(pInt)),
		f("numsections", o(pInt)), f("visible", o(pInt)), f("hiddensections", o(pInt)),
		f("enablecompletion", o(pInt)), f("completionnotify", o(pInt)), f("lang", o(pPlugin)), f("forcetheme", o(pPlugin)),
		f("courseformatoptions", opt(multiple(single(f("name", val(pAlphaNumExt)), f("value", val(pRaw)))))),
		f("customfields", shortnameValueList()),
	}
	if create {
		return single(append(fs,
			f("fullname", val(pText)), f("shortname", val(pText)), f("categoryid", val(pInt)),
			f("summaryformat", def(val(pInt), "1")), f("format", def(val(pPlugin), "topics")),
			f("showgrades", def(val(pInt), "1")), f("newsitems", def(val(pInt), "5")),
			f("maxbytes", def(val(pInt), "0")), f("showreports", def(val(pInt), "0")),
			f("groupmode", def(val(pInt), "0")), f("groupmodeforce", def(val(pInt), "0")),
			f("defaultgroupingid", def(val(pInt), "0")))...)
	}
	return single(append(fs,
		f("id", val(pInt)), f("fullname", o(pText)), f("shortname", o(pText)), f("categoryid", o(pInt)),
		f("summaryformat", o(pInt)), f("format", o(pPlugin)), f("showgrades", o(pInt)), f("newsitems", o(pInt)),
		f("maxbytes", o(pInt)), f("showreports", o(pInt)), f("groupmode", o(pInt)), f("groupmodeforce", o(pInt)),
		f("defaultgroupingid", o(pInt)))...)
}

// siteInfo follows core_webservice_external::get_site_info: functions are
// those the token's service holds.
func (s *Server) siteInfo(tok *Token, _ map[string]any) (any, *apiError) {
	names := make([]string, 0)
	for n := range functions() {
		if tok.Functions == nil || containsString(tok.Functions, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	fns := make([]any, 0, len(names))
	for _, n := range names {
		fns = append(fns, map[string]any{"name": n, "version": "2024100700"})
	}
	a := s.users[2]
	return map[string]any{
		"sitename": formatted(s.courses[1].FullName), "username": a.Username, "firstname": a.FirstName,
		"lastname": a.LastName, "fullname": a.FirstName + " " + a.LastName, "lang": "en", "userid": a.ID,
		"siteurl": "", "userpictureurl": "", "functions": fns, "downloadfiles": 1, "uploadfiles": 1,
		"release": "4.5.5+ (Build: 20250613) moodletest", "version": "2024100705.01", "mobilecssurl": "",
		"siteid": 1, "userissiteadmin": true, "theme": "boost", "policyagreed": 0,
	}, nil
}

func (s *Server) renderCourse(c *Course) map[string]any {
	methods := []any{}
	if c.ManualEnrol && c.ManualEnabled {
		methods = append(methods, "manual")
	}
	return map[string]any{
		"id": c.ID, "fullname": formatted(c.FullName), "displayname": formatted(c.FullName),
		"shortname": formatted(c.ShortName), "categoryid": c.CategoryID, "categoryname": formatted(s.categories[c.CategoryID]),
		"sortorder": 10000 + c.ID, "summary": c.Summary, "summaryformat": 1, "overviewfiles": []any{},
		"showactivitydates": true, "showcompletionconditions": true, "contacts": []any{}, "enrollmentmethods": methods,
		// Manager-only fields: every fake token is the administrator.
		"idnumber": c.IDNumber, "format": c.Format, "showgrades": 1, "newsitems": 5, "startdate": c.StartDate,
		"enddate": c.EndDate, "maxbytes": 0, "showreports": 0, "visible": c.Visible, "groupmode": 0,
		"groupmodeforce": 0, "defaultgroupingid": 0, "enablecompletion": c.EnableCompletion, "completionnotify": 0,
		"lang": "", "theme": "", "marker": 0, "legacyfiles": 0, "calendartype": "", "timecreated": c.TimeCreated,
		"timemodified": c.TimeModified, "requested": 0, "cacherev": c.TimeModified,
	}
}

// getCoursesByField follows core_course_external::get_courses_by_field:
// exact matches, id order, no error when nothing matches.
func (s *Server) getCoursesByField(_ *Token, p map[string]any) (any, *apiError) {
	field, value := str(p, "field"), str(p, "value")
	var match func(c *Course) bool
	switch field {
	case "":
		match = func(*Course) bool { return true }
	case "id", "category":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return nil, invalidParameter(fmt.Sprintf(`Invalid external api parameter: the value is "%s", the server was expecting "int" type`, value))
		}
		if field == "id" {
			match = func(c *Course) bool { return c.ID == n }
		} else {
			match = func(c *Course) bool { return c.CategoryID == n }
		}
	case "ids":
		want := map[string]bool{}
		for _, x := range strings.Split(value, ",") {
			want[strings.TrimSpace(x)] = true
		}
		match = func(c *Course) bool { return want[strconv.FormatInt(c.ID, 10)] }
	case "shortname":
		match = func(c *Course) bool { return c.ShortName == value }
	case "idnumber":
		match = func(c *Course) bool { return c.IDNumber == value }
	default:
		return nil, invalidParameter("Invalid field name")
	}
	out := []any{}
	for _, id := range sortedKeys(s.courses) {
		if c := s.courses[id]; match(c) {
			out = append(out, s.renderCourse(c))
		}
	}
	return map[string]any{"courses": out, "warnings": []any{}}, nil
}

// validateDates is course/lib.php course_validate_dates() on the fields
// given.
func validateDates(start, end int64) *apiError {
	if start != 0 && end != 0 && end < start {
		return moodleError("enddatebeforestartdate", "The course end date must be after the start date.")
	}
	if start == 0 && end != 0 {
		return moodleError("nostartdatenoenddate", "A course end date cannot be set without a start date.")
	}
	return nil
}

// createCourses follows core_course_external::create_courses and
// course/lib.php create_course(): the whole batch or nothing.
func (s *Server) createCourses(_ *Token, p map[string]any) (any, *apiError) {
	items := list(p, "courses")
	shorts, idnums := map[string]bool{}, map[string]bool{}
	for _, c := range s.courses {
		shorts[c.ShortName] = true
		if c.IDNumber != "" {
			idnums[c.IDNumber] = true
		}
	}
	midnight := s.clock().UTC().Truncate(24 * time.Hour).Unix()
	var made []*Course
	for _, it := range items {
		if _, ok := s.categories[num(it, "categoryid")]; !ok {
			return nil, moodleError("errorcatcontextnotvalid", fmt.Sprintf(
				"You cannot execute functions in the category context (category id:%d). The context error message was: Invalid parameter value detected", num(it, "categoryid")))
		}
		for _, k := range []string{"fullname", "shortname"} {
			if strings.TrimSpace(str(it, k)) == "" {
				return nil, moodleError("errorinvalidparam", fmt.Sprintf(`The param "%s" is invalid.`, k))
			}
		}
		// usergetmidnight(time()) in the token user's timezone; the fake
		// uses UTC.
		start := midnight
		if has(it, "startdate") {
			start = num(it, "startdate")
		}
		end := num(it, "enddate")
		if err := validateDates(start, end); err != nil {
			return nil, err
		}
		short, idnum := str(it, "shortname"), str(it, "idnumber")
		if shorts[short] {
			return nil, moodleError("shortnametaken", fmt.Sprintf("Short name is already used for another course (%s)", short))
		}
		if idnum != "" && idnums[idnum] {
			return nil, moodleError("courseidnumbertaken", fmt.Sprintf("ID number is already used for another course (%s)", idnum))
		}
		shorts[short] = true
		if idnum != "" {
			idnums[idnum] = true
		}
		visible, completion := int64(1), int64(1)
		if has(it, "visible") {
			visible = num(it, "visible")
		}
		if has(it, "enablecompletion") {
			completion = num(it, "enablecompletion")
		}
		made = append(made, &Course{
			FullName: str(it, "fullname"), ShortName: short, IDNumber: idnum, CategoryID: num(it, "categoryid"),
			Summary: str(it, "summary"), Format: str(it, "format"), StartDate: start, EndDate: end,
			Visible: visible, EnableCompletion: completion, ManualEnrol: true, ManualEnabled: true,
		})
	}
	out := []any{}
	for _, c := range made {
		c.ID = s.nextID()
		c.TimeCreated, c.TimeModified = s.now(), s.now()
		s.courses[c.ID] = c
		out = append(out, map[string]any{"id": c.ID, "shortname": c.ShortName})
	}
	return out, nil
}

// updateCourses follows core_course_external::update_courses: each course
// on its own, failures as warnings carrying the errorcode.
func (s *Server) updateCourses(_ *Token, p map[string]any) (any, *apiError) {
	warnings := []any{}
	warn := func(id int64, e *apiError) {
		warnings = append(warnings, map[string]any{"item": "course", "itemid": id, "warningcode": e.code, "message": e.message})
	}
	for _, it := range list(p, "courses") {
		id := num(it, "id")
		c, ok := s.courses[id]
		if !ok {
			warn(id, missingRecord("course"))
			continue
		}
		if id == 1 {
			warn(id, moodleError("invalidcourse", "Invalid course"))
			continue
		}
		// update_course() validates only the dates sent.
		if e := validateDates(num(it, "startdate"), num(it, "enddate")); e != nil {
			warn(id, e)
			continue
		}
		if has(it, "shortname") && str(it, "shortname") != c.ShortName {
			if strings.TrimSpace(str(it, "shortname")) == "" {
				warn(id, moodleError("errorinvalidparam", `The param "shortname" is invalid.`))
				continue
			}
			if s.courseBy(func(x *Course) bool { return x.ID != id && x.ShortName == str(it, "shortname") }) != nil {
				warn(id, moodleError("shortnametaken", fmt.Sprintf("Short name is already used for another course (%s)", str(it, "shortname"))))
				continue
			}
		}
		if v := str(it, "idnumber"); has(it, "idnumber") && v != "" && v != c.IDNumber {
			if s.courseBy(func(x *Course) bool { return x.ID != id && x.IDNumber == v }) != nil {
				warn(id, moodleError("courseidnumbertaken", fmt.Sprintf("ID number is already used for another course (%s)", v)))
				continue
			}
		}
		if has(it, "categoryid") {
			if _, ok := s.categories[num(it, "categoryid")]; !ok {
				warn(id, missingRecord("course_categories"))
				continue
			}
			c.CategoryID = num(it, "categoryid")
		}
		for k, dst := range map[string]*string{"fullname": &c.FullName, "shortname": &c.ShortName,
			"idnumber": &c.IDNumber, "summary": &c.Summary} {
			if has(it, k) {
				*dst = str(it, k)
			}
		}
		for k, dst := range map[string]*int64{"startdate": &c.StartDate, "enddate": &c.EndDate,
			"visible": &c.Visible, "enablecompletion": &c.EnableCompletion} {
			if has(it, k) {
				*dst = num(it, k)
			}
		}
		c.TimeModified = s.now()
	}
	return map[string]any{"warnings": warnings}, nil
}

func (s *Server) courseBy(pred func(*Course) bool) *Course { return firstBy(s.courses, pred) }

// sortedKeys lists a table's ids in order, as Moodle's "ORDER BY id".
func sortedKeys[V any](m map[int64]V) []int64 { return slices.Sorted(maps.Keys(m)) }

// firstBy is the first record of a table, in id order, that pred accepts
// (a get_record with a condition); nil when none does.
func firstBy[V any](m map[int64]*V, pred func(*V) bool) *V {
	for _, id := range sortedKeys(m) {
		if v := m[id]; pred(v) {
			return v
		}
	}
	return nil
}

// allBy lists the records of a table, in id order, that pred accepts (a
// get_records with a condition, ORDER BY id).
func allBy[V any](m map[int64]*V, pred func(*V) bool) []*V {
	var out []*V
	for _, id := range sortedKeys(m) {
		if v := m[id]; pred(v) {
			out = append(out, v)
		}
	}
	return out
}
