package httpx

import (
	"fmt"
	"io"
	"net/url"

	"github.com/vtsync/vtsync/transport"
)

// ErrBodyTooLarge is returned when a response body exceeds its limit
// (transport.ErrBodyTooLarge).
var ErrBodyTooLarge = transport.ErrBodyTooLarge

// ReadLimited reads all of r, or fails with an error wrapping ErrBodyTooLarge
// once more than limit bytes arrive. It never buffers more than limit+1 bytes.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return b, nil
}

// secretParams are query parameters that may carry credentials.
var secretParams = []string{"access_token", "token", "password", "sToken", "sPassword", "client_secret"}

// SanitizeURL renders u without user info and with credential-bearing query
// parameters replaced, for use in errors and logs.
func SanitizeURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for _, p := range secretParams {
			if q.Has(p) {
				q.Set(p, "REDACTED")
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}
