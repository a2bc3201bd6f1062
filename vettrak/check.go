package vettrak

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConnectionReport is the result of Check: can vtsync reach VETtrak, who is it
// logged in as, and which operations does the provider's licence allow.
type ConnectionReport struct {
	Endpoint   string
	Username   string
	LoginOp    string // ValidateClient or ValidateUser
	LoggedIn   bool
	LoginError string        // why the login failed, when it did
	LoginTime  time.Duration // the login round trip
	UserID     int
	Identifier string // the user's client code
	TokenType  string // 01 employer, 02 client, 03 staff
	TimeZone   string
	Operations []OperationCheck
}

// OperationCheck is one probed operation.
type OperationCheck struct {
	Op      string
	Write   bool
	Checked bool // false: a write not probed (see WithCheckWrites), or the probe failed
	Allowed bool // the licence includes it (Status other than -5)
	// Detail says what the probe saw, for support.
	Detail string
}

// UserKind names TokenType for people.
func (r *ConnectionReport) UserKind() string {
	switch r.TokenType {
	case "01":
		return "employer user"
	case "02":
		return "client user"
	case "03":
		return "staff user"
	}
	return "user"
}

// OK reports whether the login worked and every probed operation is
// allowed.
func (r *ConnectionReport) OK() bool {
	if !r.LoggedIn {
		return false
	}
	for _, o := range r.Operations {
		if o.Checked && !o.Allowed {
			return false
		}
	}
	return true
}

// Missing lists the probed operations the licence does not allow.
func (r *ConnectionReport) Missing() []string {
	var out []string
	for _, o := range r.Operations {
		if o.Checked && !o.Allowed {
			out = append(out, o.Op)
		}
	}
	return out
}

// String is the report in words a support person can act on.
func (r *ConnectionReport) String() string {
	var b strings.Builder
	if !r.LoggedIn {
		fmt.Fprintf(&b, "Could not log in to VETtrak at %s as %q.\n", r.Endpoint, r.Username)
		fmt.Fprintf(&b, "Reason: %s\n", r.LoginError)
		b.WriteString("Check the API URL (it ends in VT_API.asmx), the API username and password, and that this machine can reach the server.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "Connected to VETtrak at %s as %q (%s, client code %s) in %s.\n",
		r.Endpoint, r.Username, r.UserKind(), r.Identifier, r.LoginTime.Round(time.Millisecond))
	fmt.Fprintf(&b, "Dates are read in the %s time zone.\n", r.TimeZone)
	var checked, allowed int
	var notChecked []string
	for _, o := range r.Operations {
		if !o.Checked {
			notChecked = append(notChecked, o.Op)
			continue
		}
		checked++
		if o.Allowed {
			allowed++
		}
	}
	fmt.Fprintf(&b, "Licence: %d of %d checked operations are allowed.\n", allowed, checked)
	for _, o := range r.Operations {
		if !o.Checked {
			continue
		}
		mark := "ok     "
		if !o.Allowed {
			mark = "MISSING"
		}
		fmt.Fprintf(&b, "  %s %s", mark, o.Op)
		if o.Detail != "" {
			fmt.Fprintf(&b, ": %s", o.Detail)
		}
		b.WriteByte('\n')
	}
	if miss := r.Missing(); len(miss) > 0 {
		fmt.Fprintf(&b, "Ask the provider's VETtrak administrator (or ReadyTech) to add %s to the registration key.\n", strings.Join(miss, ", "))
	}
	if len(notChecked) > 0 {
		fmt.Fprintf(&b, "Not checked: %s.\n", strings.Join(notChecked, ", "))
	}
	return b.String()
}

// Check is the "Test connection" button: it logs in afresh and probes every
// read operation of the operation table with arguments that match nothing
// (ID 0, a time in the future), so it changes nothing and reads next to
// nothing. VETtrak answers
// Status -5 when the registration key lacks an operation. Writes are
// probed only with WithCheckWrites. It returns an error only when the login
// fails; the report is returned either way.
//
// That VETtrak checks the licence before looking up the record is an
// assumption (not documented).
func (a *Client) Check(ctx context.Context) (*ConnectionReport, error) {
	rep := &ConnectionReport{Endpoint: a.display, Username: a.creds.Username, LoginOp: a.loginOp(), TimeZone: a.cfg.loc.String()}
	start := a.cfg.now()
	if err := a.Login(ctx); err != nil {
		rep.LoginError = a.secrets.String(err.Error())
		if errors.Is(err, ErrBadCredentials) {
			rep.LoginError = "VETtrak rejected the username or password."
		}
		return rep, err
	}
	rep.LoginTime = a.cfg.now().Sub(start)
	rep.LoggedIn = true
	if s := a.sess.Load(); s != nil {
		rep.UserID, rep.Identifier, rep.TokenType = int(s.userID), s.identifier, s.tokenType
	}
	args := probeArgs{identifier: rep.Identifier, future: a.cfg.now().Add(24 * time.Hour)}
	for _, spec := range orderedSpecs(a.ops) {
		if spec.probe == nil {
			continue
		}
		oc := OperationCheck{Op: spec.Name, Write: spec.Write}
		if spec.Write && !a.cfg.checkWrites {
			rep.Operations = append(rep.Operations, oc)
			continue
		}
		err := spec.probe(ctx, a, args)
		var se *StatusError
		switch {
		case err == nil:
			oc.Checked, oc.Allowed = true, true
		case errors.Is(err, ErrMissingRegistration):
			oc.Checked = true
			oc.Detail = "not in the licence (VETtrak status -5)"
		case errors.As(err, &se):
			oc.Checked, oc.Allowed = true, true
			oc.Detail = fmt.Sprintf("allowed (answered status %d for the test values)", se.Status)
		default:
			oc.Detail = "could not check: " + a.secrets.String(err.Error())
		}
		rep.Operations = append(rep.Operations, oc)
	}
	return rep, nil
}
