package sync

import (
	"context"
	gosync "sync"
)

// fanOut calls fn for every input on at most workers goroutines and returns
// the results and errors in input order. After ctx ends, the remaining
// inputs get ctx's error without a call.
func fanOut[In, Out any](ctx context.Context, workers int, in []In, fn func(context.Context, In) (Out, error)) ([]Out, []error) {
	out := make([]Out, len(in))
	errs := make([]error, len(in))
	if workers < 1 {
		workers = 1
	}
	next := make(chan int)
	var wg gosync.WaitGroup
	for range min(workers, len(in)) {
		wg.Go(func() {
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				out[i], errs[i] = safeCall(ctx, in[i], fn)
			}
		})
	}
	for i := range in {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errs
}

// safeCall turns a panic in fn (a custom Source or LMS) into an error, so
// one bad record cannot take the run down.
func safeCall[In, Out any](ctx context.Context, v In, fn func(context.Context, In) (Out, error)) (out Out, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r}
		}
	}()
	return fn(ctx, v)
}
