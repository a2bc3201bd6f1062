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

// maxPages bounds one listing, as a last guard against a server that
// invents new next links forever.
const maxPages = 100000

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
func list[T any](c *Client, ctx context.Context, k call, wrap string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		q := url.Values{}
		for key, vs := range k.query {
			q[key] = append([]string(nil), vs...)
		}
		if !q.Has("per_page") {
			q.Set("per_page", strconv.Itoa(c.perPage))
		}
		k.idem = true
		u := c.resolve(k.path, q)
		seen := map[string]bool{}
		for page := 0; ; page++ {
			if page >= maxPages {
				yield(zero, fmt.Errorf("canvas: %s: more than %d pages", k.path.tmpl, maxPages))
				return
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
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			next := ParseLinkHeader(linkValues(h))["next"]
			if next == "" {
				return
			}
			nu, err := c.nextURL(u, next)
			if err != nil {
				yield(zero, err)
				return
			}
			if seen[nu.String()] {
				yield(zero, fmt.Errorf("%w: %s", ErrRepeatedPage, httpx.SanitizeURL(nu)))
				return
			}
			u = nu
		}
	}
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
		return nil, fmt.Errorf("canvas: bad rel=next link: %w", err)
	}
	nu := cur.ResolveReference(ref)
	if nu.Scheme != c.base.Scheme || !strings.EqualFold(nu.Host, c.base.Host) {
		return nil, fmt.Errorf("%w: %s", ErrForeignNextLink, httpx.SanitizeURL(nu))
	}
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
