package canvas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/vtsync/vtsync/internal/redact"
	"github.com/vtsync/vtsync/transport"
)

// Sentinel errors. An *Error matches the ones that describe it with
// errors.Is, so callers need not look at status codes.
var (
	// ErrNotFound: 404, including an unknown SIS ID.
	ErrNotFound = errors.New("canvas: not found")
	// ErrUnauthorized: the token is missing, invalid, expired or revoked
	// (401 with a WWW-Authenticate header).
	ErrUnauthorized = errors.New("canvas: unauthorized")
	// ErrForbidden: the token is valid but lacks a permission (403, or 401
	// without WWW-Authenticate as older Canvas sends). Never retried.
	ErrForbidden = errors.New("canvas: forbidden")
	// ErrThrottled: 429, or 403 whose body says "Rate Limit Exceeded",
	// still failing after the retries.
	ErrThrottled = errors.New("canvas: rate limit exceeded")
	// ErrInvalid: 400 or 422, Canvas rejected the parameters.
	ErrInvalid = errors.New("canvas: invalid request")
	// ErrSISIDTaken: a 400 saying a SIS ID (or integration ID) is already
	// in use in the root account.
	ErrSISIDTaken = errors.New("canvas: SIS ID already in use")
	// ErrLoginTaken: a 400 saying a login ID (pseudonym unique_id) is
	// already in use.
	ErrLoginTaken = errors.New("canvas: login ID already in use")
	// ErrServer: a 5xx answer.
	ErrServer = errors.New("canvas: server error")
	// ErrRedirect: Canvas answered with a redirect the client refuses to
	// follow: to another origin (scheme, host or port), which would hand
	// over the request and maybe the token, or one that would send the
	// request body again (307/308). The error names the masked Location.
	ErrRedirect = transport.ErrRedirect
)

// maxErrorBody caps how much of an error body is read and parsed; what
// an *Error keeps of it is capped again, at 1 KiB per piece.
const maxErrorBody = 64 << 10

// Error is a non-2xx answer from Canvas. It reaches the caller inside an
// *OperationError; errors.As finds it there.
type Error struct {
	StatusCode int
	Method     string
	// URL is the request URL with credentials removed.
	URL string
	// Messages are the human-readable messages found in the body, whatever
	// its shape.
	Messages []string
	// Fields are per-attribute validation errors, keyed by a dotted path
	// such as "sis_source_id" or "pseudonym.sis_user_id".
	Fields []FieldError
	// ErrorReportID is Canvas's error report number, when given.
	ErrorReportID int64
	// Throttled is true for 429 and for 403 "Rate Limit Exceeded".
	Throttled bool
	// Authenticate is true when the answer carried WWW-Authenticate, which
	// Canvas sends when the token itself is bad.
	Authenticate bool
	// Body is the start of the raw body, secrets masked, at most
	// 1 KiB and a truncation marker.
	Body []byte
}

