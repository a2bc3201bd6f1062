package wsdl

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Contract is what a client depends on in a VT_API service description:
// each operation's parameters (names, order, types, occurrence) and result
// element, and the record types they use. It is read from a WSDL in the
// shape ASP.NET ASMX publishes (document/literal wrapped, one schema).
type Contract struct {
	Operations map[string]*Operation
	Types      map[string]*ComplexType
}

// Operation is one operation of the port type.
type Operation struct {
	Name   string
	Action string // the SOAP 1.1 binding's soapAction
	// Params are the children of the request element, in order.
	Params []Element
	// Result is the single child of the response element (<OpResult>);
	// nil when the WSDL declares none.
	Result *Element
}

// Param returns the parameter called name.
func (o *Operation) Param(name string) (Element, bool) { return find(o.Params, name) }

func find(es []Element, name string) (Element, bool) {
	for _, e := range es {
		if e.Name == name {
			return e, true
		}
	}
	return Element{}, false
}

// ComplexType is a named record or list type. Fields include those of the
// base type (complexContent extension) first, as XmlSerializer writes them.
type ComplexType struct {
	Name   string
	Base   string
	Fields []Element
}

// Field returns the field called name.
func (t *ComplexType) Field(name string) (Element, bool) { return find(t.Fields, name) }

// Element is one element declaration. Type is the local type name without
// its prefix ("int", "dateTime", "TAuthenticate", "ArrayOfString").
type Element struct {
	Name      string
	Type      string
	MinOccurs int
	// MaxOccurs is -1 for "unbounded".
	MaxOccurs int
	Nillable  bool
}

// Required reports minOccurs >= 1: ASMX itself then always writes the
// element (as xsi:nil="true" when it is nillable and null).
func (e Element) Required() bool { return e.MinOccurs >= 1 }

// Default is the lexical form of .NET's default value for the element's
// type (0, false, DateTime.MinValue): what ASMX's XmlSerializer assumes
// for a missing value-type element and writes for an unset one. Other
// types default to "".
func (e Element) Default() string {
	switch e.Type {
	case "int", "long", "short", "byte", "decimal", "double", "float":
		return "0"
	case "boolean":
		return "false"
	case "dateTime":
		return "0001-01-01T00:00:00"
	}
	return ""
}

// Signature is the element in the form the contract check prints.
func (e Element) Signature() string {
	s := e.Name + " " + e.Type
	if e.Nillable {
		s += "?"
	}
	return s
}

type xElement struct {
	Name      string `xml:"name,attr"`
	Type      string `xml:"type,attr"`
	MinOccurs string `xml:"minOccurs,attr"`
	MaxOccurs string `xml:"maxOccurs,attr"`
	Nillable  string `xml:"nillable,attr"`
	Complex   *xType `xml:"complexType"`
}

type xType struct {
	Name     string      `xml:"name,attr"`
	Seq      []xElement  `xml:"sequence>element"`
	Extended *xExtension `xml:"complexContent>extension"`
}

type xExtension struct {
	Base string     `xml:"base,attr"`
	Seq  []xElement `xml:"sequence>element"`
}

type xDefinitions struct {
	Schemas []struct {
		Elements []xElement `xml:"element"`
		Types    []xType    `xml:"complexType"`
	} `xml:"types>schema"`
	Messages []struct {
		Name  string `xml:"name,attr"`
		Parts []struct {
			Element string `xml:"element,attr"`
		} `xml:"part"`
	} `xml:"message"`
	PortTypes []struct {
		Operations []struct {
			Name  string `xml:"name,attr"`
			Input struct {
				Message string `xml:"message,attr"`
			} `xml:"input"`
			Output struct {
				Message string `xml:"message,attr"`
			} `xml:"output"`
		} `xml:"operation"`
	} `xml:"portType"`
	Bindings []struct {
		Operations []struct {
			Name   string `xml:"name,attr"`
			Action struct {
				SOAPAction string `xml:"soapAction,attr"`
			} `xml:"operation"`
		} `xml:"operation"`
	} `xml:"binding"`
}

