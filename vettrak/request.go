package vettrak

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vtsync/vtsync/internal/xmltime"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// args are an operation's parameter values, keyed by the embedded WSDL's
// parameter names. Values: string ("" is null, left out unless required),
// *string (nil is null; a pointer to "" sends an empty element), int32,
// *int32, bool, *bool, time.Time (zero is null), *time.Time, []string,
// []int32. The token parameter is filled in by invoke.
type args map[string]any

// encodeRequest writes the SOAP 1.1 envelope of one call. Every parameter
// is written in the WSDL's order under the server's wire name (see
// WithWireNames). A required parameter (minOccurs=1) is always written:
// null as xsi:nil="true" when it is nillable, otherwise its type's default
// (ASMX's own value for a missing element), so nothing depends on ASMX's
// silent defaulting.
func (a *Client) encodeRequest(op *opSpec, token string, in args) ([]byte, error) {
	decl, ok := embedded().Operations[op.Name]
	if !ok {
		return nil, fmt.Errorf("operation %s is not in the embedded WSDL", op.Name)
	}
	if op.TokenParam != "" {
		in[op.TokenParam] = token
	}
	for k := range in {
		if _, ok := decl.Param(k); !ok {
			return nil, fmt.Errorf("%s has no parameter %s in the embedded WSDL", op.Name, k)
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	// One parameter a line: white space between elements means nothing
	// to ASMX, and the golden copies in testdata stay readable.
	b.WriteString(`<soap:Envelope xmlns:soap="` + soapEnvNS + `" xmlns:xsi="` + xsiNS + `" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` + "\n")
	b.WriteString("  <soap:Body>\n    <" + op.Name + ` xmlns="` + Namespace + `">` + "\n")
	for _, p := range decl.Params {
		mark := b.Len()
		b.WriteString("      ")
		if err := a.encodeParam(&b, op.Name, p, in[p.Name]); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if b.Len() == mark+6 {
			b.Truncate(mark) // left out
		} else {
			b.WriteByte('\n')
		}
	}
	b.WriteString("    </" + op.Name + ">\n  </soap:Body>\n</soap:Envelope>\n")
	return b.Bytes(), nil
}

func (a *Client) encodeParam(b *bytes.Buffer, op string, p wsdl.Element, v any) error {
	name := a.cfg.wire.toServer(op, p.Name)
	text := func(s string) {
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(b, []byte(s))
		b.WriteString("</" + name + ">")
	}
	null := func() {
		switch {
		case !p.Required():
		case p.Nillable:
			b.WriteString("<" + name + ` xsi:nil="true" />`)
		default:
			text(p.Default())
		}
	}
	switch x := v.(type) {
	case nil:
		null()
	case string:
		if x == "" && !p.Required() {
			return nil
		}
		text(x)
	case *string:
		if x == nil {
			null()
		} else {
			text(*x)
		}
	case int32:
		text(strconv.FormatInt(int64(x), 10))
	case *int32:
		if x == nil {
			null()
		} else {
			text(strconv.FormatInt(int64(*x), 10))
		}
	case bool:
		text(strconv.FormatBool(x))
	case *bool:
		if x == nil {
			null()
		} else {
			text(strconv.FormatBool(*x))
		}
	case time.Time:
		// Zoneless in the provider's zone, the form VETtrak itself sends:
		// an offset would make .NET convert to the server's local time.
		if x.IsZero() {
			null()
		} else {
			text(xmltime.Format(x, a.cfg.loc))
		}
	case *time.Time:
		if x == nil || x.IsZero() {
			null()
		} else {
			text(xmltime.Format(*x, a.cfg.loc))
		}
	case []string:
		writeList(b, name, "string", x, func(s string) string { return s }, null)
	case []int32:
		writeList(b, name, "int", x, func(n int32) string { return strconv.FormatInt(int64(n), 10) }, null)
	default:
		return fmt.Errorf("unsupported value type %T", v)
	}
	return nil
}

// writeList writes an ASMX List<T>: one <item> element per value; an
// empty list is null.
func writeList[T any](b *bytes.Buffer, name, item string, vs []T, text func(T) string, null func()) {
	if len(vs) == 0 {
		null()
		return
	}
	b.WriteString("<" + name + ">")
	for _, v := range vs {
		b.WriteString("<" + item + ">")
		_ = xml.EscapeText(b, []byte(text(v)))
		b.WriteString("</" + item + ">")
	}
	b.WriteString("</" + name + ">")
}

// roundTrip posts one envelope and decodes the response element into out.
// It returns the (normalised) response body for second readings such as
// exact money.
func (a *Client) roundTrip(ctx context.Context, op string, body []byte, out any) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("SOAPAction", `"`+actionPrefix+op+`"`)
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	if !bytes.Contains(raw, []byte("Fault")) {
		// fast path: no fault to look for
	} else if f, ok := parseFault(raw); ok {
		f.Op, f.StatusCode = op, resp.StatusCode
		f.String, f.Detail = a.secrets.String(f.String), a.secrets.String(f.Detail)
		return nil, f
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	for {
		se, err := nextStart(dec)
		if err != nil {
			return nil, opErr(op, &DecodeError{Op: op, Record: op + "Response", Err: errMissingResult})
		}
		if se.Name.Local == "Body" {
			break
		}
	}
	se, err := nextStart(dec)
	if err != nil {
		return nil, opErr(op, &DecodeError{Op: op, Record: op + "Response", Err: errMissingResult})
	}
	if err := dec.DecodeElement(out, &se); err != nil {
		return nil, opErr(op, &DecodeError{Op: op, Record: op + "Response", Err: errors.New(a.secrets.String(err.Error()))})
	}
	return raw, nil
}
