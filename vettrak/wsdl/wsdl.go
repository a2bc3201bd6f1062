// Package wsdl embeds VT_API.wsdl, the service description of the subset
// of VETtrak's VT_API that vtsync uses. The vettrak client's SOAP layer is
// generated from it and the vettraktest fake serves it at ?WSDL.
package wsdl

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed VT_API.wsdl
var document string

// placeholder is the soap:address in the file; Document replaces it.
const placeholder = "https://localhost/VT_API.asmx"

// Document returns the WSDL with its soap:address set to endpoint (the
// VT_API.asmx URL); an empty endpoint keeps the placeholder.
func Document(endpoint string) string { return Address(document, endpoint) }

// Address returns doc (a WSDL holding the placeholder address, such as
// Document("") or a variant of it) with its soap:address set to endpoint;
// an empty endpoint keeps the placeholder.
func Address(doc, endpoint string) string {
	if endpoint == "" {
		return doc
	}
	var b strings.Builder
	escapeAttr(&b, endpoint)
	return strings.Replace(doc, `location="`+placeholder+`"`, `location="`+b.String()+`"`, 1)
}

func escapeAttr(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
}

// embedded is the parsed embedded document; it never changes.
var embedded = sync.OnceValues(func() (*Contract, error) { return Parse([]byte(document)) })

// Embedded returns the contract of the embedded WSDL, the one the SDK is
// built against. The package's tests make sure it parses.
func Embedded() *Contract {
	c, err := embedded()
	if err != nil {
		return &Contract{Operations: map[string]*Operation{}, Types: map[string]*ComplexType{}}
	}
	return c
}
