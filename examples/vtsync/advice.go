package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/vtsync/vtsync/vettrak"
)

// advice says what to do about an error that stops vtsync reaching
// VETtrak, in words, naming the config field or variable to look at;
// "" when it has nothing specific to say. The LMS's own errors already
// carry their advice (the Canvas client's messages do).
func (a *app) advice(err error) string {
	endpoint, pwEnv, user := "the VETtrak endpoint", defaultPasswordEnv, ""
	if a.cfg != nil {
		endpoint = a.cfg.file.VETtrak.Endpoint
		pwEnv = cmpOr(a.cfg.file.VETtrak.PasswordEnv, defaultPasswordEnv)
		user = a.cfg.file.VETtrak.Username
	}
	var httpErr *vettrak.HTTPError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *x509.UnknownAuthorityError
	switch {
	case errors.Is(err, vettrak.ErrBadCredentials):
		return fmt.Sprintf("VETtrak refused the login of %q: check vettrak.username in the config and the password in $%s "+
			"(the API user's, as set up in VETtrak's API registration; after repeated failures VETtrak may lock the account)", user, pwEnv)
	case errors.Is(err, vettrak.ErrMissingRegistration):
		return "the VETtrak login worked but the API is not registered for this user or licence: ask the VETtrak administrator to enable API access"
	case errors.As(err, &httpErr) && httpErr.StatusCode == 404:
		return fmt.Sprintf("the server answered but has no VETtrak API at %s: check vettrak.endpoint in the config (it ends in /VT_API.asmx)", endpoint)
	case errors.As(err, &httpErr) && httpErr.StatusCode >= 500:
		return fmt.Sprintf("the VETtrak server at %s is up but failing (HTTP %d): try again later, and tell its administrator if it lasts", endpoint, httpErr.StatusCode)
	case errors.As(err, &httpErr):
		return fmt.Sprintf("the server at %s answered HTTP %d, which is not the VETtrak API: check vettrak.endpoint", endpoint, httpErr.StatusCode)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the host name in %s does not resolve: check vettrak.endpoint for a typo", endpoint)
	case errors.As(err, &certErr):
		return fmt.Sprintf("the certificate of %s is not trusted by this machine: install the issuing CA, or check the host name", endpoint)
	case errors.As(err, &opErr) && strings.Contains(err.Error(), "connection refused"):
		return fmt.Sprintf("nothing answers at %s: is the VETtrak server (or the fake one) running, and is the port right?", endpoint)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &opErr):
		return fmt.Sprintf("no answer from %s in time: check the network path (VPN, firewall) to the VETtrak server", endpoint)
	}
	return ""
}
