package moodletest

import "fmt"

// apiError is an exception the fake answers with, in Moodle 4.5's shape
// (webservice/rest/locallib.php generate_error): HTTP 200,
// {"exception","errorcode","message","debuginfo"?}. Class names are 4.5's
// namespaced ones (UPGRADING.md 4.5, MDL-81919).
type apiError struct {
	class   string
	code    string
	message string
	debug   string
}

const (
	clsMoodle     = `core\exception\moodle_exception`
	clsInvalid    = `core\exception\invalid_parameter_exception`
	clsCoding     = `core\exception\coding_exception`
	clsMissingRec = "dml_missing_record_exception"
	clsAccess     = "webservice_access_exception"
)

// invalidParameter: invalid_parameter_exception always has errorcode
// invalidparameter and the same message; the reason is debuginfo
// (lib/classes/exception/invalid_parameter_exception.php).
func invalidParameter(debug string) *apiError {
	return &apiError{class: clsInvalid, code: "invalidparameter", message: "Invalid parameter value detected", debug: debug}
}

func moodleError(code, message string) *apiError {
	return &apiError{class: clsMoodle, code: code, message: message}
}

func codingError(hint string) *apiError {
	return &apiError{class: clsCoding, code: "codingerror",
		message: "Coding error detected, it must be fixed by a programmer: " + hint}
}

// missingRecord follows dml_missing_record_exception::__construct: table
// user ⇒ invaliduser, anything reached through a query ⇒ invalidrecord.
func missingRecord(table string) *apiError {
	if table == "user" {
		return &apiError{class: clsMissingRec, code: "invaliduser", message: "Invalid user"}
	}
	return &apiError{class: clsMissingRec, code: "invalidrecord",
		message: fmt.Sprintf("Can't find data record in database table %s.", table)}
}

func accessException(debug string) *apiError {
	return &apiError{class: clsAccess, code: "accessexception", message: "Access control exception", debug: debug}
}

// courseContextError is what course-level functions throw for a course id
// with no context (course/externallib.php, group/externallib.php,
// enrol/externallib.php).
func courseContextError(courseID int64) *apiError {
	return &apiError{class: clsMoodle, code: "errorcoursecontextnotvalid", message: fmt.Sprintf(
		"You cannot execute functions in the course context (course id:%d). The context error message was: %s",
		courseID, "Invalid parameter value detected")}
}
