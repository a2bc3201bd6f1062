package canvastest

import (
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
)

type route struct {
	method  string
	pattern string // "courses/{id}/sections"
	segs    []string
	h       func(*rctx)
}

// readOnly reports whether the route's handler only reads the records, so
// it may run beside other readers. Every GET does except those that write
// as Canvas does when read: a SIS import's status moves the import on
// (sis_import.go), and the submission listings create the unsubmitted row
// Canvas keeps for each assigned student (submissionFor).
func (rt route) readOnly() bool {
	return rt.method == "GET" && !writingGETs[rt.pattern]
}

var writingGETs = map[string]bool{
	"accounts/{id}/sis_imports":                 true,
	"accounts/{id}/sis_imports/{id}":            true,
	"accounts/{id}/sis_imports/{id}/errors":     true,
	"courses/{id}/students/submissions":         true,
	"sections/{id}/students/submissions":        true,
	"courses/{id}/assignments/{id}/submissions": true,
}

func (s *Server) routes() []route {
	rs := []route{
		{method: "GET", pattern: "accounts", h: s.listAccounts},
		{method: "GET", pattern: "accounts/{id}", h: withRecord(s.findAccount, s.getAccount)},
		{method: "GET", pattern: "accounts/{id}/sub_accounts", h: withRecord(s.findAccount, s.listSubAccounts)},
		{method: "GET", pattern: "accounts/{id}/courses", h: withRecord(s.findAccount, s.listAccountCourses)},
		{method: "POST", pattern: "accounts/{id}/courses", h: withRecord(s.findAccount, s.createCourse)},
		{method: "GET", pattern: "courses/{id}", h: withRecord(s.findLiveCourse, s.getCourse)},
		{method: "PUT", pattern: "courses/{id}", h: s.updateCourse},
		{method: "DELETE", pattern: "courses/{id}", h: withRecord(s.findLiveCourse, s.deleteCourse)},
		{method: "GET", pattern: "courses/{id}/sections", h: withRecord(s.findLiveCourse, s.listSections)},
		{method: "POST", pattern: "courses/{id}/sections", h: withRecord(s.findLiveCourse, s.createSection)},
		{method: "GET", pattern: "courses/{id}/sections/{id}", h: s.getCourseSection},
		{method: "GET", pattern: "sections/{id}", h: withRecord(s.findSection, s.getSection)},
		{method: "PUT", pattern: "sections/{id}", h: withRecord(s.findSection, s.updateSection)},
		{method: "DELETE", pattern: "sections/{id}", h: withRecord(s.findSection, s.deleteSection)},
		{method: "POST", pattern: "accounts/{id}/users", h: s.createUser},
		{method: "GET", pattern: "accounts/{id}/users", h: withRecord(s.findAccount, s.listAccountUsers)},
		{method: "GET", pattern: "users/{id}", h: withRecord(s.findUser, s.getUser)},
		{method: "PUT", pattern: "users/{id}", h: s.updateUser},
		{method: "GET", pattern: "users/{id}/logins", h: s.listLogins},
		{method: "PUT", pattern: "accounts/{id}/logins/{id}", h: s.updateLogin},
		{method: "GET", pattern: "courses/{id}/enrollments", h: withRecord(s.findLiveCourse, s.listCourseEnrollments)},
		{method: "POST", pattern: "courses/{id}/enrollments", h: withRecord(s.findLiveCourse, s.enrollCourse)},
		{method: "GET", pattern: "sections/{id}/enrollments", h: withRecord(s.findSection, s.listSectionEnrollments)},
		{method: "POST", pattern: "sections/{id}/enrollments", h: withRecord(s.findSection, s.enrollSection)},
		{method: "GET", pattern: "users/{id}/enrollments", h: withRecord(s.findUser, s.listUserEnrollments)},
		{method: "GET", pattern: "accounts/{id}/enrollments/{id}", h: s.getEnrollment},
		{method: "DELETE", pattern: "courses/{id}/enrollments/{id}", h: s.endEnrollment},
		{method: "PUT", pattern: "courses/{id}/enrollments/{id}/reactivate", h: s.reactivateEnrollment},
		{method: "GET", pattern: "courses/{id}/group_categories", h: withRecord(s.findLiveCourse, s.listCategories)},
		{method: "POST", pattern: "courses/{id}/group_categories", h: withRecord(s.findLiveCourse, s.createCategory)},
		{method: "GET", pattern: "group_categories/{id}", h: withRecord(s.findCategory, s.getCategory)},
		{method: "PUT", pattern: "group_categories/{id}", h: withRecord(s.findCategory, s.updateCategory)},
		{method: "DELETE", pattern: "group_categories/{id}", h: withRecord(s.findCategory, s.deleteCategory)},
		{method: "GET", pattern: "group_categories/{id}/groups", h: withRecord(s.findCategory, s.listCategoryGroups)},
		{method: "POST", pattern: "group_categories/{id}/groups", h: withRecord(s.findCategory, s.createGroup)},
		{method: "GET", pattern: "courses/{id}/groups", h: withRecord(s.findLiveCourse, s.listCourseGroups)},
		{method: "GET", pattern: "groups/{id}", h: withRecord(s.findGroup, s.getGroup)},
		{method: "PUT", pattern: "groups/{id}", h: withRecord(s.findGroup, s.updateGroup)},
		{method: "DELETE", pattern: "groups/{id}", h: withRecord(s.findGroup, s.deleteGroup)},
		{method: "GET", pattern: "groups/{id}/memberships", h: withRecord(s.findGroup, s.listMemberships)},
		{method: "POST", pattern: "groups/{id}/memberships", h: withRecord(s.findGroup, s.addMembership)},
		{method: "DELETE", pattern: "groups/{id}/memberships/{id}", h: s.removeMembership},
		{method: "DELETE", pattern: "groups/{id}/users/{id}", h: s.removeMemberUser},
		{method: "GET", pattern: "courses/{id}/assignments", h: withRecord(s.findLiveCourse, s.listAssignments)},
		{method: "GET", pattern: "courses/{id}/assignments/{id}", h: s.getAssignment},
		{method: "GET", pattern: "courses/{id}/assignments/{id}/submissions", h: s.listAssignmentSubmissions},
		{method: "GET", pattern: "courses/{id}/students/submissions", h: withRecord(s.findLiveCourse, s.listStudentSubmissions)},
		{method: "GET", pattern: "sections/{id}/students/submissions", h: withRecord(s.findSection, s.listSectionStudentSubmissions)},
		{method: "GET", pattern: "courses/{id}/users/{id}/progress", h: s.userProgress},
		{method: "GET", pattern: "courses/{id}/bulk_user_progress", h: withRecord(s.findLiveCourse, s.bulkUserProgress)},
		{method: "POST", pattern: "accounts/{id}/sis_imports", h: withRecord(s.findAccount, s.createSISImport)},
		{method: "GET", pattern: "accounts/{id}/sis_imports", h: s.listSISImports},
		{method: "GET", pattern: "accounts/{id}/sis_imports/{id}", h: s.getSISImport},
		{method: "GET", pattern: "accounts/{id}/sis_imports/{id}/errors", h: s.listSISImportErrors},
		{method: "PUT", pattern: "accounts/{id}/sis_imports/{id}/abort", h: s.abortSISImport},
	}
	for i := range rs {
		rs[i].segs = strings.Split(rs[i].pattern, "/")
	}
	return rs
}

