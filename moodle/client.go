package moodle

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

// RESTPath is where Moodle serves the REST protocol, below the site root
// (webservice/rest/server.php; unchanged by 5.1's move to public/).
const RESTPath = "webservice/rest/server.php"

// Client talks to one Moodle site with one web service token. It is safe
// for concurrent use; its services share its transport, rate limit and
// meter.
type Client struct {
	endpoint  *url.URL // …/webservice/rest/server.php
	token     string
	hc        *http.Client
	userAgent string
	maxBody   int64
	raw       bool
	log       *slog.Logger
	secrets   *redact.Secrets
	meter     *httpx.Meter

	common service

	Site       *SiteService
	Courses    *CoursesService
	Users      *UsersService
	Enrol      *EnrolService
	Roles      *RolesService
	Groups     *GroupsService
	Completion *CompletionService
	Grades     *GradesService
	Assign     *AssignService
}

type service struct{ client *Client }

// New returns a client for the Moodle site at baseURL (its wwwroot, e.g.
// "https://lms.example.edu.au" or "https://host/moodle"; a URL already
// ending in /webservice/rest/server.php is accepted too), authenticating
// with a web service token.
func New(baseURL, token string, opts ...Option) (*Client, error) {
	endpoint, err := normaliseBase(baseURL)
	if err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	secrets, err := httpx.Setup("moodle", "web service token", token, &cfg, opts)
	if err != nil {
		return nil, err
	}
	logger := cfg.Log(secrets)
	c := &Client{
		endpoint: endpoint, token: token, userAgent: cfg.UserAgent, maxBody: cfg.MaxBodySize,
		raw: cfg.raw, log: logger, secrets: secrets, meter: httpx.NewMeter(httpx.OpOf),
	}
	c.hc = cfg.Client(httpx.Config{Redact: secrets.String, Meter: c.meter}, logger)
	c.common.client = c
	c.Site = (*SiteService)(&c.common)
	c.Courses = (*CoursesService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Enrol = (*EnrolService)(&c.common)
	c.Roles = (*RolesService)(&c.common)
	c.Groups = (*GroupsService)(&c.common)
	c.Completion = (*CompletionService)(&c.common)
	c.Grades = (*GradesService)(&c.common)
	c.Assign = (*AssignService)(&c.common)
	return c, nil
}

// Endpoint returns the REST endpoint URL the client posts to.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// Stats returns the client's request counters: attempts that reached the
// network (retries included) split into reads and writes, bytes each way,
// failures, and a count per function keyed by its name
// ("core_course_get_courses_by_field").
func (c *Client) Stats() callstats.Snapshot { return c.meter.Snapshot() }

func normaliseBase(raw string) (*url.URL, error) {
	u, err := httpx.ParseBase("moodle", raw)
	if err != nil {
		return nil, err
	}
	p := strings.TrimSuffix(u.Path, "/"+RESTPath)
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: p + "/" + RESTPath}, nil
}

// call is one web service function call.
type call struct {
	fn     string
	params Params
	// write marks calls that change the site (for the meter).
	write bool
	// idem marks calls safe to repeat after a transport error or 5xx:
	// reads, and writes that set state rather than add records.
	idem bool
}

// do calls the function and decodes its JSON answer into out (when out is
// not nil). An exception answer becomes an *Exception. Every error is an
// *OperationError naming the function.
func (c *Client) do(ctx context.Context, k call, out any) error {
	return httpx.OpError("moodle", k.fn, c.send(ctx, k, out))
}

func (c *Client) send(ctx context.Context, k call, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	form := url.Values{}
	for key, vs := range k.params {
		form[key] = vs
	}
	form.Set("wstoken", c.token)
	if c.raw {
		// Names come back as stored, not through format_string() (which
		// escapes & and strips tags): webservice/lib.php
		// webservice_server::set_web_service_call_settings().
		form.Set("moodlewssettingraw", "1")
	}
	u := *c.endpoint
	// The function name and format travel in the query so that logs and
	// the meter can name the call; Moodle merges $_GET and $_POST.
	u.RawQuery = url.Values{"wsfunction": {k.fn}, "moodlewsrestformat": {"json"}}.Encode()

	ctx = httpx.WithOp(ctx, k.fn)
	ctx = httpx.WithWrite(ctx, k.write)
	if k.idem {
		ctx = httpx.WithIdempotent(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.hc.Do(req)
	if err != nil {
		// The chain (net errors, timeouts, ErrRedirect) is kept; the
		// message is masked.
		return httpx.RoundTripError(ctx, err, c.secrets)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return &HTTPError{Function: k.fn, StatusCode: resp.StatusCode, Body: c.snippet(body)}
	}
	body, err := httpx.ReadLimited(resp.Body, c.maxBody)
	if err != nil {
		return fmt.Errorf("reading body: %w", httpx.RoundTripError(ctx, err, c.secrets))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		// Even a function returning nothing answers "null"; an empty 200
		// is how sites before 4.x answered with web services off
		// (webservice/rest/server.php) or a PHP fatal error.
		return &DecodeError{Function: k.fn, Err: errEmptyBody}
	}
	if ex := c.exception(k.fn, body); ex != nil {
		return ex
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &DecodeError{Function: k.fn, Err: err, Body: c.snippet(body)}
	}
	return nil
}

// exception recognises Moodle's error envelope: a JSON object with an
// "exception" key, sent with status 200 in place of the return value
// (webservice/rest/locallib.php webservice_rest_server::generate_error).
func (c *Client) exception(fn string, body []byte) *Exception {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, []byte(`"exception"`)) {
		return nil
	}
	var e struct {
		Exception *string `json:"exception"`
		ErrorCode string  `json:"errorcode"`
		Message   string  `json:"message"`
		DebugInfo string  `json:"debuginfo"`
	}
	if json.Unmarshal(b, &e) != nil || e.Exception == nil {
		return nil
	}
	return &Exception{
		Function:  fn,
		Exception: *e.Exception,
		ErrorCode: e.ErrorCode,
		Message:   c.secrets.String(e.Message),
		DebugInfo: c.secrets.String(e.DebugInfo),
	}
}

func (c *Client) snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.ToValidUTF8(c.secrets.String(string(b)), "�")
}

// Call calls any web service function with params and decodes its JSON
// answer into out (nil to ignore it), for functions this package does not
// wrap. It is treated as a write that is not safe to repeat: never retried
// after a transport error or 5xx.
func (c *Client) Call(ctx context.Context, function string, params Params, out any) error {
	if function == "" {
		return &OperationError{Service: "moodle", Operation: "Call", Err: errors.New("empty function name")}
	}
	return c.do(ctx, call{fn: function, params: params, write: true}, out)
}

// Ptr returns a pointer to v, for optional fields: Visible: moodle.Ptr(1).
func Ptr[T any](v T) *T { return &v }
