package vettrak

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Namespaces and actions.
const (
	// Namespace is VT_API's target namespace.
	Namespace    = "http://www.ozsoft.com.au/VETtrak/api/complete"
	soapEnvNS    = "http://schemas.xmlsoap.org/soap/envelope/"
	soap12EnvNS  = "http://www.w3.org/2003/05/soap-envelope"
	actionPrefix = Namespace + "/"
)

// callInfo travels with a request's context from invoke to the doer.
type callInfo struct {
	op        string
	schema    *node // what the response may contain, for validation
	delivered atomic.Bool
}

type callKey struct{}

func callFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callKey{}).(*callInfo)
	return ci
}

// callContext marks ctx for the meter and the doer.
func (a *Client) callContext(ctx context.Context, op string, write bool) context.Context {
	ctx = httpx.WithWrite(ctx, write)
	var n *node
	if s := a.spec(op); s != nil {
		n = a.schemaFor(s.resp)
	}
	return context.WithValue(ctx, callKey{}, &callInfo{op: op, schema: n})
}

// opFromRequest names the operation for the meter, from the SOAPAction.
func opFromRequest(req *http.Request) string {
	act := strings.Trim(req.Header.Get("SOAPAction"), `"`)
	if op, ok := strings.CutPrefix(act, actionPrefix); ok && op != "" {
		return op
	}
	if ci := callFrom(req.Context()); ci != nil {
		return ci.op
	}
	return "unknown"
}

