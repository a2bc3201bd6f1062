package canvas

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseErrorBodyShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		body     string
		msgs     []string
		fields   []FieldError
		reportID int64
	}{
		"not found": {
			body: `{"errors":[{"message":"The specified resource does not exist."}]}`,
			msgs: []string{"The specified resource does not exist."},
		},
		"server error with report": {
			body:     `{"errors":[{"message":"An error occurred.","error_code":"internal_server_error"}],"error_report_id":123}`,
			msgs:     []string{"An error occurred."},
			reportID: 123,
		},
		"unauthorized status": {
			body: `{"status":"unauthorized","errors":[{"message":"user not authorized to perform that action"}]}`,
			msgs: []string{"user not authorized to perform that action"},
		},
		"expired token": {
			body: `{"errors":[{"message":"Expired access token.","expired_at":"2026-01-01T00:00:00Z"}]}`,
			msgs: []string{"Expired access token."},
		},
		"course sis dup": {
			body:   `{"errors":{"sis_source_id":[{"attribute":"sis_source_id","type":"SIS ID \"X\" is already in use","message":"SIS ID \"X\" is already in use"}]}}`,
			fields: []FieldError{{Path: "sis_source_id", Type: `SIS ID "X" is already in use`, Message: `SIS ID "X" is already in use`}},
		},
		"user nested": {
			body: `{"errors":{"user":{"pseudonyms":[{"attribute":"pseudonyms","message":"is invalid","type":"invalid"}]},"pseudonym":{"unique_id":[{"attribute":"unique_id","message":"ID already in use for this account and authentication provider","type":"taken"}]},"observee":{},"pairing_code":{},"recaptcha":null}}`,
			fields: []FieldError{
				{Path: "pseudonym.unique_id", Type: "taken", Message: "ID already in use for this account and authentication provider"},
				{Path: "user.pseudonyms", Type: "invalid", Message: "is invalid"},
			},
		},
		"field string":   {body: `{"errors":{"graded_since":"Invalid datetime for graded_since"}}`, fields: []FieldError{{Path: "graded_since", Message: "Invalid datetime for graded_since"}}},
		"message":        {body: `{"message":"Can't add an enrollment to a concluded course."}`, msgs: []string{"Can't add an enrollment to a concluded course."}},
		"error":          {body: `{"error":"enrollment not inactive"}`, msgs: []string{"enrollment not inactive"}},
		"errors string":  {body: `{"errors":"Invalid as_user_id"}`, msgs: []string{"Invalid as_user_id"}},
		"errors strings": {body: `{"errors":["SIS imports can only be executed on root accounts"]}`, msgs: []string{"SIS imports can only be executed on root accounts"}},
		"throttle text":  {body: "403 Forbidden (Rate Limit Exceeded)\n", msgs: []string{"403 Forbidden (Rate Limit Exceeded)"}},
		"html":           {body: "<html><body>Bad Gateway</body></html>", msgs: []string{"<html><body>Bad Gateway</body></html>"}},
		"unknown object": {body: `{"foo":1}`, msgs: []string{`{"foo":1}`}},
		"empty":          {body: ""},
		"message object": {body: `{"errors":[{"message":{"x":"y"}}]}`, msgs: []string{`{"errors":[{"message":{"x":"y"}}]}`}},
	} {
		t.Run(name, func(t *testing.T) {
			msgs, fields, id := parseErrorBody([]byte(tc.body))
			assert.Equal(t, tc.msgs, msgs)
			assert.Equal(t, tc.fields, fields)
			assert.Equal(t, tc.reportID, id)
		})
	}
}

func TestErrorMatchesSentinels(t *testing.T) {
	for name, tc := range map[string]struct {
		err  *Error
		is   []error
		isnt []error
	}{
		"404":               {err: &Error{StatusCode: 404}, is: []error{ErrNotFound}, isnt: []error{ErrForbidden, ErrInvalid}},
		"401 bad token":     {err: &Error{StatusCode: 401, Authenticate: true}, is: []error{ErrUnauthorized}, isnt: []error{ErrForbidden}},
		"401 no permission": {err: &Error{StatusCode: 401}, is: []error{ErrForbidden}, isnt: []error{ErrUnauthorized}},
		"403 permission":    {err: &Error{StatusCode: 403}, is: []error{ErrForbidden}, isnt: []error{ErrThrottled}},
		"403 throttled":     {err: &Error{StatusCode: 403, Throttled: true}, is: []error{ErrThrottled}, isnt: []error{ErrForbidden}},
		"429":               {err: &Error{StatusCode: 429, Throttled: true}, is: []error{ErrThrottled}},
		"500":               {err: &Error{StatusCode: 500}, is: []error{ErrServer}, isnt: []error{ErrInvalid}},
		"sis taken": {err: &Error{StatusCode: 400, Fields: []FieldError{{Path: "sis_source_id", Message: `SIS ID "X" is already in use`}}},
			is: []error{ErrInvalid, ErrSISIDTaken}, isnt: []error{ErrLoginTaken}},
		"user sis taken": {err: &Error{StatusCode: 400, Fields: []FieldError{{Path: "pseudonym.sis_user_id", Type: "taken"}}},
			is: []error{ErrSISIDTaken}},
		"login taken": {err: &Error{StatusCode: 400, Fields: []FieldError{{Path: "pseudonym.unique_id", Type: "taken"}}},
			is: []error{ErrLoginTaken}, isnt: []error{ErrSISIDTaken}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, target := range tc.is {
				assert.True(t, errors.Is(tc.err, target), "%v should be %v", tc.err, target)
			}
			for _, target := range tc.isnt {
				assert.False(t, errors.Is(tc.err, target), "%v should not be %v", tc.err, target)
			}
		})
	}
}

func BenchmarkParseErrorBody(b *testing.B) {
	body := []byte(`{"errors":{"user":{"pseudonyms":[{"attribute":"pseudonyms","message":"is invalid","type":"invalid"}]},"pseudonym":{"unique_id":[{"attribute":"unique_id","message":"ID already in use for this account and authentication provider","type":"taken"}]},"observee":{},"pairing_code":{},"recaptcha":null}}`)
	b.ReportAllocs()
	for b.Loop() {
		_, fields, _ := parseErrorBody(body)
		if len(fields) != 2 {
			b.Fatal(len(fields))
		}
	}
}
