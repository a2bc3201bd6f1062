package canvastest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const apiPrefix = "/api/v1/"

// maxRequestBody bounds form and upload bodies.
const maxRequestBody = 32 << 20

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.EscapedPath()
	rt, params, routed := s.route(r.Method, raw)
	endpoint := ""
	if routed {
		endpoint = r.Method + " " + rt.pattern
	}

	latency, throttle := s.control()
	f := s.matchFault(r.Method, endpoint)

	// Canvas's throttle is the outermost middleware: it charges the
	// request on arrival, by token, before anything else runs.
	settle, full := s.throttleArrive(throttle, bearer(r))

	if f != nil {
		latency += f.Latency
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			settle(&rctx{header: http.Header{}}, true)
			return
		case <-t.C:
		}
	}

	x := &rctx{s: s, r: r, header: http.Header{}, status: http.StatusOK}
	settled := false
	finish := func() {
		if !settled {
			settled = true
			// An injected throttle answers like a refusal: no cost.
			settle(x, full || (f != nil && f.Throttle))
		}
		var params string
		if x.form != nil {
			p := maps.Clone(x.form)
			p.Del("access_token")
			params = p.Encode()
		}
		s.logCall(Call{Method: r.Method, Endpoint: endpoint, RawPath: raw, Query: r.URL.RawQuery, Params: params, Status: x.status, Time: s.clock()})
	}

	// The call is logged before the answer is sent, so a client that
	// has its answer always finds its call in the log.
	if f != nil && !f.AfterHandler && f.preempts() {
		f.answer(s, w, x, finish)
		return
	}

	tok, ok := s.authenticate(x)
	if !ok {
		finish()
		s.write(w, x)
		return
	}
	x.tok = tok

	if full && throttle != nil {
		x.header = http.Header{}
		writeThrottled(x, throttle.Style)
		finish()
		s.write(w, x)
		return
	}

	switch {
	case !routed:
		x.notFound()
	default:
		if err := x.parseForm(); err != nil {
			x.errorsMessage(http.StatusBadRequest, err.Error())
			break
		}
		if s.refuseUndocumented(x, endpoint) {
			break
		}
		x.params = params
		if rt.readOnly() {
			s.mu.RLock()
			rt.h(x)
			s.mu.RUnlock()
		} else {
			s.mu.Lock()
			rt.h(x)
			s.mu.Unlock()
		}
	}

	if f != nil && f.AfterHandler && f.preempts() {
		f.answer(s, w, x, finish)
		return
	}
	if f != nil && f.MalformedJSON && x.body.Len() > 2 {
		x.body.Truncate(x.body.Len() / 2)
	}
	finish()
	s.write(w, x)
}

func (s *Server) write(w http.ResponseWriter, x *rctx) {
	for k, v := range x.header {
		if strings.EqualFold(k, "Link") && s.opts.lowerLink {
			w.Header()["link"] = v
			continue
		}
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(x.body.Len()))
	w.WriteHeader(x.status)
	_, _ = w.Write(x.body.Bytes())
}

// callLogSize is how many calls the log keeps in full: the most recent.
// Calls counts every call; a full entry (its parameters encoded) costs a
// few hundred bytes, so a large sync's hundred thousand would keep tens of
// MiB alive for a test aid.
const callLogSize = 10000

func (s *Server) logCall(c Call) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.calls) < s.logSize {
		s.calls = append(s.calls, c)
	} else if s.logSize > 0 {
		// A ring: calls[logNext] is the oldest kept.
		s.calls[s.logNext] = c
		s.logNext = (s.logNext + 1) % s.logSize
	}
	key := c.Endpoint
	if key == "" {
		key = c.Method + " (unrouted)"
	}
	s.counts[key]++
}

// bearer is the token a request carries (header or access_token), the
// throttle's client identifier (request_throttle.rb#client_identifiers:
// "token:<hash>"), whether or not the token is valid.
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest)
		}
	}
	return r.URL.Query().Get("access_token")
}

// authenticate reads the bearer token (or access_token parameter) and
// answers 401 the way Canvas does when it is missing or bad.
func (s *Server) authenticate(x *rctx) (*token, bool) {
	v := bearer(x.r)
	x.header.Set("WWW-Authenticate", `Bearer realm="canvas-lms"`)
	if v == "" {
		x.json(http.StatusUnauthorized, map[string]any{"status": "unauthenticated",
			"errors": []any{map[string]any{"message": "user authorization required"}}})
		return nil, false
	}
	s.mu.RLock()
	t := s.tokens[v]
	var tok token
	if t != nil {
		tok = *t
	}
	s.mu.RUnlock()
	switch {
	case t == nil:
		x.errorsMessage(http.StatusUnauthorized, "Invalid access token.")
		return nil, false
	case tok.revoked:
		x.errorsMessage(http.StatusUnauthorized, "Revoked access token.")
		return nil, false
	case tok.expired:
		x.json(http.StatusUnauthorized, map[string]any{"errors": []any{map[string]any{
			"message": "Expired access token.", "expired_at": s.now().Add(-time.Hour).Format(time.RFC3339)}}})
		return nil, false
	}
	x.header.Del("WWW-Authenticate")
	return &tok, true
}

// parseForm merges query, form body and (Rails-style flattened) JSON body
// parameters.
func (x *rctx) parseForm() error {
	r := x.r
	x.form = url.Values{}
	addOwned(x.form, r.URL.Query())
	if r.Body == nil || r.Method == http.MethodGet {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(nil, r.Body, maxRequestBody)
		if err := r.ParseForm(); err != nil {
			return fmt.Errorf("bad form body: %v", err)
		}
		addOwned(x.form, r.PostForm)
	case "application/json":
		var v any
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxRequestBody))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("bad JSON body: %v", err)
		}
		flatten(x.form, "", v)
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxRequestBody); err != nil {
			return fmt.Errorf("bad multipart body: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			x.form[k] = append(x.form[k], v...)
		}
		if fhs := r.MultipartForm.File["attachment"]; len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return fmt.Errorf("bad attachment: %v", err)
			}
			defer f.Close()
			x.raw, err = io.ReadAll(io.LimitReader(f, maxRequestBody+1))
			if err != nil {
				return fmt.Errorf("bad attachment: %v", err)
			}
			x.rawName = fhs[0].Filename
		}
	default:
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil {
			return fmt.Errorf("reading body: %v", err)
		}
		x.raw, x.rawType = b, ct
	}
	if len(x.raw) > maxRequestBody {
		return fmt.Errorf("request body larger than %d bytes", maxRequestBody)
	}
	return nil
}

// addOwned adds src's values to dst as strings of their own. Parsed
// values that needed no unescaping are slices of the whole query or body;
// a record keeping one (an enrollment's type, a user's name) would keep
// the whole request alive as long as the record.
func addOwned(dst, src url.Values) {
	for k, vs := range src {
		for _, v := range vs {
			dst[k] = append(dst[k], strings.Clone(v))
		}
	}
}

// flatten turns {"course":{"name":"x"},"ids":[1,2]} into course[name]=x,
// ids[]=1, ids[]=2, the way Rails reads nested parameters.
func flatten(out url.Values, prefix string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, vv := range t {
			key := k
			if prefix != "" {
				key = prefix + "[" + k + "]"
			}
			flatten(out, key, vv)
		}
	case []any:
		for _, vv := range t {
			flatten(out, prefix+"[]", vv)
		}
	case nil:
		out.Add(prefix, "")
	case string:
		out.Add(prefix, t)
	default:
		out.Add(prefix, fmt.Sprint(t))
	}
}
