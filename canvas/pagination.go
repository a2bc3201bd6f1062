package canvas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vtsync/vtsync/internal/httpx"
)

// ErrRepeatedPage is returned when a server's rel="next" link names a page
// already fetched, which would otherwise loop forever.
var ErrRepeatedPage = errors.New("canvas: pagination repeated a page")

// ErrForeignNextLink is returned when a rel="next" link points at another
// host or scheme: the client will not send its token there.
var ErrForeignNextLink = errors.New("canvas: pagination link leaves the Canvas host")

// ErrLinkDropped is returned when a full page of a listing came without a
// rel="next" link on a query long enough that Canvas may have left the
// link out: lib/api.rb#build_links_hash drops Link headers once they would
// pass 6 KB, so the missing link is no proof of the last page.
var ErrLinkDropped = errors.New("canvas: a full page came without a next link on a query too long for Canvas's Link header")

// ErrListingTooLong is returned when a listing passes the items or pages a
// request of its kind can plausibly return (see WithMaxListItems): a
// server that invents next links forever is stopped there instead of
// being followed while memory fills.
var ErrListingTooLong = errors.New("canvas: listing longer than it can plausibly be")

// maxLinkHeader is the most Link-header text Canvas sends
// (lib/api.rb#build_links_hash: max_link_headers_size = 6.kilobytes,
// counted over the link URLs, next first).
const maxLinkHeader = 6 * 1024

// pageParamRoom is what a next link adds to the request URL: page
// (bookmarks run to a few dozen bytes, more for compound sort keys) and
// per_page.
const pageParamRoom = 256

// DefaultMaxListItems bounds one listing when no narrower bound applies:
// more than a large Canvas instance holds of any one kind in one course or
// account listing. Change it with WithMaxListItems.
const DefaultMaxListItems = 1_000_000

// minPageSize is Canvas's default page size: a server that ignores
// per_page still returns this many per page, so a listing of n items takes
// at most n/minPageSize pages.
const minPageSize = 10

// maxEmptyPages is how many pages in a row may be empty yet name a next
// page before the listing is taken for a loop.
const maxEmptyPages = 3

// ParseLinkHeader returns the URL of each relation in RFC 8288 Link header
// values, e.g. `<https://x/api/v1/courses?page=2>; rel="next"`. Several
// values, comma-separated links, unquoted and multi-word rel attributes
// are understood; malformed parts are skipped. The first link named for a
// relation wins.
func ParseLinkHeader(values []string) map[string]string {
	links := map[string]string{}
	for _, v := range values {
		for len(v) > 0 {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			target := v[start+1 : start+end]
			v = v[start+end+1:]
			// The parameters run up to the next link, which starts with
			// "<" after a comma; quoted strings here never hold "<".
			params := v
			if i := strings.IndexByte(v, '<'); i >= 0 {
				params, v = v[:i], v[i:]
			} else {
				v = ""
			}
			for _, p := range strings.Split(params, ";") {
				name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				val = strings.Trim(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(val), ",")), `"`)
				for _, rel := range strings.Fields(val) {
					rel = strings.ToLower(rel)
					if _, seen := links[rel]; !seen {
						links[rel] = strings.TrimSpace(target)
					}
				}
			}
		}
	}
	return links
}

// linkValues finds the Link header whatever its case (HTTP/2 sends "link").
func linkValues(h http.Header) []string {
	if v := h.Values("Link"); len(v) > 0 {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, "link") {
			return v
		}
	}
	return nil
}

// list returns an iterator over every item of a paginated listing. wrap,
// when not empty, is the key of an object that holds the array (SIS imports
// answer {"sis_imports":[…]}).
//
// Items are yielded page by page, never gathered. A query whose ID filter
// (k.split) would make a next link longer than Canvas sends is run as
// several shorter listings, one after the other. The listing stops with
// ErrListingTooLong past k.maxItems items (the client's WithMaxListItems
// when zero) or the pages those take at Canvas's smallest page size, and
// with ErrLinkDropped when a full page of a long query names no next page.
func list[T any](c *Client, ctx context.Context, k call, wrap string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		q := url.Values{}
		for key, vs := range k.query {
			q[key] = append([]string(nil), vs...)
		}
		if !q.Has("per_page") {
			q.Set("per_page", strconv.Itoa(c.perPage))
		}
		k.idem = true
		maxItems := k.maxItems
		if maxItems <= 0 {
			maxItems = c.maxListItems
		}
		lim := &listLimit{items: maxItems, pages: maxItems/minPageSize + 2}
		room := maxLinkHeader - pageParamRoom - len(c.resolve(k.path, nil).String()) - 1
		// Every error the listing yields names its operation.
		yieldOp := func(v T, err error) bool { return yield(v, c.opErr(k, err)) }
		for _, part := range splitQuery(q, k.split, room, k.splitMax) {
			if !listPages(c, ctx, k, c.resolve(k.path, part), wrap, lim, yieldOp) {
				return
			}
		}
	}
}

// listLimit is what is left of a listing's bounds, shared by the parts of
// a split query.
type listLimit struct{ items, pages int }

