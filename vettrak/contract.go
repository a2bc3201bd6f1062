package vettrak

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/vtsync/vtsync/internal/httpx"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

// DiffKind classifies a difference between a server's WSDL and the SDK's.
type DiffKind string

// Kinds of contract differences.
const (
	DiffMissingOperation DiffKind = "missing operation"
	DiffRenamed          DiffKind = "renamed" // a name the SDK uses is spelt differently; WireNames fixes it
	DiffMissing          DiffKind = "missing" // a parameter or element the SDK uses does not exist
	DiffExtraParameter   DiffKind = "extra parameter"
	DiffChangedType      DiffKind = "changed type"
	DiffOrder            DiffKind = "order" // harmless for ASMX, which binds by name
)

// ContractDifference is one way a live VT_API differs from the contract
// the SDK is built against, in words with its consequence.
type ContractDifference struct {
	Op   string
	Kind DiffKind
	// Ours is the SDK's name (as in the embedded WSDL), Theirs the
	// server's; for DiffRenamed, WireNames{Op: {Ours: Theirs}} fixes it.
	Ours, Theirs string
	Text         string
	// Blocking differences make writes through Op refused (ContractError)
	// unless allowed; only DiffOrder is not blocking.
	Blocking bool
}

func (d ContractDifference) String() string { return d.Op + ": " + d.Text }

// ContractReport is the result of CheckContract.
type ContractReport struct {
	// WSDL is where the server's description was read.
	WSDL        string
	Operations  int // operations compared
	Differences []ContractDifference
	// Suggested are the wire names that fix every DiffRenamed, merged with
	// the ones already configured, ready for WithWireNames.
	Suggested WireNames
}

// OK reports whether no blocking difference was found.
func (r *ContractReport) OK() bool {
	return !slices.ContainsFunc(r.Differences, func(d ContractDifference) bool { return d.Blocking })
}

// Differs lists the blocking differences of one operation.
func (r *ContractReport) Differs(op string) []ContractDifference {
	var out []ContractDifference
	for _, d := range r.Differences {
		if d.Op == op && d.Blocking {
			out = append(out, d)
		}
	}
	return out
}

// String is the report in words, with the WithWireNames line to paste
// when names differ.
func (r *ContractReport) String() string {
	var b strings.Builder
	if len(r.Differences) == 0 {
		fmt.Fprintf(&b, "Contract: the server's WSDL (%s) matches the SDK for all %d operations it uses.\n", r.WSDL, r.Operations)
		return b.String()
	}
	fmt.Fprintf(&b, "Contract: the server's WSDL (%s) differs from the SDK's in %d place(s):\n", r.WSDL, len(r.Differences))
	for _, d := range r.Differences {
		fmt.Fprintf(&b, "  - %s\n", d)
	}
	if len(r.Suggested) > 0 {
		b.WriteString("Names that differ can be mapped without changing the SDK; add this option to vettrak.New:\n")
		fmt.Fprintf(&b, "  vettrak.WithWireNames(%#v)\n", r.Suggested)
	}
	if !r.OK() {
		b.WriteString("Until then, writes through the operations above are refused (vettrak.ErrContract); WithContractDifferencesAllowed overrides that.\n")
	}
	return b.String()
}

// ErrContract is matched (errors.Is) by a *ContractError.
var ErrContract = errors.New("vettrak: the server's contract differs from the SDK's")

// ContractError refuses a write through an operation whose live contract
// differs from the SDK's: sending it could succeed and do the wrong thing
// (ASMX ignores unknown elements and defaults missing ones).
type ContractError struct {
	Op          string
	Differences []ContractDifference
}

func (e *ContractError) Error() string {
	texts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		texts[i] = d.Text
	}
	return "refused: the server's contract differs: " + strings.Join(texts, "; ") +
		" (run the contract check; map names with WithWireNames or allow with WithContractDifferencesAllowed)"
}