func local(qname string) string {
	if _, l, ok := strings.Cut(qname, ":"); ok {
		return l
	}
	return qname
}

func (x xElement) element() Element {
	e := Element{Name: x.Name, Type: local(x.Type), MinOccurs: 1, MaxOccurs: 1, Nillable: x.Nillable == "true"}
	if x.MinOccurs != "" {
		e.MinOccurs, _ = strconv.Atoi(x.MinOccurs)
	}
	switch x.MaxOccurs {
	case "":
	case "unbounded":
		e.MaxOccurs = -1
	default:
		e.MaxOccurs, _ = strconv.Atoi(x.MaxOccurs)
	}
	return e
}

func elements(xs []xElement) []Element {
	out := make([]Element, len(xs))
	for i, x := range xs {
		out[i] = x.element()
	}
	return out
}

// ErrNotWSDL is returned by Parse for a document that is not a WSDL 1.1
// service description with a schema.
var ErrNotWSDL = errors.New("wsdl: not a WSDL 1.1 document with an XML schema")

// Parse reads a WSDL document. It accepts any prefixes; types are kept
// by local name.
func Parse(doc []byte) (*Contract, error) {
	var d xDefinitions
	if err := xml.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotWSDL, err)
	}
	if len(d.Schemas) == 0 || len(d.PortTypes) == 0 {
		return nil, ErrNotWSDL
	}
	c := &Contract{Operations: map[string]*Operation{}, Types: map[string]*ComplexType{}}
	top := map[string]xElement{}
	raw := map[string]xType{}
	for _, s := range d.Schemas {
		for _, e := range s.Elements {
			top[e.Name] = e
		}
		for _, t := range s.Types {
			raw[t.Name] = t
		}
	}
	var resolve func(name string, depth int) []Element
	resolve = func(name string, depth int) []Element {
		t, ok := raw[name]
		if !ok || depth > 16 {
			return nil
		}
		if t.Extended != nil {
			return append(resolve(local(t.Extended.Base), depth+1), elements(t.Extended.Seq)...)
		}
		return elements(t.Seq)
	}
	for name, t := range raw {
		ct := &ComplexType{Name: name, Fields: resolve(name, 0)}
		if t.Extended != nil {
			ct.Base = local(t.Extended.Base)
		}
		c.Types[name] = ct
	}
	msgElement := map[string]string{}
	for _, m := range d.Messages {
		if len(m.Parts) == 1 {
			msgElement[m.Name] = local(m.Parts[0].Element)
		}
	}
	actions := map[string]string{}
	for _, b := range d.Bindings {
		for _, o := range b.Operations {
			if o.Action.SOAPAction != "" {
				actions[o.Name] = o.Action.SOAPAction
			}
		}
	}
	for _, pt := range d.PortTypes {
		for _, o := range pt.Operations {
			if _, dup := c.Operations[o.Name]; dup {
				continue
			}
			op := &Operation{Name: o.Name, Action: actions[o.Name]}
			if in, ok := top[msgElement[local(o.Input.Message)]]; ok && in.Complex != nil {
				op.Params = elements(in.Complex.Seq)
			}
			if out, ok := top[msgElement[local(o.Output.Message)]]; ok && out.Complex != nil && len(out.Complex.Seq) > 0 {
				r := out.Complex.Seq[0].element()
				op.Result = &r
			}
			c.Operations[o.Name] = op
		}
	}
	return c, nil
}

// Schema returns the XML schema inside a WSDL document as a standalone
// XSD, with the namespace declarations of the enclosing definitions copied
// onto it, for validators such as xmllint --schema.
func Schema(doc string) (string, error) {
	start := strings.Index(doc, "<s:schema")
	end := strings.Index(doc, "</s:schema>")
	if start < 0 || end < start {
		return "", ErrNotWSDL
	}
	body := doc[start : end+len("</s:schema>")]
	decl := ` xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://www.ozsoft.com.au/VETtrak/api/complete"`
	return `<?xml version="1.0" encoding="utf-8"?>` + "\n" + "<s:schema" + decl + body[len("<s:schema"):] + "\n", nil
}
