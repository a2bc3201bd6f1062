package vettraktest

import (
	"bytes"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// WSDLVariant makes the fake serve a WSDL that differs from the SDK's, as
// another VETtrak version or install might, and answer accordingly: the
// served document, the strict parameter check, the names the fake reads
// and the names it writes all follow the variant. Tests use it to show
// what (*vettrak.Client).CheckContract reports and that vettrak.WithWireNames
// makes a renamed server work.
type WSDLVariant struct {
	// RenameParams: operation -> the SDK's parameter name -> the server's.
	RenameParams map[string]map[string]string
	// RenameFields: complex type -> the SDK's element name -> the
	// server's (result containers and record fields). Responses use the
	// server's names.
	RenameFields map[string]map[string]string
	// RemoveOperations are not offered: left out of the WSDL and answered
	// with ASMX's "did not recognize" fault.
	RemoveOperations []string
	// ParamTypes: operation -> parameter -> the XSD type the server
	// declares instead (e.g. "s:string").
	ParamTypes map[string]map[string]string
}

// WithWSDLVariant serves v instead of the embedded contract.
func WithWSDLVariant(v WSDLVariant) Option { return func(s *Server) { s.variant = &v } }

// apply returns doc changed by the variant.
func (v *WSDLVariant) apply(doc string) string {
	for op, m := range v.RenameParams {
		doc = editBlock(doc, `<s:element name="`+op+`">`, "</s:element>", func(b string) string {
			for ours, theirs := range m {
				b = strings.ReplaceAll(b, `name="`+ours+`"`, `name="`+theirs+`"`)
			}
			return b
		})
	}
	for typ, m := range v.RenameFields {
		doc = editBlock(doc, `<s:complexType name="`+typ+`">`, "</s:complexType>", func(b string) string {
			for ours, theirs := range m {
				b = strings.ReplaceAll(b, `name="`+ours+`"`, `name="`+theirs+`"`)
			}
			return b
		})
	}
	for op, m := range v.ParamTypes {
		doc = editBlock(doc, `<s:element name="`+op+`">`, "</s:element>", func(b string) string {
			for p, typ := range m {
				re := regexp.MustCompile(`(name="` + regexp.QuoteMeta(p) + `"[^>]*?type=")[^"]*(")`)
				b = re.ReplaceAllString(b, "${1}"+typ+"${2}")
			}
			return b
		})
	}
	for _, op := range v.RemoveOperations {
		for range 2 { // the port type's and the binding's
			doc = editBlock(doc, `<wsdl:operation name="`+op+`">`, "</wsdl:operation>", func(string) string { return "" })
		}
	}
	return doc
}

// editBlock replaces the first block from start to the next end with
// edit's result.
func editBlock(doc, start, end string, edit func(string) string) string {
	i := strings.Index(doc, start)
	if i < 0 {
		return doc
	}
	j := strings.Index(doc[i:], end)
	if j < 0 {
		return doc
	}
	j += i + len(end)
	return doc[:i] + edit(doc[i:j]) + doc[j:]
}

// removed reports whether op is left out.
func (v *WSDLVariant) removed(op string) bool {
	return v != nil && slices.Contains(v.RemoveOperations, op)
}

// toSDKNames renames a request's parameters from the server's names to the
// SDK's, which the handlers read.
func (v *WSDLVariant) toSDKNames(r *request) {
	if v == nil {
		return
	}
	for ours, theirs := range v.RenameParams[r.op] {
		if p, ok := r.params[theirs]; ok {
			delete(r.params, theirs)
			r.params[ours] = p
		}
	}
}

// toServerNames renames elements of a response body (written with the
// SDK's names, without prefixes) to the server's.
func (v *WSDLVariant) toServerNames(body []byte) []byte {
	if v == nil {
		return body
	}
	for _, typ := range slices.Sorted(maps.Keys(v.RenameFields)) {
		for ours, theirs := range v.RenameFields[typ] {
			for _, pair := range [][2]string{{"<" + ours + ">", "<" + theirs + ">"}, {"</" + ours + ">", "</" + theirs + ">"},
				{"<" + ours + " ", "<" + theirs + " "}, {"<" + ours + "/>", "<" + theirs + "/>"}} {
				body = bytes.ReplaceAll(body, []byte(pair[0]), []byte(pair[1]))
			}
		}
	}
	return body
}
