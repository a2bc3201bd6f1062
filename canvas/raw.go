package canvas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/vtsync/vtsync/internal/httpx"
)

// Request is a call to an endpoint this package does not wrap (the escape
// hatch, as go-github's NewRequest/Do): it travels with the client's
// token, pacing, rate limit, retries, deadlines, redirect policy and
// secret masking, and fails with the same error types (*Error, matching
// the Is… helpers and sentinels).
type Request struct {
	// Method is GET, POST, PUT, PATCH or DELETE.
	Method string
	// Path is below /api/v1, with "{id}" for each of Refs, e.g.
	// "courses/{id}/discussion_topics". It holds no query, no scheme or
	// host, and no "." or ".." segment.
	Path string
	// Refs fill each "{id}" in order, each escaped as one path segment:
	// an ID, a SIS reference (SISCourse, SISUser, …) or a string.
	Refs []any
	// Query is sent in the URL; Form, or else JSON, is the body.
	Query url.Values
	Form  url.Values
	JSON  any
	// Idempotent marks a POST, PUT, PATCH or DELETE safe to send again
	// after a transport error or a 5xx; GET always is.
	Idempotent bool
}

// ErrBadRequest matches a Request that cannot be sent as written.
var ErrBadRequest = errors.New("canvas: invalid raw request")

// call turns r into the client's own request description.
func (r Request) call() (call, error) {
	bad := func(format string, args ...any) (call, error) {
		return call{}, fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
	}
	method := strings.ToUpper(strings.TrimSpace(r.Method))
	switch method {
	case "GET", "POST", "PUT", "PATCH", "DELETE":
	default:
		return bad("method %q is not GET, POST, PUT, PATCH or DELETE", r.Method)
	}
	p := strings.TrimPrefix(r.Path, "/")
	if p == "" || strings.ContainsAny(p, "?#") || strings.Contains(p, "://") {
		return bad("path %q must be a path below /api/v1, without query or host", r.Path)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return bad("path %q must not climb out of the API", r.Path)
		}
	}
	if r.Form != nil && r.JSON != nil {
		return bad("set Form or JSON, not both")
	}
	ap, err := path(p, r.Refs...)
	if err != nil {
		return call{}, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	k := call{method: method, path: ap, query: r.Query, form: r.Form, idem: method == "GET" || r.Idempotent}
	if r.JSON != nil {
		if k.raw, err = json.Marshal(r.JSON); err != nil {
			return bad("JSON body: %v", err)
		}
		k.rawType = "application/json"
	}
	return k, nil
}

// Do sends r and decodes a 2xx JSON answer into out (nil discards it).
func (c *Client) Do(ctx context.Context, r Request, out any) error {
	k, err := r.call()
	if err != nil {
		return httpx.OpError("canvas", r.Method+" "+r.Path, err)
	}
	return c.do(ctx, k, out)
}

// List follows the pages of a GET listing this package does not wrap,
// yielding each item decoded as T, with the same bounds and guards as the
// wrapped listings (opaque next links on the same origin, a cap on items
// and pages, an error where Canvas dropped the Link header). wrap names
// the key holding the array when the answer is an object (e.g.
// "sis_imports"); "" for a bare array.
func List[T any](ctx context.Context, c *Client, r Request, wrap string) iter.Seq2[T, error] {
	if !strings.EqualFold(strings.TrimSpace(r.Method), "GET") && strings.TrimSpace(r.Method) != "" {
		return errSeq[T](httpx.OpError("canvas", r.Method+" "+r.Path, fmt.Errorf("%w: a listing is a GET, not %s", ErrBadRequest, r.Method)))
	}
	r.Method = "GET"
	k, err := r.call()
	if err != nil {
		return errSeq[T](httpx.OpError("canvas", "GET "+r.Path, err))
	}
	return list[T](c, ctx, k, wrap)
}
