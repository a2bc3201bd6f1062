package canvastest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
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
	var links []string
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
		links = append(links, x.link(orFirst(pv), per, "current"))
		if end < len(items) {
			links = append(links, x.link(encodeBookmark(key(items[end-1])), per, "next"))
		}
		links = append(links, x.link("first", per, "first"))
	} else {
		n := 1
		if v, err := strconv.Atoi(pv); err == nil && v > 0 {
			n = v
		}
		start = min((n-1)*per, len(items))
		end := min(start+per, len(items))
		page = items[start:end]
		links = append(links, x.link(strconv.Itoa(n), per, "current"))
		if end < len(items) {
			links = append(links, x.link(strconv.Itoa(n+1), per, "next"))
		}
		if n > 1 {
			links = append(links, x.link(strconv.Itoa(n-1), per, "prev"))
		}
		links = append(links, x.link("1", per, "first"))
		if kind == numbered {
			last := max((len(items)+per-1)/per, 1)
			links = append(links, x.link(strconv.Itoa(last), per, "last"))
		}
	}
	x.header.Set("Link", strings.Join(links, ","))
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

// link builds an absolute page URL: the request URL with page and per_page
// replaced and access_token removed, as Canvas does.
func (x *rctx) link(page string, per int, rel string) string {
	q := x.r.URL.Query()
	q.Del("access_token")
	q.Set("page", page)
	q.Set("per_page", strconv.Itoa(per))
	scheme := "http"
	if x.r.TLS != nil {
		scheme = "https"
	}
	return "<" + scheme + "://" + x.r.Host + x.r.URL.EscapedPath() + "?" + q.Encode() + `>; rel="` + rel + `"`
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
