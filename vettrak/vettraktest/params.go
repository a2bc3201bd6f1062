package vettraktest

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// paramTypes reads each operation's parameter types from the embedded
// WSDL, so that the fake rejects a malformed value with a SOAP fault before
// running the operation, as ASMX's XmlSerializer does.
func paramTypes() map[string]map[string]string {
	var defs struct {
		Types struct {
			Schema struct {
				Elements []struct {
					Name    string `xml:"name,attr"`
					Complex struct {
						Seq struct {
							Elements []struct {
								Name string `xml:"name,attr"`
								Type string `xml:"type,attr"`
							} `xml:"element"`
						} `xml:"sequence"`
					} `xml:"complexType"`
				} `xml:"element"`
			} `xml:"schema"`
		} `xml:"types"`
	}
	out := map[string]map[string]string{}
	if err := xml.Unmarshal([]byte(wsdl.Document("")), &defs); err != nil {
		return out // the WSDL's own test catches this
	}
	for _, el := range defs.Types.Schema.Elements {
		if strings.HasSuffix(el.Name, "Response") {
			continue
		}
		m := map[string]string{}
		for _, p := range el.Complex.Seq.Elements {
			_, t, _ := strings.Cut(p.Type, ":")
			m[p.Name] = t
		}
		out[el.Name] = m
	}
	return out
}

// checkParams validates the present parameters of r by their WSDL type.
func (s *Server) checkParams(r *request) error {
	for name, typ := range s.params[r.op] {
		p := r.params[name]
		if p == nil || p.isNil {
			continue
		}
		switch typ {
		case "int":
			r.optInt(name)
		case "boolean":
			r.optBool(name)
		case "dateTime":
			r.optTime(name)
		case "ArrayOfInt":
			for _, it := range p.items {
				if _, err := parseInt32(it); err != nil {
					r.fail(name, fmt.Errorf("Input string was not in a correct format."))
				}
			}
		}
	}
	return r.err
}
