package sync

import (
	"context"
	"errors"
	gosync "sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
)

// blockingRead is a VETtrak read of an enrolment's units that waits for
// release (or its ctx), counting its calls.
type blockingRead struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
	err     error
}

func newBlockingRead() *blockingRead {
	return &blockingRead{started: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingRead) read(ctx context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
	b.calls.Add(1)
	b.started <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if b.err != nil {
		return nil, b.err
	}
	return []vettrak.EnrolledUnit{{EnrolmentID: id, UnitCode: "BSBWHS211"}}, nil
}

// A caller whose ctx ends while another's read runs returns ctx's error at
// once; the read goes on and the others share it. (With a sync.Once the
// caller stayed blocked until the read ended, then returned its units.)
func TestFreshReadsWaiterGivesUp(t *testing.T) {
	var f freshReads
	r := newBlockingRead()
	first := make(chan error, 1)
	go func() {
		units, err := f.get(t.Context(), 7, r.read)
		if err == nil && len(units) != 1 {
			err = errors.New("no units")
		}
		first <- err
	}()
	<-r.started

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	waiterDone := make(chan struct{})
	go func() {
		// Release the read once the waiter returned; a waiter that cannot
		// give up is released after a while instead, and then fails below.
		select {
		case <-waiterDone:
		case <-time.After(10 * time.Second):
		}
		close(r.release)
	}()
	units, err := f.get(ctx, 7, r.read)
	close(waiterDone)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, units)

	require.NoError(t, <-first)
	units, err = f.get(t.Context(), 7, r.read)
	require.NoError(t, err)
	assert.Len(t, units, 1, "the memo holds the first read, not the waiter's error")
	assert.Equal(t, int32(1), r.calls.Load())
}

// In a synctest bubble (the simulated benchmark), callers waiting for
// another's read are durably blocked: the bubble's clock and Wait go on.
// One read serves them all; an error that is the enrolment's is shared;
// a read its own caller cancelled is not, and a waiter reads again.
func TestFreshReadsInBubble(t *testing.T) {
	for _, tc := range []struct {
		name string
		// cancelReader cancels the first caller's ctx mid-read.
		cancelReader bool
		err          error
		wantCalls    int32
		wantErr      error
	}{
		{name: "one read for all", wantCalls: 1},
		{name: "its error shared", err: errors.New("SOAP fault"), wantCalls: 1, wantErr: errors.New("SOAP fault")},
		{name: "reader cancelled, a waiter reads again", cancelReader: true, wantCalls: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var f freshReads
				r := newBlockingRead()
				r.err = tc.err
				readerCtx, cancelReader := context.WithCancel(t.Context())
				defer cancelReader()
				readerErr := make(chan error, 1)
				go func() {
					_, err := f.get(readerCtx, 7, r.read)
					readerErr <- err
				}()
				<-r.started

				const waiters = 5
				var wg gosync.WaitGroup
				errs := make([]error, waiters)
				got := make([][]vettrak.EnrolledUnit, waiters)
				for i := range waiters {
					wg.Go(func() { got[i], errs[i] = f.get(t.Context(), 7, r.read) })
				}
				synctest.Wait() // every waiter durably blocked
				if tc.cancelReader {
					cancelReader()
					require.ErrorIs(t, <-readerErr, context.Canceled)
					<-r.started // a waiter reads again
				}
				close(r.release)
				wg.Wait()
				if !tc.cancelReader {
					assert.Equal(t, tc.err, <-readerErr)
				}
				for i := range waiters {
					if tc.wantErr != nil {
						assert.EqualError(t, errs[i], tc.wantErr.Error())
						continue
					}
					require.NoError(t, errs[i])
					assert.Len(t, got[i], 1)
				}
				assert.Equal(t, tc.wantCalls, r.calls.Load())
			})
		})
	}
}

// A read that panics does not leave the waiters blocked: it is dropped
// from the memo and the next caller reads again.
func TestFreshReadsPanicNotMemoised(t *testing.T) {
	var f freshReads
	calls := 0
	boom := func(context.Context, int64) ([]vettrak.EnrolledUnit, error) {
		calls++
		panic("boom")
	}
	assert.Panics(t, func() { _, _ = f.get(t.Context(), 7, boom) })
	units, err := f.get(t.Context(), 7, func(_ context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
		calls++
		return []vettrak.EnrolledUnit{{EnrolmentID: id}}, nil
	})
	require.NoError(t, err)
	assert.Len(t, units, 1)
	assert.Equal(t, 2, calls)
}
