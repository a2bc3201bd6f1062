package sync

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak"
)

// ErrNeedsPerson is matched (errors.Is) by the failure of an operation
// that retrying cannot fix: the target refused the input (lms.ErrInvalid,
// vettrak.ErrRejected, a SOAP client fault, HTTP 400/422), the credentials
// lack a permission or licence (lms.ErrForbidden, lms.ErrUnauthorized,
// vettrak.ErrMissingRegistration, vettrak.ErrBadCredentials, HTTP
// 401/403), or something else holds what the operation needs
// (lms.ErrConflict that is not our own object: a login another user has).
// Such an operation is reported with its cause and not tried again until
// its inputs change (or Release is called).
var ErrNeedsPerson = errors.New("vtsync: needs a person")

// failureClass says what to do about a failed operation.
type failureClass int

const (
	// classTransient: a network error, a 5xx, a timeout, anything not
	// known to be otherwise: retried with backoff.
	classTransient failureClass = iota
	// classThrottled: the server asked us to slow down: retried after its
	// retry-after (on the next run when it gave none).
	classThrottled
	// classReplan: what the plan saw has changed: the next run plans again
	// and decides afresh, with no wait.
	classReplan
	// classTerminal: needs a person (ErrNeedsPerson).
	classTerminal
)

// terminalCauses are the clients' sentinels that retrying cannot fix.
var terminalCauses = []error{
	lms.ErrInvalid, lms.ErrForbidden, lms.ErrUnauthorized, lms.ErrConflict,
	vettrak.ErrRejected, vettrak.ErrMissingRegistration, vettrak.ErrBadCredentials,
}

// classify sorts a failure by the clients' typed errors, and returns the
// retry-after of a throttled one.
func classify(err error) (failureClass, time.Duration) {
	var rl *lms.RateLimitError
	if errors.As(err, &rl) {
		return classThrottled, rl.RetryAfter
	}
	if errors.Is(err, lms.ErrRateLimited) {
		return classThrottled, 0
	}
	if errors.Is(err, ErrChangedInVETtrak) || errors.Is(err, ErrStale) {
		return classReplan, 0
	}
	for _, c := range terminalCauses {
		if errors.Is(err, c) {
			return classTerminal, 0
		}
	}
	var fault *vettrak.FaultError
	if errors.As(err, &fault) && strings.HasSuffix(fault.Code, ":Client") {
		// soap:Client: the request itself is wrong; sending it again
		// gives the same fault.
		return classTerminal, 0
	}
	var he *vettrak.HTTPError
	if errors.As(err, &he) {
		switch he.StatusCode {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity:
			return classTerminal, 0
		case http.StatusTooManyRequests:
			return classThrottled, 0
		}
	}
	return classTransient, 0
}
