package vettraktest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vtsync/vtsync/internal/xmltime"
)

const (
	namespace = "http://www.ozsoft.com.au/VETtrak/api/complete"
	soapEnvNS = "http://schemas.xmlsoap.org/soap/envelope/"
	xsiNS     = "http://www.w3.org/2001/XMLSchema-instance"
)

// request is a parsed SOAP call: the body element's name and its children
// by local name, as ASMX's XmlSerializer sees them (missing value-type
// parameters take their default; unknown elements are ignored).
type request struct {
	op     string
	params map[string]*param
	order  []string // parameter names as they arrived
	loc    *time.Location
	err    error // the first parameter that did not parse
}

type param struct {
	text      string
	items     []string // child elements' text, for lists
	itemNames []string // child elements' names
	isNil     bool
}

var errNotSOAP = errors.New("not a SOAP 1.1 envelope")

// parseRequest reads a SOAP 1.1 envelope.
func parseRequest(body []byte, loc *time.Location) (*request, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	var depth int
	r := &request{params: map[string]*param{}, loc: loc}
	var cur *param
	var curName string
	var inOp, inBody bool
	for {
		tok, err := dec.Token()
		if err != nil {
			if depth == 0 {
				return nil, fmt.Errorf("%w: %v", errNotSOAP, err)
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "Envelope" || t.Name.Space != soapEnvNS {
					return nil, errNotSOAP
				}
			case depth == 2 && t.Name.Local == "Body" && t.Name.Space == soapEnvNS:
				inBody = true
			case depth == 2:
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				depth--
			case depth == 3 && inBody:
				if r.op != "" {
					return nil, errors.New("more than one element in the SOAP body")
				}
				if t.Name.Space != namespace {
					return nil, fmt.Errorf("element <%s> is not in namespace %s", t.Name.Local, namespace)
				}
				r.op, inOp = t.Name.Local, true
			case depth == 4 && inOp:
				curName = t.Name.Local
				cur = &param{}
				for _, a := range t.Attr {
					// xsi:nil, whether or not the request declares the prefix.
					if (a.Name.Space == xsiNS || a.Name.Space == "xsi") && a.Name.Local == "nil" && strings.TrimSpace(a.Value) == "true" {
						cur.isNil = true
					}
				}
				r.params[curName] = cur
				r.order = append(r.order, curName)
			case depth == 5 && cur != nil:
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return nil, err
				}
				cur.items = append(cur.items, s)
				cur.itemNames = append(cur.itemNames, t.Name.Local)
				depth--
			default:
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				depth--
			}
		case xml.CharData:
			if depth == 4 && cur != nil {
				cur.text += string(t)
			}
		case xml.EndElement:
			if depth == 4 {
				cur = nil
			}
			if depth == 3 {
				inOp = false
			}
			depth--
			if depth == 0 {
				if r.op == "" {
					return nil, errors.New("empty SOAP body")
				}
				return r, nil
			}
		}
	}
}

func (r *request) fail(name string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("parameter %s: %w", name, err)
	}
}

// str returns a string parameter; "" when absent or nil.
func (r *request) str(name string) string {
	if p := r.params[name]; p != nil && !p.isNil {
		return p.text
	}
	return ""
}

// has reports whether a parameter was sent (even empty).
func (r *request) has(name string) bool {
	p := r.params[name]
	return p != nil && !p.isNil
}

// int returns an int parameter; 0 when absent (ASMX's default).
func (r *request) int(name string) int {
	v, _ := r.optInt(name)
	return v
}

func (r *request) optInt(name string) (int, bool) {
	p := r.params[name]
	if p == nil || p.isNil {
		return 0, false
	}
	v, err := parseInt32(p.text)
	if err != nil {
		r.fail(name, errors.New("Input string was not in a correct format."))
		return 0, false
	}
	return int(v), true
}

func (r *request) bool(name string) bool {
	v, _ := r.optBool(name)
	return v
}

func (r *request) optBool(name string) (bool, bool) {
	p := r.params[name]
	if p == nil || p.isNil {
		return false, false
	}
	switch strings.TrimSpace(p.text) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	r.fail(name, errors.New("The string '"+p.text+"' is not a valid Boolean value."))
	return false, false
}

// time returns a dateTime parameter in the server's zone; zero when
// absent.
func (r *request) time(name string) time.Time {
	t, _ := r.optTime(name)
	return t
}

func (r *request) optTime(name string) (time.Time, bool) {
	p := r.params[name]
	if p == nil || p.isNil {
		return time.Time{}, false
	}
	s := strings.TrimSpace(p.text)
	if s != "" && !strings.Contains(s, "T") {
		s += "T00:00:00" // XmlSerializer accepts a bare date
	}
	t, err := xmltime.Parse(s, r.loc)
	if err != nil || s == "" {
		r.fail(name, fmt.Errorf("The string '%s' is not a valid AllXsd value.", p.text))
		return time.Time{}, false
	}
	return t, !t.IsZero()
}

func (r *request) list(name string) []string {
	if p := r.params[name]; p != nil {
		return p.items
	}
	return nil
}

// xw writes response XML the way ASMX's XmlSerializer does: null strings
// are omitted, value types always written, text escaped.
type xw struct {
	b   bytes.Buffer
	loc *time.Location
}

func (w *xw) open(name string)  { w.b.WriteByte('<'); w.b.WriteString(name); w.b.WriteByte('>') }
func (w *xw) close(name string) { w.b.WriteString("</"); w.b.WriteString(name); w.b.WriteByte('>') }

func (w *xw) text(name, v string) {
	w.open(name)
	escape(&w.b, v)
	w.close(name)
}

// escape writes s as XML text. Characters XML 1.0 cannot carry are
// dropped, as a defensive fake should rather than emit a broken document.
func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == utf8.RuneError && size == 1:
		case r < 0x20 && r != '\t' && r != '\n':
		case r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// envelope wraps a response element.
func envelope(op string, result []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>`)
	b.WriteString(`<` + op + `Response xmlns="` + namespace + `"><` + op + `Result>`)
	b.Write(result)
	b.WriteString(`</` + op + `Result></` + op + `Response></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

// faultEnvelope is ASMX's SOAP 1.1 fault.
func faultEnvelope(code, msg string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault><faultcode>`)
	b.WriteString(code)
	b.WriteString(`</faultcode><faultstring>`)
	escape(&b, msg)
	b.WriteString(`</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

func parseInt32(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 32) }
