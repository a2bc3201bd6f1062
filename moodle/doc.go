// Package moodle is a typed client for Moodle's web services over the REST
// protocol: the functions a student-management-system sync needs
// (courses and users by idnumber, manual enrolments with roles, groups,
// groupings and their members) and the ones result passback reads
// (course completion, the user grade report, assignments and their
// submissions).
//
//	c, err := moodle.New("https://lms.example.edu.au", token, moodle.WithRateLimit(5, 2))
//	info, err := c.Site.GetSiteInfo(ctx)
//	if errors.Is(err, moodle.ErrInvalidToken) { … }
//
// # Client, options and errors
//
// New takes the transport options every vtsync client shares
// (WithHTTPClient, WithTransport, WithRetry with a RetryPolicy,
// WithRateLimit, WithLimiter, WithMaxBodySize, WithTimeout,
// WithAttemptTimeout, WithUserAgent, WithLogger; package transport gives
// their zero and negative meanings and each client's defaults) and
// Moodle's own (WithFormattedText). Every error a method returns is an
// *OperationError naming the web service function ("moodle:
// core_course_create_courses: …") and wrapping the cause: an *Exception,
// *HTTPError or *DecodeError matching this package's sentinels, or the
// transport's own (*net.OpError, context.DeadlineExceeded, ErrRedirect,
// ErrBodyTooLarge). Client.Call reaches functions the package does not
// wrap.
//
// # The protocol
//
// Every call is one POST to <site>/webservice/rest/server.php with the
// function's parameters in Moodle's PHP bracket encoding
// (users[0][username]=jdoe), the token in the form body (never in the
// URL, so no log of URLs can hold it) and moodlewsrestformat=json
// (webservice/rest/locallib.php webservice_rest_server::parse_request).
// Moodle answers errors with HTTP 200 and a JSON exception object
// {exception, errorcode, message, debuginfo?}; the client turns it into an
// *Exception that matches this package's sentinels with errors.Is, keyed
// on errorcode (the exception class is namespaced since Moodle 4.5 and the
// message is translated, so neither is matched).
//
// Function names, parameters and returns follow Moodle 4.5's own source;
// each method's doc comment names the PHP file and function it calls.
// The facts, with their sources, are collected in the project's
// reference/moodle_api.md.
//
// The client shares the stack of every vtsync client: retries with
// jittered backoff for idempotent calls, a client-side rate limit (Moodle
// core has none of its own), deadlines, a redirect guard, a request meter
// (Stats) keyed by function name, and token redaction in every log record
// and error.
package moodle
