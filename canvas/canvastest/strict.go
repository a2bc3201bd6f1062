package canvastest

import (
	"net/http"
	"slices"
	"sort"
	"strings"
)

// WithStrict makes the fake refuse, with 400, any parameter (query or
// form) that Canvas does not document for the endpoint, so a misspelt
// field fails a test instead of being ignored as Canvas would ignore it.
// The lists follow the @argument blocks of the canvas-lms controllers
// named in the project's reference notes (courses_controller.rb,
// sections_controller.rb, users_controller.rb, pseudonyms_controller.rb,
// enrollments_api_controller.rb, group_categories_controller.rb,
// groups_controller.rb, group_memberships_controller.rb,
// assignments_api_controller.rb, submissions_api_controller.rb,
// sis_imports_api_controller.rb); page, per_page, access_token and
// as_user_id are accepted everywhere. Where a list may be incomplete
// (newer Canvas versions add arguments), the fake errs on the strict side.
func WithStrict() Option { return func(o *options) { o.strict = true } }

// globalParams are accepted by every API endpoint (lib/api.rb pagination,
// authentication and masquerading).
var globalParams = []string{"page", "per_page", "access_token", "as_user_id"}

var (
	courseFields = []string{"name", "course_code", "start_at", "end_at", "license", "is_public",
		"is_public_to_auth_users", "public_syllabus", "public_syllabus_to_auth", "public_description",
		"allow_student_wiki_edits", "allow_wiki_comments", "allow_student_forum_attachments", "open_enrollment",
		"self_enrollment", "restrict_enrollments_to_course_dates", "term_id", "enrollment_term_id", "sis_course_id",
		"integration_id", "hide_final_grades", "apply_assignment_group_weights", "time_zone", "default_view",
		"syllabus_body", "grading_standard_id", "grade_passback_setting", "course_format", "account_id"}
	sectionFields = []string{"name", "sis_section_id", "integration_id", "start_at", "end_at",
		"restrict_enrollments_to_section_dates"}
	enrollmentListParams = []string{"type[]", "role[]", "state[]", "include[]", "user_id", "grading_period_id",
		"enrollment_term_id", "sis_account_id[]", "sis_course_id[]", "sis_section_id[]", "sis_user_id[]",
		"created_for_sis_id[]"}
	enrollParams = nested("enrollment", "user_id", "type", "role", "role_id", "enrollment_state", "course_section_id",
		"limit_privileges_to_course_section", "notify", "self_enrollment_code", "self_enrolled", "associated_user_id",
		"sis_user_id", "integration_id", "start_at", "end_at")
	categoryParams = []string{"name", "self_signup", "auto_leader", "group_limit", "sis_group_category_id",
		"create_group_count", "split_group_count"}
	submissionListParams = []string{"student_ids[]", "assignment_ids[]", "grouped", "post_to_sis", "submitted_since",
		"graded_since", "grading_period_id", "workflow_state", "enrollment_state", "state_based_on_date", "order",
		"order_direction", "include[]"}
)

