package wsdl

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEmbedded(t *testing.T) {
	c, err := Parse([]byte(Document("")))
	require.NoError(t, err)
	assert.Equal(t, c, Embedded())
	op := c.Operations["UpdateResult"]
	require.NotNil(t, op)
	assert.Equal(t, "http://www.ozsoft.com.au/VETtrak/api/complete/UpdateResult", op.Action)
	var names []string
	for _, p := range op.Params {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"sToken", "iEnro_ID", "sUnit_Code", "sResult_Name", "xsdStart", "xsdFinish", "iPercentage"}, names)
	assert.Equal(t, Element{Name: "iPercentage", Type: "int", MinOccurs: 1, MaxOccurs: 1}, op.Params[6])
	assert.Equal(t, &Element{Name: "UpdateResultResult", Type: "TAuthenticate", MinOccurs: 0, MaxOccurs: 1}, op.Result)

	since, ok := c.Operations["GetAccessibleClients"].Param("sinceDate")
	require.True(t, ok)
	assert.True(t, since.Required() && since.Nillable)
	assert.Equal(t, "sinceDate dateTime?", since.Signature())

	occu := c.Types["TOccu"]
	require.NotNil(t, occu)
	assert.Equal(t, "TEnro", occu.Base)
	assert.Equal(t, "ID", occu.Fields[0].Name, "base fields come first")
	vac, ok := occu.Field("Vacancies")
	require.True(t, ok)
	assert.True(t, vac.Nillable)
	item, _ := c.Types["ArrayOfTOccu"].Field("TOccu")
	assert.Equal(t, -1, item.MaxOccurs)

	clie := c.Types["TClie"]
	require.NotNil(t, clie)
	assert.Len(t, clie.Fields, 3, "TClie is code and names only")
	link := c.Types["TStaffLink"]
	require.NotNil(t, link)
	_, ok = link.Field("LinkType")
	assert.True(t, ok)
}

// A server may use other prefixes; types are kept by local name.
func TestParseAnyPrefixes(t *testing.T) {
	doc := `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:x="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" xmlns:so="http://schemas.xmlsoap.org/wsdl/soap/">
<types><x:schema targetNamespace="urn:t">
<x:element name="Op"><x:complexType><x:sequence><x:element name="a" type="x:int"/><x:element minOccurs="0" name="b" type="t:ArrayOfString"/></x:sequence></x:complexType></x:element>
<x:element name="OpResponse"><x:complexType><x:sequence><x:element minOccurs="0" name="OpResult" type="t:R"/></x:sequence></x:complexType></x:element>
<x:complexType name="R"><x:sequence><x:element name="v" type="x:string" nillable="true"/></x:sequence></x:complexType>
</x:schema></types>
<message name="In"><part name="parameters" element="t:Op"/></message>
<message name="Out"><part name="parameters" element="t:OpResponse"/></message>
<portType name="P"><operation name="Op"><input message="t:In"/><output message="t:Out"/></operation></portType>
<binding name="B" type="t:P"><operation name="Op"><so:operation soapAction="urn:t/Op"/></operation></binding>
</definitions>`
	c, err := Parse([]byte(doc))
	require.NoError(t, err)
	op := c.Operations["Op"]
	require.NotNil(t, op)
	assert.Equal(t, "urn:t/Op", op.Action)
	assert.Equal(t, []Element{{Name: "a", Type: "int", MinOccurs: 1, MaxOccurs: 1}, {Name: "b", Type: "ArrayOfString", MinOccurs: 0, MaxOccurs: 1}}, op.Params)
	assert.Equal(t, "R", op.Result.Type)
	assert.True(t, c.Types["R"].Fields[0].Nillable)
}

func TestParseRejectsNonWSDL(t *testing.T) {
	for _, doc := range []string{"", "<html><body>VT_API</body></html>", "not xml <"} {
		_, err := Parse([]byte(doc))
		assert.True(t, errors.Is(err, ErrNotWSDL), "%q: %v", doc, err)
	}
}

func TestSchemaIsStandalone(t *testing.T) {
	xsd, err := Schema(Document(""))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(xsd, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+`<s:schema xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns=`))
	assert.True(t, strings.HasSuffix(xsd, "</s:schema>\n"))
	_, err = Schema("<definitions/>")
	assert.ErrorIs(t, err, ErrNotWSDL)
}

func TestElementDefault(t *testing.T) {
	for typ, want := range map[string]string{"int": "0", "decimal": "0", "boolean": "false", "dateTime": "0001-01-01T00:00:00", "string": "", "TAuthenticate": ""} {
		assert.Equal(t, want, Element{Type: typ}.Default(), typ)
	}
}
