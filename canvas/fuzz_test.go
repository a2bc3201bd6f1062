package canvas

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzParseErrorBody: any bytes give messages or nothing, never a panic.
func FuzzParseErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"errors":[{"message":"The specified resource does not exist."}]}`,
		`{"errors":{"user":{"pseudonyms":[{"attribute":"pseudonyms","message":"is invalid","type":"invalid"}]},"pseudonym":{"unique_id":[{"attribute":"unique_id","message":"taken","type":"taken"}]},"observee":{},"recaptcha":null}}`,
		`{"message":"x"}`, `{"error":"x"}`, `{"errors":"x"}`, `{"errors":["x"]}`, `{"error":{"message":"x"}}`,
		"403 Forbidden (Rate Limit Exceeded)\n", `{"errors":[{"message":{"message":{"message":1}}}]}`,
		`{"errors":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":"deep"}}}}}}}}}}}`, "", "{", "[1,2]", "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, fields, _ := parseErrorBody(body)
		if len(msgs)+len(fields) > 202 {
			t.Fatalf("unbounded output: %d messages, %d fields", len(msgs), len(fields))
		}
		e := &Error{StatusCode: 400, Messages: msgs, Fields: fields}
		_ = e.Error()
		_ = e.Is(ErrSISIDTaken)
		_ = e.Is(ErrLoginTaken)
	})
}

// FuzzDecodeRecords feeds arbitrary JSON to the record types the client
// decodes: errors are fine, panics are not.
func FuzzDecodeRecords(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"sis_course_id":"A","start_at":"2026-01-01T00:00:00Z"}`,
		`{"id":"12","grades":{"current_score":null,"final_score":1.5}}`,
		`[{"id":1,"submissions":[{"score":1,"grade":"A"}]}]`,
		`{"id":1e3}`, `{"id":"-1"}`, `{"id":[1]}`, `{"start_at":""}`, `{"sis_imports":[{"id":1}]}`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Course
		_ = json.Unmarshal(b, &c)
		var e []Enrollment
		_ = json.Unmarshal(b, &e)
		var g []StudentSubmissions
		_ = json.Unmarshal(b, &g)
		var imp SISImport
		_ = json.Unmarshal(b, &imp)
		var items []SISImportError
		_ = unwrapList(b, "sis_imports", &items, call{method: "GET"}, nil)
		var id ID
		_ = id.UnmarshalJSON(b)
	})
}

// FuzzParseLinkHeader: any header values give a map, never a panic, and
// every URL found came from inside angle brackets.
func FuzzParseLinkHeader(f *testing.F) {
	for _, seed := range []string{
		`<https://x/api/v1/courses?page=2&per_page=10>; rel="next",<https://x/api/v1/courses?page=1>; rel="first"`,
		`<a>; rel=next`, `<a>; rel="next last"`, `<<>>; rel="next"`, `<a>;;;rel=`, `<a`, `>`, `rel="next"`, "",
	} {
		f.Add(seed, `<b>; rel="prev"`)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		links := ParseLinkHeader([]string{a, b})
		for rel, u := range links {
			if rel == "" {
				t.Fatalf("empty rel for %q", u)
			}
		}
		h := http.Header{}
		h.Add("link", a)
		_ = linkValues(h)
	})
}
