package main

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/sync/store"
	"github.com/vtsync/vtsync/vettrak"
)

// Exit codes. They are part of the program's interface: scripts and
// service managers act on them, so they never change meaning.
const (
	exitOK          = 0   // done; nothing failed
	exitFailures    = 1   // the run finished but some items failed, or an unexpected error
	exitUsage       = 2   // bad flags, bad config file, or a secret missing from the environment
	exitConnection  = 3   // VETtrak or the LMS cannot be reached or refuses the login
	exitHeld        = 4   // the plan exceeds a safety limit and was not applied
	exitLocked      = 5   // another vtsync process holds the state directory (or the provider's lease)
	exitInterrupted = 130 // stopped by a signal (Ctrl-C, SIGTERM) before it finished
)

// exitCodeHelp documents the codes for --help.
const exitCodeHelp = `Exit codes:
  0    done; nothing failed (plan: the plan is within the safety limits)
  1    the run finished but some items failed (see the report), or an
       unexpected error
  2    usage or config error: a bad flag, a bad config file, or a secret
       missing from the environment
  3    connection or auth failure: VETtrak or the LMS cannot be reached,
       refuses the login, or lacks a permission or licence
  4    held: the plan exceeds a safety limit and was not applied; review it
       (vtsync plan) and rerun with --allow-holds
  5    the state directory is locked by another vtsync process, or
       another instance holds the provider's lease in a shared store
  130  interrupted (Ctrl-C or SIGTERM) before the command finished
`

// usageError is a bad command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitCode classifies an error that stopped a command.
func exitCode(ctx context.Context, err error) int {
	var cfgErr *ConfigError
	var useErr *usageError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return exitInterrupted
	case errors.As(err, &cfgErr), errors.As(err, &useErr), errors.Is(err, vtsync.ErrInvalidConfig):
		return exitUsage
	case errors.Is(err, vtsync.ErrHold):
		return exitHeld
	case errors.Is(err, store.ErrLocked), errors.Is(err, store.ErrLeased):
		return exitLocked
	case isConnectionError(err):
		return exitConnection
	case ctx.Err() != nil:
		return exitInterrupted
	}
	return exitFailures
}

// isConnectionError reports whether err means a side cannot be used at all:
// unreachable, refusing the credentials, or lacking a permission or licence.
func isConnectionError(err error) bool {
	var netErr net.Error
	var urlErr *url.Error
	var dnsErr *net.DNSError
	var certErr *x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var vtHTTP *vettrak.HTTPError
	return errors.Is(err, vettrak.ErrBadCredentials) ||
		errors.Is(err, vettrak.ErrMissingRegistration) ||
		errors.Is(err, lms.ErrUnauthorized) || errors.Is(err, lms.ErrForbidden) ||
		errors.Is(err, canvas.ErrUnauthorized) || errors.Is(err, canvas.ErrForbidden) ||
		errors.Is(err, canvas.ErrServer) ||
		errors.As(err, &vtHTTP) ||
		errors.As(err, &netErr) || errors.As(err, &urlErr) || errors.As(err, &dnsErr) ||
		errors.As(err, &certErr) || errors.As(err, &hostErr)
}

// reportExitCode is the exit code of a finished run: failures of single
// items give 1, unless every one of them is a connection or auth failure
// (the LMS token was revoked mid-run), which gives 3.
func reportExitCode(rep *vtsync.Report) int {
	if rep == nil || len(rep.Failures) == 0 {
		return exitOK
	}
	for _, f := range rep.Failures {
		if e := f.Err(); e == nil || !isConnectionError(e) {
			return exitFailures
		}
	}
	return exitConnection
}