// Is matches ErrContract.
func (e *ContractError) Is(target error) bool { return target == ErrContract }

// contractState remembers the last contract check, for refusing writes.
type contractState struct {
	mu     sync.Mutex
	tried  bool
	report *ContractReport
}

// writeAllowed refuses a write through an operation whose contract
// differs. The server's WSDL is read once, before the first write, unless
// every difference is allowed; if it cannot be read the write goes ahead
// (nothing is known to be wrong) and the failure is logged.
func (a *Client) writeAllowed(ctx context.Context, op string) error {
	if a.cfg.allowAll || a.cfg.allowOps[op] {
		return nil
	}
	a.contract.mu.Lock()
	defer a.contract.mu.Unlock()
	if !a.contract.tried {
		a.contract.tried = true
		rep, err := a.checkContract(ctx)
		if err != nil {
			if ctx.Err() != nil {
				a.contract.tried = false // not a verdict on the server: try again next write
				return opErr(op, ctx.Err())
			}
			a.log.LogAttrs(ctx, slog.LevelWarn, "vettrak: could not read the server's WSDL to check the contract before writing",
				slog.String("err", a.secrets.String(err.Error())))
			return nil
		}
		a.contract.report = rep
	}
	if a.contract.report == nil {
		return nil
	}
	if diffs := a.contract.report.Differs(op); len(diffs) > 0 {
		return opErr(op, &ContractError{Op: op, Differences: diffs})
	}
	return nil
}

// CheckContract reads the server's own service description
// (VT_API.asmx?WSDL) and compares it, for every operation the SDK uses,
// with the contract the SDK is built against: the operation exists; its
// parameters' names, order and types; the response's result element and
// the containers the SDK reads; and every record field the SDK reads. Each
// difference is described with its consequence, and names that merely
// differ come with the WithWireNames option that maps them. Configured
// wire names are applied first, so a mapped server reports no difference.
//
// The result is remembered: writes through an operation with a blocking
// difference are refused with a *ContractError from then on (see
// WithContractDifferencesAllowed). It needs no login.
func (a *Client) CheckContract(ctx context.Context) (*ContractReport, error) {
	rep, err := a.checkContract(ctx)
	if err != nil {
		return nil, err
	}
	a.contract.mu.Lock()
	a.contract.tried, a.contract.report = true, rep
	a.contract.mu.Unlock()
	return rep, nil
}

func (a *Client) checkContract(ctx context.Context) (*ContractReport, error) {
	const op = "WSDL"
	doc, err := a.fetchWSDL(ctx)
	if err != nil {
		return nil, opErr(op, err)
	}
	live, err := wsdl.Parse(doc)
	if err != nil {
		return nil, opErr(op, &DecodeError{Op: op, Err: err})
	}
	rep := compareContracts(embedded(), live, a.ops, a.cfg.wire)
	rep.WSDL = a.display + "?WSDL"
	return rep, nil
}

func (a *Client) fetchWSDL(ctx context.Context) ([]byte, error) {
	ctx = httpx.WithIdempotent(httpx.WithWrite(ctx, false))
	ctx = context.WithValue(ctx, callKey{}, &callInfo{op: "WSDL"})
	u, err := url.Parse(a.endpoint)
	if err != nil {
		return nil, err
	}
	u.RawQuery = strings.TrimPrefix(u.RawQuery+"&WSDL", "&")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", a.cfg.UserAgent)
	resp, err := a.http.next.Do(req)
	if err != nil {
		return nil, redactedError{err, a.secrets}
	}
	defer resp.Body.Close()
	body, err := httpx.ReadLimited(resp.Body, a.cfg.MaxBodySize)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, a.httpError("WSDL", resp.StatusCode, resp.Status, body)
	}
	return toUTF8(body)
}

// comparer holds one comparison's state.
type comparer struct {
	ours, live *wsdl.Contract
	wire       wireNames
	rep        *ContractReport
}

