package fleet_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/sync/fleet"
	"github.com/vtsync/vtsync/sync/fleet/fleettest"
	"github.com/vtsync/vtsync/sync/fleet/internal/pgtest"
	"github.com/vtsync/vtsync/sync/fleet/pgstore"
)

// benchProviders is how many providers a round syncs; benchLatency is each
// fake's delay per answer, so runs wait on the network as real ones do.
const (
	benchProviders = 12
	benchLatency   = 5 * time.Millisecond
)

// BenchmarkProvidersPerMinute measures first runs of fresh providers per
// minute with 1, 2 and 3 workers on this machine. Each worker is its own
// River client with its own connection pool running one provider at a
// time, as a worker process WithWorkers(1) would. "vs_1" is the ratio to
// one worker's rate. Run it briefly:
//
//	cd sync/fleet && go test -run '^$' -bench ProvidersPerMinute -benchtime 1x .
func BenchmarkProvidersPerMinute(b *testing.B) {
	pgtest.Require(b)
	rates := map[int]float64{}
	for _, workers := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var elapsed time.Duration
			for range b.N {
				elapsed += benchRound(b, workers)
			}
			rate := float64(benchProviders*b.N) / elapsed.Minutes()
			rates[workers] = rate
			b.ReportMetric(rate, "providers/min")
			if rates[1] > 0 {
				b.ReportMetric(rate/rates[1], "vs_1")
			}
		})
	}
}

// benchRound syncs benchProviders fresh providers with workers workers and
// returns the time from start to the last provider's success.
func benchRound(b *testing.B, workers int) time.Duration {
	b.StopTimer()
	fakes, err := fleettest.Start(fleettest.Options{Providers: benchProviders, Latency: benchLatency})
	require.NoError(b, err)
	defer fakes.Close()
	reg, err := fleettest.Registry(fakes.Endpoints(), "")
	require.NoError(b, err)
	dsn := pgtest.DSN(b)
	var fleets []*fleet.Fleet
	var dbs []*pgstore.DB
	for i := range workers {
		db, err := pgstore.Open(b.Context(), dsn)
		require.NoError(b, err)
		dbs = append(dbs, db)
		f, err := fleet.New(b.Context(), db, reg, fleet.WithWorkerID(fmt.Sprintf("w%d", i+1)), fleet.WithWorkers(1),
			fleet.WithPollInterval(20*time.Millisecond))
		require.NoError(b, err)
		fleets = append(fleets, f)
	}
	_, err = fleets[0].EnqueueAll(b.Context())
	require.NoError(b, err)
	b.StartTimer()
	begin := time.Now()
	for _, f := range fleets {
		require.NoError(b, f.Start(b.Context()))
	}
	for {
		runs, err := dbs[0].Runs(b.Context(), pgstore.RunFilter{Status: pgstore.RunSucceeded})
		require.NoError(b, err)
		if len(runs) >= benchProviders {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(begin)
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, f := range fleets {
		require.NoError(b, f.Stop(ctx))
		require.NoError(b, dbs[i].Close())
	}
	return elapsed
}
