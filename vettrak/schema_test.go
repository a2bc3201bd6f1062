package vettrak_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

var update = flag.Bool("update", false, "rewrite the golden request files in testdata/requests")

// xmllint validates documents against the XSD inside the embedded WSDL
// with libxml2's xmllint (Debian: libxml2-utils), a validator that shares
// nothing with the generated code. Without xmllint the test is skipped,
// except under CI=true, where it fails: .ci/run installs it. Documents are
// collected and validated in one xmllint run when the test ends.
type xmllint struct {
	bin, xsd, dir string
	files         []string
}

func newXMLLint(t *testing.T) *xmllint {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI=true (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	schema, err := wsdl.Schema(wsdl.Document(""))
	require.NoError(t, err)
	x := &xmllint{bin: bin, dir: t.TempDir()}
	x.xsd = filepath.Join(x.dir, "VT_API.xsd")
	require.NoError(t, os.WriteFile(x.xsd, []byte(schema), 0o600))
	t.Cleanup(func() { x.run(t) })
	return x
}

// validate queues the element inside an envelope's SOAP body; name names
// the file in xmllint's report.
func (x *xmllint) validate(t *testing.T, name string, envelope []byte) {
	t.Helper()
	frag, err := bodyChild(envelope)
	require.NoError(t, err, name)
	file := filepath.Join(x.dir, fmt.Sprintf("%03d-%s.xml", len(x.files), strings.ReplaceAll(name, " ", "-")))
	require.NoError(t, os.WriteFile(file, frag, 0o600))
	x.files = append(x.files, file)
}

func (x *xmllint) run(t *testing.T) {
	if len(x.files) == 0 {
		return
	}
	out, err := exec.Command(x.bin, append([]string{"--noout", "--schema", x.xsd}, x.files...)...).CombinedOutput()
	assert.NoError(t, err, "not valid against the WSDL's schema:\n%s", out)
}

// bodyChild cuts the first element inside soap:Body out of an envelope,
// declaring the xsi prefix on it (the envelope declares it for ASMX).
func bodyChild(envelope []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(envelope))
	inBody := false
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !inBody {
			inBody = se.Name.Local == "Body"
			continue
		}
		if err := dec.Skip(); err != nil {
			return nil, err
		}
		frag := envelope[before:dec.InputOffset()]
		end := bytes.IndexAny(frag, " >/")
		return append(append(append([]byte{}, frag[:end]...), ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`...), frag[end:]...), nil
	}
}

// calls exercise every operation with fixed arguments, so the requests
// are the same on every run.
func everyCall(syd *time.Location) map[string]func(t *testing.T, api *vettrak.Client) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, syd) }
	pid := vettraktest.WalkthroughProgrammeID
	zero := 0
	must := func(t *testing.T, err error) { t.Helper(); require.NoError(t, err) }
	return map[string]func(*testing.T, *vettrak.Client){
		"ValidateClient":       func(t *testing.T, api *vettrak.Client) { must(t, api.Login(t.Context())) },
		"GetLMSNewOccurrences": func(t *testing.T, api *vettrak.Client) { _, err := api.LMSNewOccurrences(t.Context()); must(t, err) },
		"GetLMSNewEnrolmentsForOccurrence": func(t *testing.T, api *vettrak.Client) {
			_, err := api.LMSNewEnrolments(t.Context(), vettraktest.WalkthroughTerm1)
			must(t, err)
		},
		"UpdateLMSOccurrenceStatus": func(t *testing.T, api *vettrak.Client) {
			must(t, api.SetOccurrenceUploaded(t.Context(), vettraktest.WalkthroughTerm1, true))
		},
		"UpdateLMSEnrolmentStatus": func(t *testing.T, api *vettrak.Client) { must(t, api.SetEnrolmentUploaded(t.Context(), 3001, false)) },
		"GetOccurrenceExtendedDetails": func(t *testing.T, api *vettrak.Client) {
			_, err := api.OccurrenceDetails(t.Context(), vettraktest.WalkthroughTerm2)
			must(t, err)
		},
		"SearchWebOccurrences": func(t *testing.T, api *vettrak.Client) {
			_, err := api.SearchOccurrences(t.Context(), vettrak.OccurrenceQuery{ProgrammeID: &pid, Start: day(1, 1), End: day(12, 31),
				LocationCode: "SYD", IncludeUnits: true, IncludeStaff: true})
			must(t, err)
		},
		"GetEnrolmentsForOccurrence": func(t *testing.T, api *vettrak.Client) {
			_, err := api.EnrolmentsForOccurrence(t.Context(), vettraktest.WalkthroughTerm1)
			must(t, err)
		},
		"GetUnitsForOccurrence": func(t *testing.T, api *vettrak.Client) {
			_, err := api.UnitsForOccurrence(t.Context(), vettraktest.WalkthroughTerm1)
			must(t, err)
		},
		"GetUnitsForEnrolment": func(t *testing.T, api *vettrak.Client) {
			_, err := api.UnitsForEnrolment(t.Context(), 3001)
			must(t, err)
		},
		"GetClientDetails": func(t *testing.T, api *vettrak.Client) {
			_, err := api.ClientDetails(t.Context(), "10001")
			must(t, err)
		},
		"GetAccessibleClients": func(t *testing.T, api *vettrak.Client) {
			since := day(1, 1)
			_, err := api.AccessibleClients(t.Context(), "T001", &since)
			must(t, err)
		},
		"GetStaffForClient": func(t *testing.T, api *vettrak.Client) {
			_, err := api.StaffForClient(t.Context(), "10001", vettrak.StaffQuery{IncludeEnrolments: true, StatusTypes: []int{0, 1}})
			must(t, err)
		},
		"GetClientsForStaff": func(t *testing.T, api *vettrak.Client) {
			_, err := api.ClientsForStaff(t.Context(), "T001", vettrak.StaffQuery{Start: day(1, 1), End: day(12, 31), StaffType: "Trainer"})
			must(t, err)
		},
		"GetResultTypes": func(t *testing.T, api *vettrak.Client) { _, err := api.ResultTypes(t.Context()); must(t, err) },
		"UpdateResult": func(t *testing.T, api *vettrak.Client) {
			must(t, api.UpdateResult(t.Context(), vettrak.ResultUpdate{EnrolmentID: 3001, UnitCode: "IST101", ResultName: "Competent",
				Start: day(2, 2), Finish: day(3, 20), Percentage: &zero}))
		},
		"UpdateResultIncludingLinked": func(t *testing.T, api *vettrak.Client) {
			must(t, api.UpdateResult(t.Context(), vettrak.ResultUpdate{EnrolmentID: 3002, UnitCode: "IST101", ResultName: "Continuing",
				Start: day(2, 2), Finish: day(3, 20), IncludeLinked: true}))
		},
		"UpdateResultComment": func(t *testing.T, api *vettrak.Client) {
			must(t, api.UpdateResultComment(t.Context(), 3001, "IST101", ""))
		},
		"UpdateEnrolment": func(t *testing.T, api *vettrak.Client) {
			doe := day(3, 1)
			must(t, api.UpdateEnrolment(t.Context(), vettrak.EnrolmentUpdate{EnrolmentID: 3003, Status: "Completed", DateOfEffect: &doe}))
		},
		"GetDeletedRecordsSince": func(t *testing.T, api *vettrak.Client) {
			_, err := api.DeletedRecordsSince(t.Context(), "ENROLMENT", day(1, 1))
			must(t, err)
		},
	}
}

var (
	tokenElem    = regexp.MustCompile(`<(sToken|token)>[^<]*</(sToken|token)>`)
	passwordElem = regexp.MustCompile(`<sPassword>[^<]*</sPassword>`)
)

// Every request the client sends and every answer the fake gives is valid
// against the WSDL's schema (xmllint), and every request matches its
// golden copy in testdata/requests (go test -run TestRequestsGolden
// -update rewrites them): one file per operation, every wire name in one
// place to compare with a real server's ?WSDL.
func TestRequestsGolden(t *testing.T) {
	lint := newXMLLint(t)
	api, srv := pair(t, nil)
	calls := everyCall(api.Location())
	for _, op := range vettrak.Operations() {
		if op == "ValidateUser" {
			continue // same request as ValidateClient, under another name; below
		}
		t.Run(op, func(t *testing.T) {
			call, ok := calls[op]
			require.True(t, ok, "a call for every operation")
			call(t, api)
			ex, ok := srv.LastExchange(op)
			require.True(t, ok)
			lint.validate(t, op+" request", ex.Request)
			lint.validate(t, op+" response", ex.Response)
			golden(t, op, ex.Request)
		})
	}
	t.Run("ValidateUser", func(t *testing.T) {
		u, err := vettrak.New(srv.URL(), srv.Credentials(), vettrak.WithValidateUser())
		require.NoError(t, err)
		require.NoError(t, u.Login(t.Context()))
		ex, ok := srv.LastExchange("ValidateUser")
		require.True(t, ok)
		lint.validate(t, "ValidateUser request", ex.Request)
		lint.validate(t, "ValidateUser response", ex.Response)
		golden(t, "ValidateUser", ex.Request)
	})
}

func golden(t *testing.T, op string, req []byte) {
	t.Helper()
	req = tokenElem.ReplaceAll(req, []byte("<$1>TOKEN</$2>"))
	req = passwordElem.ReplaceAll(req, []byte("<sPassword>PASSWORD</sPassword>"))
	file := filepath.Join("testdata", "requests", op+".xml")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, req, 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./vettrak -run TestRequestsGolden -update")
	assert.Equal(t, string(want), string(req), "%s differs from its golden copy", op)
}

// The fake's answers for empty lists, failures and bad logins are valid
// too.
func TestFakeAnswersAreSchemaValid(t *testing.T) {
	lint := newXMLLint(t)
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithEmptyListsOK()}, vettrak.WithCheckWrites())
	rep, err := api.Check(t.Context())
	require.NoError(t, err)
	require.True(t, rep.LoggedIn)
	for _, op := range vettrak.Operations() {
		if ex, ok := srv.LastExchange(op); ok {
			lint.validate(t, op+" probe request", ex.Request)
			lint.validate(t, op+" probe response", ex.Response)
		}
	}
	bad, err := vettrak.New(srv.URL(), vettrak.Credentials{Username: "nobody", Password: "wrong"})
	require.NoError(t, err)
	require.ErrorIs(t, bad.Login(t.Context()), vettrak.ErrBadCredentials)
	ex, _ := srv.LastExchange("ValidateClient")
	lint.validate(t, "bad login", ex.Response)
}

// The validator is not a rubber stamp: the old wire name, a missing
// required element and an empty nullable value are rejected.
func TestXMLLintRejectsWhatTheSchemaForbids(t *testing.T) {
	lint := newXMLLint(t)
	env := func(body string) []byte {
		return []byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` + body + `</soap:Body></soap:Envelope>`)
	}
	for name, doc := range map[string][]byte{
		"old wire name":    env(`<UpdateLMSOccurrenceStatus xmlns="` + vettrak.Namespace + `"><sToken>x</sToken><iID>1</iID><iUploaded>1</iUploaded></UpdateLMSOccurrenceStatus>`),
		"missing required": env(`<UpdateLMSOccurrenceStatus xmlns="` + vettrak.Namespace + `"><sToken>x</sToken><iID>1</iID></UpdateLMSOccurrenceStatus>`),
		"empty nullable":   env(`<GetAccessibleClients xmlns="` + vettrak.Namespace + `"><token>x</token><sinceDate></sinceDate></GetAccessibleClients>`),
	} {
		frag, err := bodyChild(doc)
		require.NoError(t, err)
		file := filepath.Join(t.TempDir(), "bad.xml")
		require.NoError(t, os.WriteFile(file, frag, 0o600))
		out, err := exec.Command(lint.bin, "--noout", "--schema", lint.xsd, file).CombinedOutput()
		assert.Error(t, err, "%s must fail validation: %s", name, out)
	}
}
