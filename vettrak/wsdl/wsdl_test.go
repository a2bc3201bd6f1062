package wsdl

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocumentIsWSDLWithEveryOperationBound(t *testing.T) {
	doc := Document("http://127.0.0.1:1234/VT_API.asmx?a=1&b=2")
	assert.Contains(t, doc, `location="http://127.0.0.1:1234/VT_API.asmx?a=1&amp;b=2"`)
	var defs struct {
		TargetNamespace string `xml:"targetNamespace,attr"`
		PortType        struct {
			Ops []struct {
				Name string `xml:"name,attr"`
			} `xml:"operation"`
		} `xml:"portType"`
		Binding struct {
			Ops []struct {
				Name string `xml:"name,attr"`
				Op   struct {
					Action string `xml:"soapAction,attr"`
				} `xml:"operation"`
			} `xml:"operation"`
		} `xml:"binding"`
	}
	require.NoError(t, xml.Unmarshal([]byte(doc), &defs))
	assert.Equal(t, "http://www.ozsoft.com.au/VETtrak/api/complete", defs.TargetNamespace)
	require.NotEmpty(t, defs.PortType.Ops)
	require.Len(t, defs.Binding.Ops, len(defs.PortType.Ops))
	for _, op := range defs.Binding.Ops {
		assert.Equal(t, defs.TargetNamespace+"/"+op.Name, op.Op.Action, op.Name)
	}
	assert.Equal(t, 1, strings.Count(Document(""), placeholder))
}
