package canvaslms_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/lms/canvaslms"
)

// BenchmarkReadUsers measures the two user lookups against an account of
// 2,000 users on the fake with 2 ms per request (a near Canvas): n GETs
// against 20 listing pages. It is what DefaultUserListThreshold rests on:
//
//	go test -run '^$' -bench ReadUsers ./lms/canvaslms/
func BenchmarkReadUsers(b *testing.B) {
	const account = 2000
	srv := canvastest.NewServer(canvastest.WithLatency(2 * time.Millisecond))
	b.Cleanup(srv.Close)
	var ids []string
	for i := range account {
		id := fmt.Sprintf("client/%04d", i)
		srv.SeedUser(canvastest.User{Name: "L " + fmt.Sprint(i), LoginID: id + "@example.com", SISUserID: id, Email: id + "@example.com"})
		ids = append(ids, id)
	}
	client := fastClient(b, srv, srv.AdminToken())
	for _, n := range []int{10, 20, 40} {
		for _, way := range []struct {
			name      string
			threshold int
		}{{"get", 1 << 30}, {"list", 1}} {
			b.Run(fmt.Sprintf("users=%d/%s", n, way.name), func(b *testing.B) {
				srv.ResetCalls()
				for b.Loop() {
					// A fresh LMS each time: nothing measured yet.
					l, err := canvaslms.New(client, canvaslms.WithUserListThreshold(way.threshold))
					require.NoError(b, err)
					us, err := l.ReadUsers(b.Context(), ids[:n])
					require.NoError(b, err)
					require.Len(b, us, n)
				}
				requests := 0
				for _, n := range srv.Calls() { // the log keeps only the latest calls
					requests += n
				}
				b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			})
		}
	}
}
