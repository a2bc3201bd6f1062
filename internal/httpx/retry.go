package httpx

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// checkRetry is the retry policy. It retries:
//   - throttling (429, or 403 whose body says "Rate Limit Exceeded"), always;
//   - transport errors and 500/502/503/504, only for idempotent requests;
//
// and never a SOAP fault, which is a deterministic answer even when it comes
// with status 500.
func checkRetry(classify func(*http.Response, []byte) Decision) func(context.Context, *http.Response, error) (bool, error) {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		idem := IsIdempotent(ctx)
		if err != nil {
			return idem, nil
		}
		if resp.StatusCode < 400 {
			return false, nil
		}
		body := PeekBody(resp, peekLimit)
		if classify != nil {
			switch classify(resp, body) {
			case Throttled:
				return true, nil
			case Transient:
				return idem, nil
			case Permanent:
				return false, nil
			}
		}
		if IsThrottleResponse(resp.StatusCode, body) {
			return true, nil
		}
		switch resp.StatusCode {
		case http.StatusInternalServerError:
			return idem && !looksLikeSOAPFault(body), nil
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return idem, nil
		}
		return false, nil
	}
}

// IsThrottleResponse reports whether a status and body are a rate-limit
// answer: 429, or 403 with "Rate Limit Exceeded" (Canvas documents both).
func IsThrottleResponse(status int, body []byte) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return status == http.StatusForbidden && bytes.Contains(bytes.ToLower(body), []byte("rate limit exceeded"))
}

func looksLikeSOAPFault(body []byte) bool {
	return bytes.Contains(body, []byte(":Fault")) || bytes.Contains(body, []byte("<Fault"))
}

// PeekBody reads up to limit bytes of resp.Body and puts them back in front
// of the rest, so later readers see the whole body.
func PeekBody(resp *http.Response, limit int64) []byte {
	if resp == nil || resp.Body == nil {
		return nil
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return head
}

// Backoff waits min(Retry-After, max) when the server says how long, and
// otherwise a fully jittered exponential delay between min and max.
func Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(max(d, minWait), maxWait)
		}
	}
	ceiling := minWait << min(attempt, 20)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	if ceiling <= minWait {
		return minWait
	}
	return minWait + rand.N(ceiling-minWait)
}

// ParseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs > 24*3600 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
