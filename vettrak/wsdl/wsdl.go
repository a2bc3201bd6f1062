// Package wsdl embeds VT_API.wsdl, the service description of the subset
// of VETtrak's VT_API that vtsync uses. The vettrak client's SOAP layer is
// generated from it and the vettraktest fake serves it at ?WSDL.
package wsdl

import (
	_ "embed"
	"strings"
)

//go:embed VT_API.wsdl
var document string

// placeholder is the soap:address in the file; Document replaces it.
const placeholder = "https://localhost/VT_API.asmx"

// Document returns the WSDL with its soap:address set to endpoint (the
// VT_API.asmx URL); an empty endpoint keeps the placeholder.
func Document(endpoint string) string {
	if endpoint == "" {
		return document
	}
	var b strings.Builder
	escapeAttr(&b, endpoint)
	return strings.Replace(document, `location="`+placeholder+`"`, `location="`+b.String()+`"`, 1)
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