func compareContracts(ours, live *wsdl.Contract, ops map[string]*opSpec, wire wireNames) *ContractReport {
	c := &comparer{ours: ours, live: live, wire: wire, rep: &ContractReport{Suggested: WireNames{}}}
	for op, m := range wire.toWire {
		for k, v := range m {
			if c.rep.Suggested[op] == nil {
				c.rep.Suggested[op] = map[string]string{}
			}
			c.rep.Suggested[op][k] = v
		}
	}
	for _, spec := range orderedSpecs(ops) {
		o, ok := ours.Operations[spec.Name]
		if !ok {
			continue
		}
		c.rep.Operations++
		l, ok := live.Operations[spec.Name]
		if !ok {
			c.add(spec, DiffMissingOperation, "", "", true, "the server has no such operation: "+consequence(spec, ""))
			continue
		}
		c.params(spec, o, l)
		c.result(spec, o, l)
	}
	renamed := false
	for _, d := range c.rep.Differences {
		renamed = renamed || d.Kind == DiffRenamed
	}
	if !renamed {
		c.rep.Suggested = nil
	}
	return c.rep
}

func orderedSpecs(ops map[string]*opSpec) []*opSpec {
	out := make([]*opSpec, 0, len(ops))
	for _, s := range buildTable() {
		if x, ok := ops[s.Name]; ok {
			out = append(out, x)
		}
	}
	return out
}

func (c *comparer) add(spec *opSpec, kind DiffKind, ours, theirs string, blocking bool, text string) {
	d := ContractDifference{Op: spec.Name, Kind: kind, Ours: ours, Theirs: theirs, Text: text, Blocking: blocking}
	c.rep.Differences = append(c.rep.Differences, d)
	if kind == DiffRenamed {
		if c.rep.Suggested[spec.Name] == nil {
			c.rep.Suggested[spec.Name] = map[string]string{}
		}
		c.rep.Suggested[spec.Name][ours] = theirs
	}
}

// consequence says what a difference does to an operation's use.
func consequence(spec *opSpec, what string) string {
	switch {
	case spec.Name == opUpdateLMSOccurrenceStatus || spec.Name == opUpdateLMSEnrolmentStatus:
		if what == "" {
			return "records can never be marked as transferred to the LMS"
		}
		return "the server would not receive " + what + " and use its default (0 = not in the LMS): the LMS flag would be reset instead of set"
	case spec.Name == opValidateClient || spec.Name == opValidateUser:
		return "logging in with " + spec.Name + " fails"
	case spec.Write && what == "":
		return "the SDK cannot write through it"
	case spec.Write:
		return "the server would not receive " + what + " and use its default value: the write would succeed and store the wrong value"
	case what == "":
		return "the SDK cannot read what it returns"
	}
	return "the server would not receive " + what + " and use its default value: the read would silently return the wrong records"
}

