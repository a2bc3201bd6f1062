package vettraktest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// In strict mode (the default) a request the WSDL does not allow gets a
// SOAP fault naming the element; in lenient mode the fake does what ASMX
// does: unknown elements are ignored and missing value types default.
func TestStrictAndLenientParameters(t *testing.T) {
	const (
		oldName  = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `"><sToken>%s</sToken><iID>2001</iID><iUploaded>1</iUploaded></UpdateLMSOccurrenceStatus>`
		missing  = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `"><sToken>%s</sToken><iID>2001</iID></UpdateLMSOccurrenceStatus>`
		badNil   = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sToken>%s</sToken><iID xsi:nil="true" /><iStatus>1</iStatus></UpdateLMSOccurrenceStatus>`
		twice    = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `"><sToken>%s</sToken><iID>2001</iID><iID>2002</iID><iStatus>1</iStatus></UpdateLMSOccurrenceStatus>`
		reversed = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `"><sToken>%s</sToken><iStatus>1</iStatus><iID>2001</iID></UpdateLMSOccurrenceStatus>`
		badItem  = `<GetStaffForClient xmlns="` + ns + `"><token>%s</token><includeClasses>false</includeClasses><includeEnrolments>false</includeEnrolments><includeContracts>false</includeContracts><includeEvents>false</includeEvents><startDate>0001-01-01T00:00:00</startDate><endDate>0001-01-01T00:00:00</endDate><statusTypes><string>1</string></statusTypes></GetStaffForClient>`
		good     = `<UpdateLMSOccurrenceStatus xmlns="` + ns + `"><sToken>%s</sToken><iID>2001</iID><iStatus>1</iStatus></UpdateLMSOccurrenceStatus>`
	)
	cases := []struct {
		name, body string
		lenient    bool
		fault      string // "" = answered
		uploaded   bool   // the flag afterwards
	}{
		{"strict: unknown element", oldName, false, "unknown element &lt;iUploaded&gt;", false},
		{"strict: missing required", missing, false, "missing required element &lt;iStatus&gt;", false},
		{"strict: nil on a value type", badNil, false, "element &lt;iID&gt; is xsi:nil", false},
		{"strict: repeated", twice, false, "element &lt;iID&gt; appears more than once", false},
		{"strict: out of order", reversed, false, "element &lt;iID&gt; is out of order", false},
		{"strict: wrong list item", badItem, false, "holds &lt;string&gt;", false},
		{"strict: valid", good, false, "", true},
		{"lenient: unknown ignored, iStatus defaults to 0", oldName, true, "", false},
		{"lenient: missing defaults to 0", missing, true, "", false},
		{"lenient: valid", good, true, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []vettraktest.Option
			if tc.lenient {
				opts = append(opts, vettraktest.WithLenient())
			}
			srv := vettraktest.NewTestServer(t, opts...)
			require.NoError(t, srv.Data().SetUploaded(vettraktest.WalkthroughTerm1, tc.lenient)) // lenient starts set: a default resets it
			tok := xmlText(login(t, srv))
			code, body := post(t, srv.URL(), "", envelope(sprintf(tc.body, tok)))
			if tc.fault != "" {
				assert.Equal(t, 500, code)
				assert.Contains(t, body, tc.fault)
				assert.Contains(t, body, "<faultcode>soap:Client</faultcode>")
				return
			}
			assert.Equal(t, 200, code, body)
			o, _ := srv.Data().Occurrence(vettraktest.WalkthroughTerm1)
			assert.Equal(t, tc.uploaded, o.Uploaded)
		})
	}
}

func sprintf(format, tok string) string { return strings.Replace(format, "%s", tok, 1) }
