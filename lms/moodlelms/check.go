package moodlelms

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vtsync/vtsync/lms"
)

// RequiredFunctions are the web service functions this package calls: the
// token's external service must hold all of them (a token grants only the
// functions of its service: webservice_base_server::load_function_info).
func RequiredFunctions() []string {
	return []string{
		"core_webservice_get_site_info",
		"core_course_get_courses_by_field", "core_course_create_courses", "core_course_update_courses",
		"core_user_get_users_by_field", "core_user_create_users", "core_user_update_users",
		"enrol_manual_enrol_users", "enrol_manual_unenrol_users", "core_enrol_get_enrolled_users",
		"core_role_unassign_roles",
		"core_group_get_course_groups", "core_group_create_groups", "core_group_update_groups",
		"core_group_add_group_members", "core_group_delete_group_members",
		"gradereport_user_get_grade_items", "mod_assign_get_assignments", "mod_assign_get_submissions",
		"core_completion_get_course_completion_status",
	}
}

// Check is the connection test: who the token is, which site and release,
// and whether its service holds every function the sync calls
// (core_webservice_get_site_info lists them). A missing function is an
// error matching lms.ErrForbidden that names it. Capabilities are not
// listed by any core function; the first call that lacks one fails with
// nopermissions (lms.ErrForbidden).
func (l *LMS) Check(ctx context.Context) (string, error) {
	info, err := l.c.Site.GetSiteInfo(ctx)
	if err != nil {
		return "", wrap("Check", "site", l.c.Endpoint(), err)
	}
	have := make([]string, 0, len(info.Functions))
	for _, f := range info.Functions {
		have = append(have, f.Name)
	}
	var missing []string
	for _, f := range RequiredFunctions() {
		if !slices.Contains(have, f) {
			missing = append(missing, f)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "connected to %q (Moodle %s) as %s", info.SiteName, info.Release, info.Username)
	if info.UserIsSiteAdmin {
		b.WriteString(" (site administrator)")
	}
	if len(missing) > 0 {
		return b.String(), fmt.Errorf("moodlelms: Check: the token's service lacks %s: %w",
			strings.Join(missing, ", "), lms.ErrForbidden)
	}
	fmt.Fprintf(&b, "; the token's service holds the %d functions the sync calls", len(RequiredFunctions()))
	return b.String(), nil
}