// params compares the request parameters.
func (c *comparer) params(spec *opSpec, ours, live *wsdl.Operation) {
	matched := map[string]bool{}
	var unmatched []wsdl.Element
	for i, p := range ours.Params {
		want := c.wire.toServer(spec.Name, p.Name)
		lp, ok := live.Param(want)
		if !ok {
			unmatched = append(unmatched, p)
			continue
		}
		matched[lp.Name] = true
		if lp.Type != p.Type || lp.Nillable != p.Nillable {
			c.add(spec, DiffChangedType, p.Name, lp.Name, true, fmt.Sprintf(
				"parameter %s is %s on the server where the SDK sends %s: the server would reject or misread the value",
				lp.Name, typeWords(lp), typeWords(p)))
		}
		if li := slices.IndexFunc(live.Params, func(e wsdl.Element) bool { return e.Name == want }); li != i {
			c.add(spec, DiffOrder, p.Name, lp.Name, false, fmt.Sprintf(
				"parameter %s is number %d on the server and %d in the SDK: no effect on ASMX, which binds parameters by name", lp.Name, li+1, i+1))
		}
	}
	var extra []wsdl.Element
	for _, lp := range live.Params {
		if !matched[lp.Name] {
			extra = append(extra, lp)
		}
	}
	for _, p := range unmatched {
		idx := slices.IndexFunc(ours.Params, func(e wsdl.Element) bool { return e.Name == p.Name })
		// The same parameter under another name: a server parameter of the
		// same type in the same place, or the only one of that type.
		cand, sameType := -1, 0
		for j, lp := range extra {
			if lp.Type != p.Type {
				continue
			}
			sameType++
			if slices.IndexFunc(live.Params, func(e wsdl.Element) bool { return e.Name == lp.Name }) == idx {
				cand = j
			}
		}
		if cand < 0 && sameType == 1 {
			cand = slices.IndexFunc(extra, func(e wsdl.Element) bool { return e.Type == p.Type })
		}
		if cand >= 0 {
			lp := extra[cand]
			extra = slices.Delete(extra, cand, cand+1)
			c.add(spec, DiffRenamed, p.Name, lp.Name, true, fmt.Sprintf("the server expects %s where the SDK sends %s: %s",
				lp.Name, c.wire.toServer(spec.Name, p.Name), consequence(spec, lp.Name)))
			continue
		}
		c.add(spec, DiffMissing, p.Name, "", true, fmt.Sprintf("the server has no parameter %s (%s): it would ignore the value the SDK sends",
			c.wire.toServer(spec.Name, p.Name), typeWords(p)))
	}
	for _, lp := range extra {
		blocking := lp.Required()
		text := fmt.Sprintf("the server also takes %s (%s), which the SDK does not send", lp.Name, typeWords(lp))
		if blocking {
			text += ": " + consequence(spec, lp.Name)
		} else {
			text += "; it is optional, so the server's default applies"
		}
		c.add(spec, DiffExtraParameter, "", lp.Name, blocking, text)
	}
}

func typeWords(e wsdl.Element) string {
	if e.Nillable {
		return "a nullable " + e.Type
	}
	if strings.ContainsAny(e.Type[:min(1, len(e.Type))], "aeiouAEIOU") {
		return "an " + e.Type
	}
	return "a " + e.Type
}

// result compares the result element, the container path and the record
// fields the SDK reads.
func (c *comparer) result(spec *opSpec, ours, live *wsdl.Operation) {
	if ours.Result == nil {
		return
	}
	if live.Result == nil {
		c.add(spec, DiffMissing, ours.Result.Name, "", true, "the server's response has no result element: "+consequence(spec, ""))
		return
	}
	want := c.wire.toServer(spec.Name, ours.Result.Name)
	if live.Result.Name != want {
		c.add(spec, DiffRenamed, ours.Result.Name, live.Result.Name, true, fmt.Sprintf(
			"the server's result element is %s where the SDK reads %s: %s", live.Result.Name, want, consequence(spec, "")))
	}
	ourType, liveType := c.ours.Types[ours.Result.Type], c.live.Types[live.Result.Type]
	if ourType == nil {
		return
	}
	if liveType == nil {
		c.add(spec, DiffMissing, ours.Result.Type, "", true, fmt.Sprintf("the server does not describe the result type %s: %s", live.Result.Type, consequence(spec, "")))
		return
	}
	path := []string{}
	if spec.Container != "" {
		path = strings.Split(spec.Container, "/")
	}
	// Walk the container path, then the records' fields.
	seen := map[string]bool{}
	c.fields(spec, ourType, liveType, path, seen)
}