// withRecord is the preamble of every route on one record: it finds the
// record the path's first ID names (with find) and answers Canvas's 404
// when there is none, else runs h with it.
func withRecord[T any](find func(string) *T, h func(*rctx, *T)) func(*rctx) {
	return func(x *rctx) {
		v := find(x.params[0])
		if v == nil {
			x.notFound()
			return
		}
		h(x, v)
	}
}

// route finds the route for an escaped path. Each segment is unescaped on
// its own, so "%2F" inside a SIS ID stays inside its segment.
func (s *Server) route(method, escaped string) (route, []string, bool) {
	rest, ok := strings.CutPrefix(escaped, apiPrefix)
	if !ok {
		return route{}, nil, false
	}
	rest = strings.TrimSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, ".json")
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		v, err := url.PathUnescape(r)
		if err != nil || v == "" {
			return route{}, nil, false
		}
		segs[i] = v
	}
	s.routesOnce.Do(func() { s.table = s.routes() })
next:
	for _, rt := range s.table {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var params []string
		for i, p := range rt.segs {
			if p == "{id}" {
				params = append(params, segs[i])
				continue
			}
			if p != segs[i] {
				continue next
			}
		}
		return rt, params, true
	}
	return route{}, nil, false
}

// ref is a parsed object reference from a path or ID parameter.
type ref struct {
	field string // "" for a Canvas ID, else e.g. "sis_course_id"
	value string
	id    int64
}

// parseRef follows lib/api.rb sis_parse_id: digits (at most 18) are an ID,
// "sis_xxx:value" and "hex:sis_xxx:hexbytes" are SIS lookups, anything
// else finds nothing.
func parseRef(s string) (ref, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ref{}, false
	}
	if len(s) <= 18 && strings.Trim(s, "0123456789") == "" {
		id, err := strconv.ParseInt(s, 10, 64)
		return ref{id: id}, err == nil
	}
	if rest, ok := strings.CutPrefix(s, "hex:"); ok {
		field, h, ok := strings.Cut(rest, ":")
		if !ok || !strings.HasPrefix(field, "sis_") {
			return ref{}, false
		}
		b, err := hex.DecodeString(h)
		if err != nil || len(b) == 0 {
			return ref{}, false
		}
		return ref{field: field, value: string(b)}, true
	}
	field, v, ok := strings.Cut(s, ":")
	if !ok || !strings.HasPrefix(field, "sis_") || v == "" {
		return ref{}, false
	}
	return ref{field: field, value: v}, true
}