// listPages follows one query's pages; false means stop (an error was
// yielded or the caller stopped).
func listPages[T any](c *Client, ctx context.Context, k call, u *url.URL, wrap string, lim *listLimit, yield func(T, error) bool) bool {
	var zero T
	perPage, _ := strconv.Atoi(u.Query().Get("per_page"))
	seen := map[string]bool{}
	empty := 0
	for {
		if lim.pages--; lim.pages < 0 {
			yield(zero, fmt.Errorf("%w: more pages than %d items can fill", ErrListingTooLong, k.maxItemsOr(c)))
			return false
		}
		seen[u.String()] = true
		var items []T
		var raw json.RawMessage
		var target any = &items
		if wrap != "" {
			target = &raw
		}
		h, err := c.doURL(ctx, k, u, target)
		if err == nil && wrap != "" {
			err = unwrapList(raw, wrap, &items, k, u)
		}
		if err != nil {
			yield(zero, err)
			return false
		}
		for _, it := range items {
			if lim.items--; lim.items < 0 {
				yield(zero, fmt.Errorf("%w: more than %d items", ErrListingTooLong, k.maxItemsOr(c)))
				return false
			}
			if !yield(it, nil) {
				return false
			}
		}
		next := ParseLinkHeader(linkValues(h))["next"]
		if next == "" {
			if perPage > 0 && len(items) >= perPage && len(u.String())+pageParamRoom > maxLinkHeader {
				yield(zero, fmt.Errorf("%w (%d-byte URL)", ErrLinkDropped, len(u.String())))
				return false
			}
			return true
		}
		if len(items) == 0 {
			if empty++; empty >= maxEmptyPages {
				yield(zero, fmt.Errorf("%w: %d empty pages in a row that name a next page", ErrListingTooLong, empty))
				return false
			}
		} else {
			empty = 0
		}
		nu, err := c.nextURL(u, next)
		if err != nil {
			yield(zero, err)
			return false
		}
		if seen[nu.String()] {
			yield(zero, fmt.Errorf("%w: %s", ErrRepeatedPage, httpx.SanitizeURL(nu)))
			return false
		}
		u = nu
	}
}

func (k call) maxItemsOr(c *Client) int {
	if k.maxItems > 0 {
		return k.maxItems
	}
	return c.maxListItems
}

// splitQuery returns q as one query or, when the values of the first
// splittable key present (say sis_user_id[]) make q's encoding longer than
// room or number more than maxVals (when positive), as several queries
// that each carry a share of those values and fit both. A single value too
// long on its own still gets its query (the listing then reports
// ErrLinkDropped if Canvas drops its links).
func splitQuery(q url.Values, keys []string, room, maxVals int) []url.Values {
	tooMany := func() bool {
		for _, key := range keys {
			if maxVals > 0 && len(q[key]) > maxVals {
				return true
			}
		}
		return false
	}
	if len(q.Encode()) <= room && !tooMany() {
		return []url.Values{q}
	}
	for _, key := range keys {
		vals := q[key]
		if len(vals) < 2 || (maxVals > 0 && len(vals) <= maxVals && len(q.Encode()) <= room) {
			continue
		}
		rest := url.Values{}
		for k2, v := range q {
			if k2 != key {
				rest[k2] = v
			}
		}
		base := len(rest.Encode()) + 1
		var out []url.Values
		var cur []string
		size := base
		flush := func() {
			if len(cur) == 0 {
				return
			}
			part := url.Values{}
			for k2, v := range rest {
				part[k2] = v
			}
			part[key] = cur
			out = append(out, part)
			cur, size = nil, base
		}
		for _, v := range vals {
			n := len(url.QueryEscape(key)) + len(url.QueryEscape(v)) + 2
			if len(cur) > 0 && (size+n > room || (maxVals > 0 && len(cur) == maxVals)) {
				flush()
			}
			cur = append(cur, v)
			size += n
		}
		flush()
		return out
	}
	return []url.Values{q}
}

func unwrapList[T any](raw json.RawMessage, key string, items *[]T, k call, u *url.URL) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return &DecodeError{Method: k.method, URL: httpx.SanitizeURL(u), Err: err}
	}
	inner, ok := obj[key]
	if !ok {
		return &DecodeError{Method: k.method, URL: httpx.SanitizeURL(u), Err: fmt.Errorf("no %q list in the answer", key)}
	}
	if err := json.Unmarshal(inner, items); err != nil {
		return &DecodeError{Method: k.method, URL: httpx.SanitizeURL(u), Err: err}
	}
	return nil
}

// nextURL resolves a rel="next" link against the current page. The link is
// used as Canvas sent it (page numbers or bookmarks alike); it must stay
// on the same scheme and host, because the token goes with it.
func (c *Client) nextURL(cur *url.URL, link string) (*url.URL, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("bad rel=next link: %w", httpx.UnwrapURLError(err))
	}
	nu := cur.ResolveReference(ref)
	if nu.Scheme != c.base.Scheme || !strings.EqualFold(canonicalHost(nu), canonicalHost(c.base)) {
		return nil, fmt.Errorf("%w: %s", ErrForeignNextLink, httpx.SanitizeURL(nu))
	}
	nu.Host = c.base.Host
	nu.User = nil
	return nu, nil
}

// Collect drains an iterator into a slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// canonicalHost is u's host with the scheme's default port left out:
// Canvas builds links from the request without it (a base URL written
// https://host:443 gets links to https://host), and both name one origin.
func canonicalHost(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port == "" {
		return strings.ToLower(host)
	}
	return strings.ToLower(host) + ":" + port
}
