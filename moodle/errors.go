package moodle

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// Sentinel errors. An *Exception, *HTTPError or a warning's error matches
// the ones that describe it with errors.Is.
var (
	// ErrInvalidToken: the token is missing, unknown or expired
	// (errorcode invalidtoken; webservice/lib.php authenticate_by_token).
	ErrInvalidToken = errors.New("moodle: invalid token")
	// ErrAccessDenied: the token's user may not do this: the function is
	// not in the token's service, a capability is missing, the course
	// refuses the user, or the account is suspended (accessexception,
	// nopermissions, requireloginerror, restrictedcontextexception,
	// wsaccessuser*, sitemaintenance, wsusercannotassign, cannotviewreport,
	// nopermissiontoviewgrades), or the REST protocol is disabled (403).
	ErrAccessDenied = errors.New("moodle: access denied")
	// ErrNotFound: a record the call names does not exist (invalidrecord,
	// invaliduser, invaliduserid, invalidcourseid, invalidcoursemodule,
	// errorcoursecontextnotvalid for a course id that has no context).
	ErrNotFound = errors.New("moodle: not found")
	// ErrInvalidParameter: Moodle rejected the parameters (invalidparameter,
	// errorinvalidparam, codingerror). Without site debugging Moodle hides
	// the reason: invalid_parameter_exception's message is always "Invalid
	// parameter value detected" and the detail is only in DebugInfo.
	ErrInvalidParameter = errors.New("moodle: invalid parameter")
	// ErrTaken: a unique value is already used (shortnametaken,
	// courseidnumbertaken, idnumbertaken; course/lib.php create_course,
	// group/lib.php groups_create_group).
	ErrTaken = errors.New("moodle: value already used")
	// ErrServer: a 5xx answer, or a 200 with an empty body where JSON was
	// due.
	ErrServer = errors.New("moodle: server error")
	// ErrThrottled: a 429 (Moodle core never sends one; a proxy or host
	// may).
	ErrThrottled = errors.New("moodle: throttled")
)

// maxErrorBody caps how much of a non-200 body is read.
const maxErrorBody = 64 << 10

// Exception is Moodle's error answer: HTTP 200 with
// {"exception","errorcode","message","debuginfo"?}
// (webservice/rest/locallib.php generate_error). It also stands for a
// per-item warning turned into an error (Warning.Err). It reaches the
// caller inside the function's *OperationError, whose message names the
// function; so do *HTTPError and *DecodeError.
type Exception struct {
	// Function is the web service function called.
	Function string
	// Exception is the PHP class, e.g. "core\\exception\\moodle_exception"
	// (namespaced since 4.5) or "moodle_exception" (older sites).
	Exception string
	// ErrorCode is the stable key, e.g. "invalidtoken", "shortnametaken".
	ErrorCode string
	// Message is the translated message, token masked.
	Message string
	// DebugInfo is only present when the site has debugging on.
	DebugInfo string
	// ItemID is the record a warning names (0 for exceptions).
	ItemID int64
}

func (e *Exception) Error() string {
	s := e.ErrorCode
	if e.ItemID != 0 {
		s += fmt.Sprintf(" (item %d)", e.ItemID)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.DebugInfo != "" {
		s += " [" + e.DebugInfo + "]"
	}
	return s
}

var codeSentinels = map[error][]string{
	ErrInvalidToken: {"invalidtoken"},
	ErrAccessDenied: {"accessexception", "nopermissions", "requireloginerror", "restrictedcontextexception",
		"wsaccessuserdeleted", "wsaccessuserunconfirmed", "wsaccessusersuspended", "wsaccessuserexpired",
		"wsaccessusernologin", "sitemaintenance", "wsusercannotassign", "cannotviewreport",
		"nopermissiontoviewgrades", "usernotupdatedadmin", "notingroup"},
	ErrNotFound: {"invalidrecord", "invaliduser", "invaliduserid", "invalidcourseid", "invalidcoursemodule",
		"errorcoursecontextnotvalid", "usernotupdateddeleted", "userdeleted"},
	ErrInvalidParameter: {"invalidparameter", "errorinvalidparam", "codingerror", "usernamelowercase",
		"invalidusername", "useremailinvalid", "enddatebeforestartdate", "nostartdatenoenddate"},
	ErrTaken: {"shortnametaken", "courseidnumbertaken", "idnumbertaken", "useremailduplicate"},
}

// Is matches the sentinels that describe e's errorcode.
func (e *Exception) Is(target error) bool {
	return slices.Contains(codeSentinels[target], e.ErrorCode)
}

// HasCode reports whether err is an *Exception with one of the codes.
func HasCode(err error, codes ...string) bool {
	var e *Exception
	return errors.As(err, &e) && slices.Contains(codes, e.ErrorCode)
}

// HTTPError is a non-2xx answer. Moodle's REST server sets no status of
// its own; a 403 with an empty body means web services or the REST
// protocol are disabled (webservice/rest/server.php), anything else comes
// from the web server or a proxy.
type HTTPError struct {
	Function   string
	StatusCode int
	// Body is the start of the body, token masked.
	Body string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// Is matches ErrAccessDenied (403), ErrThrottled (429), ErrServer (5xx).
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrAccessDenied:
		return e.StatusCode == http.StatusForbidden
	case ErrThrottled:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// DecodeError is a 200 answer whose body is neither the expected JSON nor
// an exception.
type DecodeError struct {
	Function string
	Err      error
	// Body is the start of the body, token masked.
	Body string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decoding response: %v (body starts %q)", e.Err, e.Body)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// errEmptyBody is a 200 answer with nothing in it.
var errEmptyBody = errors.New("empty body")

// Is matches ErrServer for an empty body.
func (e *DecodeError) Is(target error) bool {
	return target == ErrServer && errors.Is(e.Err, errEmptyBody)
}

// Warning is one entry of an external_warnings list
// (lib/external/classes/external_warnings.php): calls that work item by
// item (core_course_update_courses, core_user_update_users, the read
// functions) report per-item failures here instead of failing the call.
type Warning struct {
	Item        string `json:"item,omitempty"`
	ItemID      int64  `json:"itemid,omitempty"`
	WarningCode string `json:"warningcode"`
	Message     string `json:"message"`
}

// Err returns the warning as an *Exception of fn inside fn's
// *OperationError, so that it matches the sentinels like an exception with
// the same code would.
func (w Warning) Err(fn string) error {
	return &OperationError{Service: "moodle", Operation: fn,
		Err: &Exception{Function: fn, Exception: "warning", ErrorCode: w.WarningCode, Message: w.Message, ItemID: w.ItemID}}
}
