package vettraktest

import (
	"errors"
	"fmt"
	"slices"

	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// checkParams validates a request against the contract the fake serves
// (the embedded WSDL, or a variant's).
//
// Strict mode (the default) rejects what a careful server would, so that a
// wrong parameter name fails a test instead of passing silently: an
// element the operation does not declare, a required (minOccurs=1) element
// that is missing, xsi:nil on an element that is not nillable, elements
// out of the declared order, and list items that are not <string>/<int>.
// The SOAP fault names the element. UNCONFIRMED as real behaviour: the
// real ASMX does none of this (see WithLenient).
//
// Lenient mode reproduces ASP.NET ASMX's XmlSerializer (reference §7
// [I]): unknown elements are ignored and a missing value-type parameter
// takes its default (0, false, DateTime.MinValue); only a value that does
// not parse is a fault.
func (s *Server) checkParams(r *request, op *wsdl.Operation) error {
	if !s.lenient {
		if err := strictCheck(r, op); err != nil {
			return err
		}
	}
	for _, p := range op.Params {
		v := r.params[p.Name]
		if v == nil || v.isNil {
			continue
		}
		switch p.Type {
		case "int":
			r.optInt(p.Name)
		case "boolean":
			r.optBool(p.Name)
		case "dateTime":
			r.optTime(p.Name)
		case "ArrayOfInt":
			for _, it := range v.items {
				if _, err := parseInt32(it); err != nil {
					r.fail(p.Name, errors.New("Input string was not in a correct format."))
				}
			}
		}
	}
	return r.err
}

func strictCheck(r *request, op *wsdl.Operation) error {
	last := -1
	for _, name := range r.order {
		i := slices.IndexFunc(op.Params, func(p wsdl.Element) bool { return p.Name == name })
		if i < 0 {
			return fmt.Errorf("unknown element <%s>: %s has no such parameter", name, op.Name)
		}
		if i == last {
			return fmt.Errorf("element <%s> appears more than once", name)
		}
		if i < last {
			return fmt.Errorf("element <%s> is out of order: %s declares it before <%s>", name, op.Name, op.Params[last].Name)
		}
		last = i
		p, v := op.Params[i], r.params[name]
		if v.isNil && !p.Nillable {
			return fmt.Errorf("element <%s> is xsi:nil but %s is not nillable", name, p.Type)
		}
		want := map[string]string{"ArrayOfString": "string", "ArrayOfInt": "int"}[p.Type]
		for _, it := range v.itemNames {
			if it != want {
				return fmt.Errorf("element <%s> holds <%s>; a %s holds <%s> items", name, it, p.Type, want)
			}
		}
	}
	for _, p := range op.Params {
		if p.Required() && r.params[p.Name] == nil {
			return fmt.Errorf("missing required element <%s> (minOccurs=1) of %s", p.Name, op.Name)
		}
	}
	return nil
}