// FieldError is one validation error on one attribute.
type FieldError struct {
	// Path is the attribute's dotted path, e.g. "pseudonym.unique_id".
	Path    string `json:"path"`
	Type    string `json:"type,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if msg := e.Message(); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Message joins the body's messages and field errors into one line, at
// most 1 KiB and a truncation marker.
func (e *Error) Message() string {
	parts := append([]string(nil), e.Messages...)
	for _, f := range e.Fields {
		parts = append(parts, f.Path+": "+f.Message)
	}
	return redact.Clip(strings.Join(parts, "; "), redact.MaxExcerpt)
}

// Is matches the sentinel errors that describe e.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized && e.Authenticate
	case ErrForbidden:
		return !e.Throttled && (e.StatusCode == http.StatusForbidden ||
			(e.StatusCode == http.StatusUnauthorized && !e.Authenticate))
	case ErrThrottled:
		return e.Throttled
	case ErrInvalid:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrSISIDTaken:
		return e.StatusCode == http.StatusBadRequest && e.sisTaken()
	case ErrLoginTaken:
		return e.StatusCode == http.StatusBadRequest && e.loginTaken()
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

func (e *Error) sisTaken() bool {
	for _, f := range e.Fields {
		last := f.Path[strings.LastIndexByte(f.Path, '.')+1:]
		switch last {
		case "sis_source_id", "sis_user_id", "sis_section_id", "sis_course_id",
			"sis_group_id", "sis_group_category_id", "sis_account_id", "integration_id":
			if f.Type == "taken" || strings.Contains(f.Message, "already in use") {
				return true
			}
		}
	}
	for _, m := range e.Messages {
		if strings.Contains(m, "SIS ID") && strings.Contains(m, "already in use") {
			return true
		}
	}
	return false
}

func (e *Error) loginTaken() bool {
	for _, f := range e.Fields {
		if strings.HasSuffix(f.Path, "unique_id") && (f.Type == "taken" || strings.Contains(f.Message, "already in use")) {
			return true
		}
	}
	return false
}

// parseErrorBody extracts messages and field errors from every error body
// shape Canvas is known to send (reference canvas_api.md §5):
//
//	{"errors":[{"message":"…","error_code":"…"}],"error_report_id":1}
//	{"errors":{"attr":[{"attribute":"…","type":"…","message":"…"}]}}
//	{"errors":{"user":{…},"pseudonym":{"unique_id":[…]}}}   (nested)
//	{"errors":{"graded_since":"Invalid datetime…"}}
//	{"message":"…"}  {"error":"…"}  {"errors":"…"}  {"errors":["…"]}
//	403 Forbidden (Rate Limit Exceeded)                      (text/plain)
//
// Anything else yields the trimmed start of the body as one message.
func parseErrorBody(body []byte) (msgs []string, fields []FieldError, reportID int64) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, 0
	}
	var top map[string]json.RawMessage
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &top) != nil {
		return []string{firstLine(trimmed)}, nil, 0
	}
	p := &errParser{}
	for _, key := range []string{"message", "error", "errors"} {
		if raw, ok := top[key]; ok {
			p.value(raw, "", 0)
		}
	}
	if raw, ok := top["error_report_id"]; ok {
		var id ID
		if id.UnmarshalJSON(raw) == nil {
			reportID = int64(id)
		}
	}
	if len(p.msgs) == 0 && len(p.fields) == 0 {
		// A JSON object of an unknown shape: keep it whole, but short.
		p.msgs = append(p.msgs, firstLine(trimmed))
	}
	return p.msgs, p.fields, reportID
}

type errParser struct {
	msgs   []string
	fields []FieldError
}

const maxErrDepth = 8

// value reads a message-bearing value. path is "" at the top level, where a
// string is a message; below it, a string is the message of that field.
func (p *errParser) value(raw json.RawMessage, path string, depth int) {
	if depth > maxErrDepth || len(p.msgs)+len(p.fields) > 100 {
		return
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			p.add(path, "", s)
		}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return
		}
		for _, it := range items {
			p.item(it, path, depth+1)
		}
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		if _, ok := obj["message"]; ok {
			p.item(raw, path, depth+1)
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p.value(obj[k], join(path, k), depth+1)
		}
	}
}

// item reads one element of an errors array: a string, or an object with
// "message" (and maybe "attribute"/"type").
func (p *errParser) item(raw json.RawMessage, path string, depth int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	if raw[0] != '{' {
		p.value(raw, path, depth)
		return
	}
	var it struct {
		Message   json.RawMessage `json:"message"`
		Attribute string          `json:"attribute"`
		Type      string          `json:"type"`
	}
	if json.Unmarshal(raw, &it) != nil {
		return
	}
	var msg string
	if json.Unmarshal(it.Message, &msg) != nil || msg == "" {
		p.value(raw, path, depth+1)
		return
	}
	if path == "" && it.Attribute != "" {
		path = it.Attribute
	}
	p.add(path, it.Type, msg)
}

func (p *errParser) add(path, typ, msg string) {
	if path == "" {
		p.msgs = append(p.msgs, msg)
		return
	}
	p.fields = append(p.fields, FieldError{Path: path, Type: typ, Message: msg})
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	// No cut here: the caller masks secrets first and then caps, so that
	// a cut never leaves the start of a secret behind.
	return strings.ToValidUTF8(strings.TrimSpace(s), "�")
}
