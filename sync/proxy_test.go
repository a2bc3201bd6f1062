package sync_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
)

// rewriteProxy stands between the client and the fake VETtrak and lets a
// test change an answer after the fake produced it, as a real server (or a
// gateway) would answer what the fake never does: control characters
// written as character references by .NET, lost answers, truncated bodies.
// rewrite gets the operation (from SOAPAction) and the answer; it may
// change the status and body.
func rewriteProxy(t *testing.T, target string, rewrite func(op string, resp *http.Response, body []byte) []byte) string {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		action := strings.Trim(resp.Request.Header.Get("SOAPAction"), `"`)
		op := action[strings.LastIndex(action, "/")+1:]
		body = rewrite(op, resp, body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL + u.Path
}

// proxiedAPI is a VETtrak client through rewriteProxy, without retries so
// that every rewritten answer is seen once.
func (r *rig) proxiedAPI(t *testing.T, rewrite func(op string, resp *http.Response, body []byte) []byte) *vettrak.Client {
	t.Helper()
	api, err := vettrak.New(rewriteProxy(t, r.vt.URL(), rewrite), r.vt.Credentials(), vettrak.WithRetry(vettrak.RetryPolicy{MaxRetries: -1}))
	require.NoError(t, err)
	return api
}
