package vettraktest

import (
	"strconv"
	"time"

	"github.com/vtsync/vtsync/internal/xmltime"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// rec is one record's values by element name. record writes them the way
// ASMX's XmlSerializer writes a .NET object (standard behaviour, reference
// §7 [I]): every element in the order its XSD type declares; a null string
// or object (minOccurs 0) left out; a null value type that is nillable
// (int?, DateTime?) written as <X xsi:nil="true" />; a value type always
// written. The order and occurrence come from the embedded WSDL, so every
// response is valid against its schema by construction (the tests check
// that with xmllint).
//
// Values: string, int, int64, bool, vettrak.Decimal, time.Time (zero is
// null), *time.Time, *int, []string (ArrayOfString) and func(*xw) for a
// nested element's content.
type rec map[string]any

func (w *xw) record(typeName string, vals rec) {
	t := wsdl.Embedded().Types[typeName]
	if t == nil {
		return
	}
	for _, f := range t.Fields {
		w.value(f, vals[f.Name])
	}
}

func (w *xw) value(f wsdl.Element, v any) {
	switch x := v.(type) {
	case nil:
		w.null(f)
	case string:
		if x == "" && !f.Required() {
			return
		}
		w.text(f.Name, x)
	case vettrak.Decimal:
		if x == "" {
			w.null(f)
			return
		}
		w.text(f.Name, string(x))
	case int:
		w.text(f.Name, strconv.Itoa(x))
	case int64:
		w.text(f.Name, strconv.FormatInt(x, 10))
	case bool:
		w.text(f.Name, strconv.FormatBool(x))
	case *int:
		if x == nil {
			w.null(f)
			return
		}
		w.text(f.Name, strconv.Itoa(*x))
	case time.Time:
		if x.IsZero() {
			w.null(f)
			return
		}
		w.text(f.Name, xmltime.Format(x, w.loc))
	case *time.Time:
		if x == nil || x.IsZero() {
			w.null(f)
			return
		}
		w.text(f.Name, xmltime.Format(*x, w.loc))
	case []string:
		if x == nil {
			w.null(f)
			return
		}
		w.open(f.Name)
		for _, s := range x {
			w.text("string", s)
		}
		w.close(f.Name)
	case func(*xw):
		w.open(f.Name)
		x(w)
		w.close(f.Name)
	}
}

// null writes a missing value: nothing when the element is optional,
// xsi:nil when it is nillable, else the type's .NET default (what
// XmlSerializer writes for an unset value type).
func (w *xw) null(f wsdl.Element) {
	switch {
	case !f.Required():
	case f.Nillable:
		w.b.WriteString("<" + f.Name + ` xsi:nil="true" />`)
	default:
		w.text(f.Name, f.Default())
	}
}
