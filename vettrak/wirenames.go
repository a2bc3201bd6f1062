package vettrak

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// WireNames maps, per operation, a name the SDK uses (a parameter, a
// result container or a record field, as in the embedded WSDL) to the name
// a particular VETtrak server uses instead:
//
//	vettrak.WithWireNames(vettrak.WireNames{
//		"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"},
//		"GetAccessibleClients":      {"ClieList": "ClientList"},
//	})
//
// Requests are written with the server's names and responses read as if
// they used the SDK's. CheckContract prints the map a server needs, ready
// to paste. Only names can be mapped: a missing operation or a changed
// type cannot.
type WireNames map[string]map[string]string

// GoString prints the map as Go source.
func (w WireNames) GoString() string {
	var b strings.Builder
	b.WriteString("vettrak.WireNames{")
	for i, op := range slices.Sorted(maps.Keys(w)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: {", op)
		for j, k := range slices.Sorted(maps.Keys(w[op])) {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: %q", k, w[op][k])
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	return b.String()
}

// wireNames is the validated, two-way form of WireNames.
type wireNames struct {
	toWire   map[string]map[string]string // op -> SDK name -> server name
	fromWire map[string]map[string]string // op -> server name -> SDK name
}

func newWireNames(w WireNames) (wireNames, error) {
	out := wireNames{toWire: map[string]map[string]string{}, fromWire: map[string]map[string]string{}}
	for op, m := range w {
		if _, ok := embedded().Operations[op]; !ok {
			return wireNames{}, fmt.Errorf("vettrak: wire names for %q: not an operation the SDK uses", op)
		}
		out.toWire[op], out.fromWire[op] = map[string]string{}, map[string]string{}
		for ours, theirs := range m {
			if ours == "" || theirs == "" || strings.ContainsAny(ours+theirs, "<>&\"' /:") {
				return wireNames{}, fmt.Errorf("vettrak: wire names for %s: %q -> %q is not a pair of XML names", op, ours, theirs)
			}
			if prev, dup := out.fromWire[op][theirs]; dup {
				return wireNames{}, fmt.Errorf("vettrak: wire names for %s: %q is the server's name for both %q and %q", op, theirs, prev, ours)
			}
			out.toWire[op][ours], out.fromWire[op][theirs] = theirs, ours
		}
	}
	return out, nil
}

func (w wireNames) toServer(op, name string) string {
	if n, ok := w.toWire[op][name]; ok {
		return n
	}
	return name
}

// normalise rewrites a response body before anything reads it:
//   - an element marked xsi:nil="true" is removed, so a null value reads
//     as "no value" (a nil pointer, an absent record), never as 0 or the
//     zero time. The xsi prefix is honoured whether or not it is declared
//     (ASMX declares it on the envelope; a proxy may drop that);
//   - elements named with the server's wire names for op are renamed to
//     the SDK's.
func (a *Client) normalise(body []byte, op string) ([]byte, error) {
	renames := a.cfg.wire.fromWire[op]
	if len(renames) == 0 && !bytes.Contains(body, []byte(":nil")) {
		return body, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body))
	last := int64(0)
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if isNil(t) {
				if err := dec.Skip(); err != nil {
					return nil, err
				}
				out.Write(body[last:before])
				last = dec.InputOffset()
				continue
			}
			if to, ok := renames[t.Name.Local]; ok {
				out.Write(body[last:before])
				out.Write(renameTag(body[before:dec.InputOffset()], t.Name.Local, to))
				last = dec.InputOffset()
			}
		case xml.EndElement:
			if to, ok := renames[t.Name.Local]; ok {
				out.Write(body[last:before])
				out.Write(renameTag(body[before:dec.InputOffset()], t.Name.Local, to))
				last = dec.InputOffset()
			}
		}
	}
	out.Write(body[last:])
	return out.Bytes(), nil
}

func isNil(t xml.StartElement) bool {
	for _, at := range t.Attr {
		if at.Name.Local == "nil" && (at.Name.Space == xsiNS || at.Name.Space == "xsi") {
			return strings.TrimSpace(at.Value) == "true" || strings.TrimSpace(at.Value) == "1"
		}
	}
	return false
}

// renameTag replaces the element name in one raw start or end tag
// ("<x:Name …>", "</Name>"), keeping any prefix.
func renameTag(tag []byte, from, to string) []byte {
	i := bytes.IndexFunc(tag, func(r rune) bool { return r != '<' && r != '/' })
	if i < 0 {
		return tag
	}
	end := i + bytes.IndexAny(tag[i:], " \t\r\n/>")
	if c := bytes.IndexByte(tag[i:end], ':'); c >= 0 {
		i += c + 1
	}
	if !bytes.HasPrefix(tag[i:], []byte(from)) {
		return tag
	}
	out := make([]byte, 0, len(tag)+len(to)-len(from))
	out = append(out, tag[:i]...)
	out = append(out, to...)
	return append(out, tag[i+len(from):]...)
}
