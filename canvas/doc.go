// Package canvas is a typed client for the Canvas LMS REST API, covering what
// a student-management-system sync needs: accounts, courses, sections, users
// and logins, enrollments (with final grades), group categories, groups and
// memberships, assignments, submissions for many students at once, module
// progress and SIS imports.
//
// A Client is built with New and groups its calls by resource:
//
//	c, err := canvas.New("https://school.instructure.com", token,
//		canvas.WithRetry(canvas.RetryPolicy{MaxRetries: 3}))
//	course, err := c.Courses.Get(ctx, canvas.SISCourse("IST101"))
//	if errors.Is(err, canvas.ErrNotFound) { … }
//	for e, err := range c.Enrollments.ListByCourse(ctx, course.ID, nil) { … }
//
// # Client, options and errors
//
// New takes the transport options every vtsync client shares
// (WithHTTPClient, WithTransport, WithRetry with a RetryPolicy,
// WithRateLimit, WithLimiter, WithMaxBodySize, WithTimeout,
// WithAttemptTimeout, WithUserAgent, WithLogger; package transport gives
// their zero and negative meanings and each client's defaults) and
// Canvas's own (WithPerPage, WithPacing, WithMaxInFlight,
// WithMaxListItems). A WithHTTPClient transport sits under the whole stack
// below, so its calls are retried, paced and counted like any other.
//
// Every error a method returns is an *OperationError naming the endpoint
// as Stats keys it ("canvas: GET courses/{id}: …") and wrapping the cause:
// an *Error for a non-2xx answer, matching ErrNotFound, ErrUnauthorized,
// ErrForbidden, ErrThrottled, ErrInvalid, ErrSISIDTaken, ErrLoginTaken or
// ErrServer with errors.Is; a *DecodeError; or the transport's own
// (*net.OpError, context.DeadlineExceeded, ErrRedirect, ErrBodyTooLarge).
// The access token never appears in errors or logs. Endpoints the package
// does not wrap go through Client.Do and List, with the same auth,
// pacing, retries and errors.
//
// Objects are addressed by Canvas ID (ID) or by SIS ID (SISCourse,
// SISSection, SISUser, SISLogin, SISGroup, SISGroupCategory, SISAccount,
// SISTerm). SIS IDs are escaped the way Canvas documents, so IDs containing
// "/", ".", "%" or non-ASCII characters reach the server unchanged.
//
// Lists are iter.Seq2 iterators that follow the Link header's rel="next"
// URL as an opaque address (Canvas uses bookmark pages and often omits
// rel="last"), yielding page by page. A listing stops with an error if the
// server repeats a page (ErrRepeatedPage), passes what it can plausibly
// return (ErrListingTooLong, see WithMaxListItems), or sends a full page
// without a next link on a query long enough that Canvas, which drops
// Link headers past 6 KB, may have left it out (ErrLinkDropped); long ID
// filters are split into short queries so that does not happen. A base
// URL's default port (:443, :80) is dropped, as in Canvas's own links.
//
// Every request goes through the shared transport stack: retries
// with capped, jittered backoff (throttling always; transport errors and 5xx
// only for idempotent calls), an optional client-side rate limit (none by
// default), a hard cap on requests in flight, and pacing by Canvas's
// X-Rate-Limit-Remaining and X-Request-Cost headers: requests in flight grow
// while the token's bucket has room and shrink to one as it fills, the
// reserve kept back growing with them (see Pacing), so long and
// concurrent runs go as fast as Canvas allows and seldom hit its throttle.
//
// Stats().ByOp keys ("GET courses/{id}/enrollments") match the endpoint keys
// of canvastest.Server.Calls, so tests can compare both sides.
//
// # Unconfirmed behaviour
//
// The reference notes mark some Canvas facts as not yet confirmed from
// source; the client follows the best evidence and says so where it
// matters: the bulk_user_progress element shape (BulkUserProgress), the
// login update parameters (UpdateLogin), the group update path
// (GroupsService.Update), the grade strings of pass/fail assignments, and
// whether every endpoint accepts JSON bodies (the client sends Rails-style
// form bodies, which every endpoint accepts). Pin them with a recorded
// response from a real Canvas before relying on them.
//
// Package canvas/canvastest is an in-process fake Canvas server for tests
// and examples.
package canvas
