package canvastest

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// pageKind says how a listing paginates.
type pageKind int

const (
	// numbered pages with rel="last".
	numbered pageKind = iota
	// numbered pages without rel="last" (Canvas skips counting).
	numberedNoLast
	// bookmark pages ("page=bookmark:…"), never rel="last".
	bookmarked
)

// paginate returns one page of items (sorted by key) and sets the Link
// header. It answers 404 itself for a bad bookmark and returns ok=false.
func paginate[T any](x *rctx, items []T, key func(T) int64, kind pageKind) (page []T, ok bool) {
	per := x.s.opts.perPageDefault
	if v := x.param("per_page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			per = min(max(n, 1), x.s.opts.perPageMax)
		}
	}
	pv := x.param("page")
	var start int
	links := map[string]string{}
	if kind == bookmarked {
		if pv != "" && pv != "first" {
			after, err := decodeBookmark(pv)
			if err != nil {
				x.notFound()
				return nil, false
			}
			for start < len(items) && key(items[start]) <= after {
				start++
			}
		}
		end := min(start+per, len(items))
		page = items[start:end]
		links["current"] = x.link(orFirst(pv), per)
		if end < len(items) {
			links["next"] = x.link(encodeBookmark(key(items[end-1])), per)
		}
		links["first"] = x.link("first", per)
	} else {
		n := 1
		if v, err := strconv.Atoi(pv); err == nil && v > 0 {
			n = v
		}
		start = min((n-1)*per, len(items))
		end := min(start+per, len(items))
		page = items[start:end]
		links["current"] = x.link(strconv.Itoa(n), per)
		if end < len(items) {
			links["next"] = x.link(strconv.Itoa(n+1), per)
		}
		if n > 1 {
			links["prev"] = x.link(strconv.Itoa(n-1), per)
		}
		links["first"] = x.link("1", per)
		if kind == numbered {
			last := max((len(items)+per-1)/per, 1)
			links["last"] = x.link(strconv.Itoa(last), per)
		}
	}
	if h := linkHeader(links); h != "" {
		x.header.Set("Link", h)
	}
	if page == nil {
		page = []T{}
	}
	return page, true
}

func orFirst(pv string) string {
	if pv == "" {
		return "first"
	}
	return pv
}

// maxLinkHeaders is lib/api.rb#build_links_hash's max_link_headers_size.
const maxLinkHeaders = 6 * 1024

// linkHeader follows lib/api.rb#build_links_hash and
// build_links_from_hash: links are taken in LINK_PRIORITY order (next,
// last, prev, current, first) while their URLs add up to at most 6 KB,
// the first that would pass it ending the list (so one over-long next link
// leaves no links at all), and written in PAGINATION_PARAMS order
// (current, next, prev, first, last).
func linkHeader(links map[string]string) string {
	kept := map[string]bool{}
	size := 0
	for _, rel := range []string{"next", "last", "prev", "current", "first"} {
		u, ok := links[rel]
		if !ok {
			continue
		}
		if size+len(u) > maxLinkHeaders {
			break
		}
		size += len(u)
		kept[rel] = true
	}
	var out []string
	for _, rel := range []string{"current", "next", "prev", "first", "last"} {
		if kept[rel] {
			out = append(out, "<"+links[rel]+`>; rel="`+rel+`"`)
		}
	}
	return strings.Join(out, ",")
}

// link builds an absolute page URL: the request URL with page and per_page
// replaced and access_token removed, as Canvas does. Like Rails's URL
// helpers, it leaves out the scheme's default port even when the request's
// Host header named it.
func (x *rctx) link(page string, per int) string {
	q := x.r.URL.Query()
	q.Del("access_token")
	q.Del("page")
	q.Del("per_page")
	scheme := "http"
	if x.r.TLS != nil {
		scheme = "https"
	}
	host := x.r.Host
	if h, port, err := net.SplitHostPort(host); err == nil &&
		((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) {
		host = h
		if strings.Contains(h, ":") {
			host = "[" + h + "]"
		}
	}
	base := scheme + "://" + host + x.r.URL.EscapedPath() + "?"
	if enc := q.Encode(); enc != "" {
		base += enc + "&"
	}
	return base + "page=" + url.QueryEscape(page) + "&per_page=" + strconv.Itoa(per)
}

func encodeBookmark(after int64) string {
	b, _ := json.Marshal([]int64{after})
	return "bookmark:" + base64.RawURLEncoding.EncodeToString(b)
}

func decodeBookmark(v string) (int64, error) {
	rest, ok := strings.CutPrefix(v, "bookmark:")
	if !ok {
		return 0, strconv.ErrSyntax
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return 0, err
	}
	var k []int64
	if err := json.Unmarshal(b, &k); err != nil || len(k) != 1 {
		return 0, strconv.ErrSyntax
	}
	return k[0], nil
}

// ok200 writes a JSON list page.
func (x *rctx) listJSON(v any) { x.json(http.StatusOK, v) }

// renderPage is paginate and the rendering of each item of the page, the
// steps every listing shares; it answers 404 itself for a bad bookmark and
// returns ok=false.
func renderPage[T, R any](x *rctx, items []T, key func(T) int64, kind pageKind, render func(T) R) (out []R, ok bool) {
	page, ok := paginate(x, items, key, kind)
	if !ok {
		return nil, false
	}
	out = make([]R, 0, len(page))
	for _, v := range page {
		out = append(out, render(v))
	}
	return out, true
}

// writePage answers a listing: one page of items, each rendered by
// render, as a JSON array with the Link header.
func writePage[T, R any](x *rctx, items []T, key func(T) int64, kind pageKind, render func(T) R) {
	if out, ok := renderPage(x, items, key, kind, render); ok {
		x.listJSON(out)
	}
}
