package canvas

import (
	"net/url"
	"strconv"
	"time"
)

// form helpers write Rails-style parameters ("course[name]", "include[]").
// Unset (nil) optional values are left out so Canvas keeps what it has.

func setStr(v url.Values, key string, p *string) {
	if p != nil {
		v.Set(key, *p)
	}
}

func setBool(v url.Values, key string, p *bool) {
	if p != nil {
		v.Set(key, strconv.FormatBool(*p))
	}
}

func setFlag(v url.Values, key string, b bool) {
	if b {
		v.Set(key, "true")
	}
}

// setTime writes t as ISO-8601 UTC; a pointer to the zero time writes an
// empty value, which Canvas reads as "clear this date".
func setTime(v url.Values, key string, t *time.Time) {
	switch {
	case t == nil:
	case t.IsZero():
		v.Set(key, "")
	default:
		v.Set(key, t.UTC().Format(time.RFC3339))
	}
}

func setRef(v url.Values, key string, r any) {
	if s := refString(r); s != "" && s != "0" {
		v.Set(key, s)
	}
}

func addAll(v url.Values, key string, vals []string) {
	for _, s := range vals {
		v.Add(key, s)
	}
}

func addIDs(v url.Values, key string, ids []ID) {
	for _, id := range ids {
		v.Add(key, id.String())
	}
}

func setNonEmpty(v url.Values, key, s string) {
	if s != "" {
		v.Set(key, s)
	}
}