// documented lists, per route, the parameters Canvas documents.
var documented = map[string][]string{
	"GET accounts":                   {"include[]"},
	"GET accounts/{id}":              nil,
	"GET accounts/{id}/sub_accounts": {"recursive"},
	"GET accounts/{id}/courses": {"with_enrollments", "enrollment_type[]", "published", "completed", "blueprint",
		"blueprint_associated", "by_teachers[]", "by_subaccounts[]", "hide_enrollmentless_courses", "state[]",
		"enrollment_term_id", "search_term", "include[]", "sort", "order", "search_by", "starts_before", "ends_after",
		"homeroom"},
	"POST accounts/{id}/courses": append(nested("course", courseFields...), "offer", "enroll_me", "enable_sis_reactivation"),
	"GET courses/{id}":           {"include[]"},
	"PUT courses/{id}": append(nested("course", append(slices.Clone(courseFields), "event", "storage_quota_mb",
		"image_id", "image_url", "remove_image", "blueprint", "conditional_release")...), "offer", "override_sis_stickiness"),
	"DELETE courses/{id}":            {"event"},
	"GET courses/{id}/sections":      {"include[]", "search_term"},
	"POST courses/{id}/sections":     append(nested("course_section", sectionFields...), "enable_sis_reactivation"),
	"GET courses/{id}/sections/{id}": {"include[]"},
	"GET sections/{id}":              {"include[]"},
	"PUT sections/{id}":              append(nested("course_section", sectionFields...), "override_sis_stickiness"),
	"DELETE sections/{id}":           nil,
	"POST accounts/{id}/users": append(append(append(nested("user", "name", "short_name", "sortable_name", "time_zone",
		"locale", "terms_of_use", "skip_registration"),
		nested("pseudonym", "unique_id", "password", "sis_user_id", "integration_id", "send_confirmation",
			"force_self_registration", "authentication_provider_id")...),
		nested("communication_channel", "type", "address", "confirmation_url", "skip_confirmation")...),
		"force_validations", "enable_sis_reactivation", "destination", "initial_enrollment_type", "pairing_code[code]"),
	"GET accounts/{id}/users": {"search_term", "enrollment_type", "sort", "order", "include[]"},
	"GET users/{id}":          {"include[]"},
	"PUT users/{id}": append(nested("user", "name", "short_name", "sortable_name", "time_zone", "email", "locale",
		"title", "bio", "pronouns", "event"), "override_sis_stickiness"),
	"GET users/{id}/logins": nil,
	"PUT accounts/{id}/logins/{id}": append(nested("login", "unique_id", "password", "old_password", "sis_user_id",
		"integration_id", "authentication_provider_id", "workflow_state"), "override_sis_stickiness"),
	"GET courses/{id}/enrollments":                 enrollmentListParams,
	"POST courses/{id}/enrollments":                append(slices.Clone(enrollParams), "root_account"),
	"GET sections/{id}/enrollments":                enrollmentListParams,
	"POST sections/{id}/enrollments":               append(slices.Clone(enrollParams), "root_account"),
	"GET users/{id}/enrollments":                   enrollmentListParams,
	"GET accounts/{id}/enrollments/{id}":           nil,
	"DELETE courses/{id}/enrollments/{id}":         {"task"},
	"PUT courses/{id}/enrollments/{id}/reactivate": nil,
	"GET courses/{id}/group_categories":            nil,
	"POST courses/{id}/group_categories":           categoryParams,
	"GET group_categories/{id}":                    nil,
	"PUT group_categories/{id}":                    categoryParams,
	"DELETE group_categories/{id}":                 nil,
	"GET group_categories/{id}/groups":             nil,
	"POST group_categories/{id}/groups":            {"name", "description", "is_public", "join_level", "storage_quota_mb", "sis_group_id"},
	"GET courses/{id}/groups":                      {"only_own_groups", "include[]", "collaboration_state", "filter"},
	"GET groups/{id}":                              {"include[]"},
	"PUT groups/{id}": {"name", "description", "is_public", "join_level", "avatar_id", "storage_quota_mb", "members[]",
		"sis_group_id", "override_sis_stickiness"},
	"DELETE groups/{id}":                  nil,
	"GET groups/{id}/memberships":         {"filter_states[]"},
	"POST groups/{id}/memberships":        {"user_id"},
	"DELETE groups/{id}/memberships/{id}": nil,
	"DELETE groups/{id}/users/{id}":       nil,
	"GET courses/{id}/assignments": {"include[]", "search_term", "override_assignment_dates",
		"needs_grading_count_by_section", "bucket", "assignment_ids[]", "order_by", "post_to_sis", "new_quizzes"},
	"GET courses/{id}/assignments/{id}":             {"include[]", "override_assignment_dates", "needs_grading_count_by_section", "all_dates"},
	"GET courses/{id}/assignments/{id}/submissions": {"include[]", "grouped"},
	"GET courses/{id}/students/submissions":         submissionListParams,
	"GET sections/{id}/students/submissions":        submissionListParams,
	"GET courses/{id}/users/{id}/progress":          nil,
	"GET courses/{id}/bulk_user_progress":           nil,
	"POST accounts/{id}/sis_imports": {"import_type", "attachment", "extension", "batch_mode", "batch_mode_term_id",
		"multi_term_batch_mode", "skip_deletes", "override_sis_stickiness", "add_sis_stickiness", "clear_sis_stickiness",
		"update_sis_id_if_login_claimed", "diffing_data_set_identifier", "diffing_remaster_data_set",
		"diffing_drop_status", "diffing_user_remove_status", "batch_mode_enrollment_drop_status", "change_threshold",
		"diff_row_count_threshold"},
	"GET accounts/{id}/sis_imports":             {"created_since", "created_before", "workflow_state[]"},
	"GET accounts/{id}/sis_imports/{id}":        nil,
	"GET accounts/{id}/sis_imports/{id}/errors": {"failure"},
	"PUT accounts/{id}/sis_imports/{id}/abort":  nil,
}

func nested(prefix string, fields ...string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = prefix + "[" + f + "]"
	}
	return out
}

// undocumented returns the parameters of the request that Canvas does not
// document for endpoint, sorted.
func undocumented(endpoint string, form map[string][]string) []string {
	allowed := documented[endpoint] // an unlisted endpoint documents nothing
	var bad []string
	for k := range form {
		if !slices.Contains(globalParams, k) && !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	sort.Strings(bad)
	return bad
}

// refuseUndocumented answers 400 naming the undocumented parameters, in
// strict mode. It reports whether it answered.
func (s *Server) refuseUndocumented(x *rctx, endpoint string) bool {
	if !s.opts.strict {
		return false
	}
	bad := undocumented(endpoint, x.form)
	if len(bad) == 0 {
		return false
	}
	x.errorsMessage(http.StatusBadRequest, "canvastest strict mode: "+endpoint+" does not document "+strings.Join(bad, ", "))
	return true
}