// doer sits between roundTrip and the shared HTTP stack. It does what
// gowsdl v0.5.0's client got wrong or left out (reference §10):
//   - G1/G3/G4: keep-alive, a quoted SOAPAction, our User-Agent;
//   - body cap: gowsdl reads bodies without limit;
//   - G11: gowsdl turns every status >= 400 (faults included) into a raw
//     HTTPError; we return *FaultError or *HTTPError;
//   - G8: gowsdl silently zeroes a dateTime it cannot parse and has no
//     charset support; we check every typed value against the generated
//     types first and fail with a *DecodeError naming the element;
//   - nulls: elements marked xsi:nil are removed and the server's wire
//     names mapped back to the SDK's (normalise) before anything reads them.
type doer struct {
	api  *Client
	next *http.Client
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	a := d.api
	ci := callFrom(req.Context())
	op := "unknown"
	if ci != nil {
		op = ci.op
	}
	req.Close = false
	req.Header.Set("SOAPAction", `"`+strings.Trim(req.Header.Get("SOAPAction"), `"`)+`"`)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("User-Agent", a.cfg.UserAgent)
	resp, err := d.next.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := httpx.ReadLimited(resp.Body, a.cfg.MaxBodySize)
	resp.Body.Close()
	if err != nil {
		if errors.Is(err, httpx.ErrBodyTooLarge) {
			return nil, opErr(op, &DecodeError{Op: op, Err: err})
		}
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, opErr(op, a.failure(op, resp, body))
	}
	if body, err = toUTF8(body); err != nil {
		return nil, opErr(op, &DecodeError{Op: op, Err: err})
	}
	// ASMX writes control characters as character references XML 1.0
	// forbids (xmlchars.go); drop them before anything parses the body.
	body = dropIllegalChars(body)
	if body, err = a.normalise(body, op); err != nil {
		return nil, opErr(op, &DecodeError{Op: op, Err: fmt.Errorf("not XML: %w", err)})
	}
	if ci != nil {
		ci.delivered.Store(true)
		if rec, err := validate(body, op, ci.schema); err != nil {
			// The message may quote the value (strconv errors do, Go-quoted),
			// which may be a secret echoed back, or a megabyte long.
			return nil, opErr(op, &DecodeError{Op: op, Record: a.secrets.Excerpt(rec, 0), Err: errors.New(a.secrets.Excerpt(err.Error(), 0))})
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// failure reads an error response: a SOAP fault when the body holds one,
// otherwise an HTTP error.
func (a *Client) failure(op string, resp *http.Response, body []byte) error {
	if f, ok := parseFault(body); ok {
		f.Op = op
		f.StatusCode = resp.StatusCode
		f.Code = a.secrets.Excerpt(f.Code, 0)
		f.String = a.secrets.Excerpt(f.String, 0)
		f.Actor = a.secrets.Excerpt(f.Actor, 0)
		f.Detail = a.secrets.Excerpt(f.Detail, 0)
		return f
	}
	return a.httpError(op, resp.StatusCode, resp.Status, body)
}

// maxHTTPErrorBody is how much of a non-fault error body an HTTPError keeps.
const maxHTTPErrorBody = 512

func (a *Client) httpError(op string, code int, status string, body []byte) *HTTPError {
	// Mask, then cut: cutting first could leave the start of a secret.
	text := a.secrets.Excerpt(strings.TrimSpace(string(body)), maxHTTPErrorBody)
	return &HTTPError{Op: op, StatusCode: code, Status: a.secrets.Excerpt(status, 0), Body: text}
}

// parseFault reads a SOAP 1.1 (or 1.2) fault envelope.
func parseFault(body []byte) (*FaultError, bool) {
	var env struct {
		Body struct {
			Fault *struct {
				Code   string `xml:"faultcode"`
				String string `xml:"faultstring"`
				Actor  string `xml:"faultactor"`
				Detail struct {
					Inner string `xml:",innerxml"`
				} `xml:"detail"`
				// SOAP 1.2
				Code12 struct {
					Value string `xml:"Value"`
				} `xml:"Code"`
				Reason12 struct {
					Text string `xml:"Text"`
				} `xml:"Reason"`
			} `xml:"Fault"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal(body, &env); err != nil || env.Body.Fault == nil {
		return nil, false
	}
	f := env.Body.Fault
	fe := &FaultError{Code: f.Code, String: strings.TrimSpace(f.String), Actor: f.Actor, Detail: strings.TrimSpace(f.Detail.Inner)}
	if fe.Code == "" {
		fe.Code = f.Code12.Value
	}
	if fe.String == "" {
		fe.String = strings.TrimSpace(f.Reason12.Text)
	}
	return fe, true // the caller masks, then caps
}

// validate checks a 200 response before gowsdl decodes it: a SOAP 1.1
// envelope whose body holds the expected response element (or a fault),
// and typed values gowsdl would reject or silently drop. It returns the
// path of the offending element.
func validate(body []byte, op string, root *node) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	start, err := nextStart(dec)
	if err != nil {
		return "", fmt.Errorf("not XML: %w", err)
	}
	switch {
	case start.Name.Local != "Envelope":
		return start.Name.Local, fmt.Errorf("not a SOAP envelope: root element <%s>", start.Name.Local)
	case start.Name.Space == soap12EnvNS:
		return "Envelope", errors.New("a SOAP 1.2 envelope; this client speaks SOAP 1.1")
	case start.Name.Space != soapEnvNS:
		return "Envelope", fmt.Errorf("envelope namespace %q is not SOAP 1.1", start.Name.Space)
	}
	for {
		se, err := nextStart(dec)
		if err != nil {
			return "Envelope", fmt.Errorf("no SOAP body: %w", err)
		}
		if se.Name.Local == "Body" {
			break
		}
		if err := dec.Skip(); err != nil {
			return se.Name.Local, err
		}
	}
	se, err := nextStart(dec)
	if err != nil {
		return "Body", fmt.Errorf("empty SOAP body: %w", err)
	}
	if se.Name.Local == "Fault" {
		return "", nil // gowsdl decodes it into a *soap.SOAPFault
	}
	want := op + "Response"
	if se.Name.Local != want {
		return se.Name.Local, fmt.Errorf("expected <%s>, got <%s>", want, se.Name.Local)
	}
	if root == nil {
		return "", dec.Skip()
	}
	return walk(dec, root, nil)
}

func nextStart(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, fmt.Errorf("unexpected </%s>", t.Name.Local)
		}
	}
}

// walk checks the children of the current element against n.
func walk(dec *xml.Decoder, n *node, path []string) (string, error) {
	seen := map[string]int{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return strings.Join(path, "/"), err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return "", nil
		case xml.StartElement:
			name := t.Name.Local
			seen[name]++
			elem := name
			if len(path) > 0 && n.list {
				elem = fmt.Sprintf("%s[%d]", name, seen[name])
			}
			child := n.children[name]
			here := append(path, elem)
			if child == nil {
				if err := dec.Skip(); err != nil {
					return strings.Join(here, "/"), err
				}
				continue
			}
			if child.kind == kindStruct {
				if rec, err := walk(dec, child, here); err != nil {
					return rec, err
				}
				continue
			}
			var s string
			if err := dec.DecodeElement(&s, &t); err != nil {
				return strings.Join(here, "/"), err
			}
			if err := child.check(s); err != nil {
				return strings.Join(here, "/"), err
			}
		}
	}
}

// node is the shape of a generated type, derived by reflection: what a
// response may contain and how each leaf must parse.
type node struct {
	kind     kind
	bits     int
	list     bool // children repeat (an ArrayOf… type)
	children map[string]*node
}

type kind uint8

const (
	kindStruct kind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindDateTime
)

func (a *Client) schemaFor(t reflect.Type) *node {
	if n, ok := a.schemas.Load(t); ok {
		return n.(*node)
	}
	n := buildNode(t, 0)
	a.schemas.Store(t, n)
	return n
}

func buildNode(t reflect.Type, depth int) *node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return &node{kind: kindString}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &node{kind: kindInt, bits: t.Bits()}
	case reflect.Float32, reflect.Float64:
		return &node{kind: kindFloat, bits: t.Bits()}
	case reflect.Bool:
		return &node{kind: kindBool}
	case reflect.Struct:
	default:
		return &node{kind: kindString}
	}
	if t.Name() == "XSDDateTime" {
		return &node{kind: kindDateTime}
	}
	n := &node{kind: kindStruct, children: map[string]*node{}}
	if depth > 12 {
		return n
	}
	fields := 0
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			inner := buildNode(f.Type, depth+1)
			for k, v := range inner.children {
				n.children[k] = v
			}
			continue
		}
		if !f.IsExported() || f.Name == "XMLName" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields++
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
			n.list = true
		}
		n.children[name] = buildNode(ft, depth+1)
	}
	if fields != 1 {
		n.list = false
	}
	return n
}

// check mirrors encoding/xml and gowsdl: what they accept passes; what
// they reject, or would silently replace with zero, fails.
func (n *node) check(s string) error {
	switch n.kind {
	case kindInt:
		if s == "" {
			return nil
		}
		_, err := parseInt(s, n.bits)
		return err
	case kindFloat:
		if s == "" {
			return nil
		}
		return checkDecimal(s)
	case kindBool:
		if s == "" {
			return nil
		}
		return checkBool(s)
	case kindDateTime:
		return checkDateTime(s)
	}
	return nil
}
