package canvas

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// AccountsService reads accounts.
type AccountsService service

// Account is a Canvas account (the root account of a domain, or a
// sub-account).
type Account struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	UUID            string `json:"uuid"`
	ParentAccountID ID     `json:"parent_account_id"`
	RootAccountID   ID     `json:"root_account_id"`
	// SISAccountID is present only when the token may read SIS data.
	SISAccountID    string `json:"sis_account_id"`
	IntegrationID   string `json:"integration_id"`
	WorkflowState   string `json:"workflow_state"`
	DefaultTimeZone string `json:"default_time_zone"`
}

// Get returns one account. Self is the domain's root account.
func (s *AccountsService) Get(ctx context.Context, account AccountRef) (*Account, error) {
	p, err := path("accounts/{id}", account)
	if err != nil {
		return nil, err
	}
	var a Account
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// List returns the accounts the token can administer.
func (s *AccountsService) List(ctx context.Context) iter.Seq2[Account, error] {
	p, _ := path("accounts")
	return list[Account](s.client, ctx, call{method: "GET", path: p}, "")
}

// ListSubAccounts returns the sub-accounts of account; recursive includes
// their descendants.
func (s *AccountsService) ListSubAccounts(ctx context.Context, account AccountRef, recursive bool) iter.Seq2[Account, error] {
	p, err := path("accounts/{id}/sub_accounts", account)
	if err != nil {
		return errSeq[Account](err)
	}
	q := url.Values{}
	if recursive {
		q.Set("recursive", strconv.FormatBool(recursive))
	}
	return list[Account](s.client, ctx, call{method: "GET", path: p, query: q}, "")
}

// errSeq is an iterator that yields one error.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
