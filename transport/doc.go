// Package transport is the vocabulary the vtsync API clients share. The
// vettrak, canvas and moodle clients take the same transport options, with
// the same names and meanings, and return the same kind of error; this
// package defines the two types those options and errors are made of, and
// each client re-exports them under its own name (vettrak.RetryPolicy,
// canvas.OperationError, …), so callers rarely import it.
//
// # Options every client has
//
//	WithHTTPClient(hc)      hc is copied; its Transport becomes the base
//	                        transport UNDER the client's stack, so retries,
//	                        rate limit, pacing, metering (Stats), deadlines and
//	                        the redirect guard still apply. hc.Timeout, when
//	                        set and WithTimeout is not, bounds one call; hc's
//	                        Jar is used; hc's CheckRedirect runs after the
//	                        client's own guard. nil is an error.
//	WithTransport(rt)       the base transport (wins over hc.Transport). nil
//	                        is an error.
//	WithRetry(RetryPolicy)  see RetryPolicy for zero and negative fields.
//	WithRateLimit(r, burst) every attempt (retries included) takes a token;
//	                        rate.Inf removes the limit (burst ignored);
//	                        otherwise r and burst must be positive.
//	WithLimiter(l)          shares a limiter between clients (one per server);
//	                        nil is an error. The last of WithRateLimit and
//	                        WithLimiter wins.
//	WithMaxBodySize(n)      caps a successful response body; n must be at
//	                        least MinBodySize.
//	WithTimeout(d)          bounds one call: attempts, backoff and body. 0
//	                        turns it off (the context alone bounds the call);
//	                        negative is an error.
//	WithAttemptTimeout(d)   bounds one attempt, body included, so a stalled
//	                        attempt can be retried. 0 turns it off; negative is
//	                        an error.
//	WithUserAgent(ua)       the User-Agent header; "" is an error.
//	WithLogger(l)           debug logs (retries, logins, pacing), secrets
//	                        masked; nil is an error. Default: discard.
//
// # Defaults, per service, and why
//
//	                 vettrak          canvas                moodle
//	retries          4, 250ms..30s    5, 500ms..30s         4, 500ms..30s
//	rate limit       none             none (pacing follows  10/s, burst 5
//	                                  the token's bucket)
//	call timeout     5 min            5 min                 15 min
//	attempt timeout  2 min            2 min                 7 min
//	max body         64 MiB           64 MiB                64 MiB
//
// VETtrak documents no limit; Canvas meters each token with a leaky bucket
// that the canvas client reads and follows (a fixed rate would be a guess);
// Moodle core has none and runs every call as a PHP request that may take
// up to external_api::set_timeout()'s 300-360 s, hence its longer deadlines.
//
// # Errors
//
// Every error a client method returns is an *OperationError naming the
// service and the operation, wrapping the cause: the client's sentinels
// and typed errors (vettrak.ErrNoRecords, *canvas.Error, *moodle.Exception,
// …), *net.OpError, context.Canceled and context.DeadlineExceeded all stay
// reachable with errors.Is and errors.As.
package transport