// fields compares the fields of ourType the SDK reads (the next path
// segment, or the fields listed in spec.Reads) with liveType's, and
// descends into complex fields.
func (c *comparer) fields(spec *opSpec, ourType, liveType *wsdl.ComplexType, path []string, seen map[string]bool) {
	if seen[ourType.Name] {
		return
	}
	var names []string
	switch {
	case len(path) > 0:
		names = []string{path[0]}
	case ourType.Name == "TAuthenticate" && spec.Reads["TAuthenticate"] == nil:
		names = []string{"Status", "StatusMessage"}
	case spec.Reads[ourType.Name] == nil && strings.HasPrefix(ourType.Name, "ArrayOf"):
		for _, f := range ourType.Fields {
			names = append(names, f.Name)
		}
	default:
		seen[ourType.Name] = true
		names = spec.Reads[ourType.Name]
	}
	if len(path) > 0 {
		if f, ok := ourType.Field("Auth"); ok {
			c.field(spec, ourType, liveType, f, nil, seen)
		}
	}
	for _, n := range names {
		f, ok := ourType.Field(n)
		if !ok {
			continue
		}
		var rest []string
		if len(path) > 0 {
			rest = path[1:]
		}
		c.field(spec, ourType, liveType, f, rest, seen)
	}
}

func (c *comparer) field(spec *opSpec, ourType, liveType *wsdl.ComplexType, f wsdl.Element, rest []string, seen map[string]bool) {
	want := c.wire.toServer(spec.Name, f.Name)
	lf, ok := liveType.Field(want)
	if !ok {
		// A field of the same type that the SDK does not know is the same
		// field under another name, when it is the only candidate.
		var cands []wsdl.Element
		for _, cand := range liveType.Fields {
			if _, known := ourType.Field(c.wire.fromServer(spec.Name, cand.Name)); !known && c.sameShape(f.Type, cand.Type) {
				cands = append(cands, cand)
			}
		}
		if len(cands) != 1 {
			text := fmt.Sprintf("the server's %s has no %s: %s", liveType.Name, want, c.readConsequence(spec, f))
			if len(cands) > 1 {
				names := make([]string, len(cands))
				for i, x := range cands {
					names[i] = x.Name
				}
				text += fmt.Sprintf(" (fields of the same type it has that the SDK does not know: %s)", strings.Join(names, ", "))
			}
			c.add(spec, DiffMissing, f.Name, "", true, text)
			return
		}
		lf = cands[0]
		c.add(spec, DiffRenamed, f.Name, lf.Name, true, fmt.Sprintf("the server's %s has %s where the SDK reads %s: %s",
			liveType.Name, lf.Name, want, c.readConsequence(spec, f)))
	} else if !c.sameShape(f.Type, lf.Type) || f.Nillable != lf.Nillable {
		c.add(spec, DiffChangedType, f.Name, lf.Name, true, fmt.Sprintf("the server's %s.%s is %s where the SDK reads %s: the value would be misread or rejected",
			liveType.Name, lf.Name, typeWords(lf), typeWords(f)))
		return
	}
	ourNext, liveNext := c.ours.Types[f.Type], c.live.Types[lf.Type]
	if ourNext == nil || liveNext == nil {
		return
	}
	c.fields(spec, ourNext, liveNext, rest, seen)
}

// sameShape: simple types must be equal; complex types may be named
// differently (C# class names are not on the wire).
func (c *comparer) sameShape(ours, theirs string) bool {
	if ours == theirs {
		return true
	}
	_, oc := c.ours.Types[ours]
	_, lc := c.live.Types[theirs]
	return oc && lc
}

func (w wireNames) fromServer(op, name string) string {
	if n, ok := w.fromWire[op][name]; ok {
		return n
	}
	return name
}

func (c *comparer) readConsequence(spec *opSpec, f wsdl.Element) string {
	switch {
	case spec.Write:
		return consequence(spec, "")
	case c.ours.Types[f.Type] != nil:
		return "the SDK would find no " + f.Name + " and read the answer as empty"
	}
	return "the SDK would read " + f.Name + " as empty on every record"
}
