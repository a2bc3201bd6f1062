package canvas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/internal/httpx"
	"github.com/vtsync/vtsync/internal/redact"
)

// Client talks to one Canvas instance with one access token. It is safe for
// concurrent use; its services share its transport, rate limit and meter.
type Client struct {
	base      *url.URL // ends in /api/v1/
	token     string
	hc        *http.Client
	userAgent string
	perPage   int
	maxBody   int64
	// maxListItems bounds a listing without a narrower bound.
	maxListItems int
	log          *slog.Logger
	secrets      *redact.Secrets
	meter        *httpx.Meter
	pacer        *pacer

	common service

	Accounts        *AccountsService
	Courses         *CoursesService
	Sections        *SectionsService
	Users           *UsersService
	Enrollments     *EnrollmentsService
	GroupCategories *GroupCategoriesService
	Groups          *GroupsService
	Assignments     *AssignmentsService
	Submissions     *SubmissionsService
	SISImports      *SISImportsService
}

type service struct{ client *Client }

// New returns a client for the Canvas instance at baseURL, authenticating
// with the bearer token. baseURL may be the site root
// ("https://school.instructure.com"), may end in /api/v1, and may carry
// trailing slashes; all normalise to https://host/api/v1/.
func New(baseURL, token string, opts ...Option) (*Client, error) {
	base, err := normaliseBase(baseURL)
	if err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	secrets, err := httpx.Setup("canvas", "access token", token, &cfg, opts)
	if err != nil {
		return nil, err
	}
	logger := cfg.Log(secrets)
	c := &Client{
		base: base, token: token, userAgent: cfg.UserAgent, perPage: cfg.perPage,
		maxBody: cfg.MaxBodySize, maxListItems: cfg.maxListItems, log: logger, secrets: secrets,
		meter: httpx.NewMeter(httpx.OpOf),
		pacer: &pacer{p: cfg.pacing, log: logger},
	}
	// The in-flight cap is outside pacing: an attempt is paced once it
	// holds a slot, on the quota left when it is really sent.
	var wrap []func(http.RoundTripper) http.RoundTripper
	if cfg.maxInFlight > 0 {
		wrap = append(wrap, inFlight(cfg.maxInFlight))
	}
	wrap = append(wrap, c.pacer.wrap)
	c.hc = cfg.Client(httpx.Config{Redact: secrets.String, Wrap: wrap, Meter: c.meter}, logger)
	c.common.client = c
	c.Accounts = (*AccountsService)(&c.common)
	c.Courses = (*CoursesService)(&c.common)
	c.Sections = (*SectionsService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Enrollments = (*EnrollmentsService)(&c.common)
	c.GroupCategories = (*GroupCategoriesService)(&c.common)
	c.Groups = (*GroupsService)(&c.common)
	c.Assignments = (*AssignmentsService)(&c.common)
	c.Submissions = (*SubmissionsService)(&c.common)
	c.SISImports = (*SISImportsService)(&c.common)
	return c, nil
}

// BaseURL returns the normalised API root, ending in "/api/v1/".
func (c *Client) BaseURL() string { return c.base.String() }

// Stats returns the client's request counters: attempts that reached the
// network (retries included) split into reads and writes, bytes each way,
// failures, and a count per endpoint keyed like "GET courses/{id}/sections".
func (c *Client) Stats() callstats.Snapshot { return c.meter.Snapshot() }

// RateLimit returns what the client has learnt about its Canvas quota.
func (c *Client) RateLimit() RateState { return c.pacer.state() }

func normaliseBase(raw string) (*url.URL, error) {
	u, err := httpx.ParseBase("canvas", raw)
	if err != nil {
		return nil, err
	}
	p := u.Path
	if !strings.HasSuffix(p, "/api/v1") {
		p += "/api/v1"
	}
	// The default port is dropped: Canvas's links never carry it, and
	// the next page must be recognised as the same origin.
	return &url.URL{Scheme: u.Scheme, Host: canonicalHost(u), Path: p + "/"}, nil
}

// apiPath is a request path below the API root.
type apiPath struct {
	tmpl    string // "courses/{id}/sections"
	escaped string // "courses/sis_course_id:A%2FB/sections"
}

// path fills each "{id}" in tmpl with the next reference, escaped as one
// path segment. A nil or empty reference is an error, never a request to
// the wrong URL.
func path(tmpl string, refs ...any) (apiPath, error) {
	var b strings.Builder
	rest := tmpl
	for _, r := range refs {
		i := strings.Index(rest, "{id}")
		if i < 0 {
			return apiPath{}, &OperationError{Service: "canvas", Operation: tmpl, Err: errors.New("internal: too many references")}
		}
		s := refString(r)
		if s == "" || s == "0" || strings.HasSuffix(s, ":") {
			return apiPath{}, &OperationError{Service: "canvas", Operation: tmpl, Err: errors.New("missing or empty object reference")}
		}
		b.WriteString(rest[:i])
		b.WriteString(EscapeSegment(s))
		rest = rest[i+len("{id}"):]
	}
	if strings.Contains(rest, "{id}") {
		return apiPath{}, &OperationError{Service: "canvas", Operation: tmpl, Err: errors.New("internal: too few references")}
	}
	b.WriteString(rest)
	return apiPath{tmpl: tmpl, escaped: b.String()}, nil
}

func (c *Client) resolve(p apiPath, q url.Values) *url.URL {
	u := *c.base
	u.RawPath = c.base.EscapedPath() + p.escaped
	u.Path, _ = url.PathUnescape(u.RawPath)
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return &u
}

// call is one API request.
type call struct {
	method string
	path   apiPath
	query  url.Values
	form   url.Values
	// raw, when set, is sent as the body with rawType as Content-Type.
	raw     []byte
	rawType string
	// idem marks the call safe to repeat after a transport error or 5xx.
	idem bool
	// split names array parameters a listing may spread over several
	// queries to keep each short (see splitQuery), in order of preference.
	split []string
	// splitMax, when positive, caps the values of a split parameter per
	// query (Canvas refuses more than Api::MAX_PER_PAGE student_ids).
	splitMax int
	// maxItems bounds a listing by what it can plausibly return (0: the
	// client's WithMaxListItems).
	maxItems int
}

func (c *Client) newRequest(ctx context.Context, k call, u *url.URL) (*http.Request, error) {
	var body io.Reader
	var ctype string
	switch {
	case k.raw != nil:
		body, ctype = bytes.NewReader(k.raw), k.rawType
	case k.form != nil:
		body, ctype = strings.NewReader(k.form.Encode()), "application/x-www-form-urlencoded"
	}
	ctx = httpx.WithOp(ctx, k.op())
	if k.idem {
		ctx = httpx.WithIdempotent(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", httpx.SanitizeURL(u), err)
	}
	// NewRequest re-parses the string; keep the exact escaping we chose.
	req.URL = u
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req, nil
}

// do sends k and decodes a 2xx JSON body into out (when out is not nil).
// It returns the response headers for pagination.
func (c *Client) do(ctx context.Context, k call, out any) error {
	_, err := c.doURL(ctx, k, c.resolve(k.path, k.query), out)
	return err
}

// doURL is do for one page's URL. Every error it returns is an
// *OperationError naming k's operation.
func (c *Client) doURL(ctx context.Context, k call, u *url.URL, out any) (http.Header, error) {
	h, err := c.send(ctx, k, u, out)
	return h, c.opErr(k, err)
}

// opErr wraps err in k's operation error.
func (c *Client) opErr(k call, err error) error { return httpx.OpError("canvas", k.op(), err) }

// op names k's operation as Stats keys it: "GET courses/{id}/sections".
func (k call) op() string { return k.method + " " + k.path.tmpl }

func (c *Client) send(ctx context.Context, k call, u *url.URL, out any) (http.Header, error) {
	req, err := c.newRequest(ctx, k, u)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// The chain (net errors, timeouts, ErrRedirect) is kept; the
		// message is masked.
		return nil, httpx.RoundTripError(ctx, err, c.secrets)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, c.errorFrom(req, resp)
	}
	body, err := httpx.ReadLimited(resp.Body, c.maxBody)
	if err != nil {
		return resp.Header, fmt.Errorf("reading body of %s: %w", httpx.SanitizeURL(u), httpx.RoundTripError(ctx, err, c.secrets))
	}
	if out == nil {
		return resp.Header, nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		// A decode error may quote the value it choked on (strconv errors
		// do, Go-quoted), and that value may be the token echoed back.
		return resp.Header, &DecodeError{Method: k.method, URL: httpx.SanitizeURL(u), Err: c.secrets.Error(err), Body: c.secrets.Excerpt(string(body), snippetLen)}
	}
	return resp.Header, nil
}

func (c *Client) errorFrom(req *http.Request, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{
		StatusCode:   resp.StatusCode,
		Method:       req.Method,
		URL:          httpx.SanitizeURL(req.URL),
		Throttled:    httpx.IsThrottleResponse(resp.StatusCode, body),
		Authenticate: resp.Header.Get("WWW-Authenticate") != "",
		Body:         []byte(c.secrets.Excerpt(string(body), 0)),
	}
	// Parse the whole body, then mask and cap each piece: the server's
	// text may echo the token in any encoding, and may be huge.
	e.Messages, e.Fields, e.ErrorReportID = parseErrorBody(body)
	for i, m := range e.Messages {
		e.Messages[i] = c.secrets.Excerpt(m, 0)
	}
	for i, f := range e.Fields {
		e.Fields[i] = FieldError{Path: c.secrets.Excerpt(f.Path, 0), Type: c.secrets.Excerpt(f.Type, 0), Message: c.secrets.Excerpt(f.Message, 0)}
	}
	return e
}

// refuse is the error of a call the client will not send as asked,
// named like the call it would have been.
func refuse(op string, err error) error {
	return &OperationError{Service: "canvas", Operation: op, Err: err}
}

// snippetLen is how much of an undecodable body a DecodeError keeps.
const snippetLen = 200

// DecodeError is a 2xx answer whose body is not the JSON expected.
type DecodeError struct {
	Method, URL string
	Err         error
	// Body is the start of the body, secrets masked.
	Body string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: decoding response: %v (body starts %q)", e.Method, e.URL, e.Err, e.Body)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Ptr returns a pointer to v, for optional parameters: Notify: canvas.Ptr(false).
func Ptr[T any](v T) *T { return &v }
