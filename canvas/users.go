package canvas

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strings"
	"time"
)

// UsersService manages users and their logins.
type UsersService service

// User is a Canvas user. SIS fields and the login ID are sent only to
// tokens that may read SIS data; Email only where requested and permitted.
type User struct {
	ID            ID         `json:"id"`
	Name          string     `json:"name"`
	SortableName  string     `json:"sortable_name"`
	ShortName     string     `json:"short_name"`
	SISUserID     string     `json:"sis_user_id"`
	SISImportID   ID         `json:"sis_import_id"`
	IntegrationID string     `json:"integration_id"`
	LoginID       string     `json:"login_id"`
	Email         string     `json:"email"`
	Locale        string     `json:"locale"`
	TimeZone      string     `json:"time_zone"`
	LastLogin     *time.Time `json:"last_login"`
	AvatarURL     string     `json:"avatar_url"`
	UUID          string     `json:"uuid"`
}

// NewUser is a user to create, with their first login (pseudonym) and,
// optionally, an email communication channel.
type NewUser struct {
	Name         string
	ShortName    string
	SortableName string
	TimeZone     string
	Locale       string
	// SkipRegistration makes the user active at once, with no
	// registration email.
	SkipRegistration bool

	// UniqueID is the login ID; required.
	UniqueID string
	Password string
	// SISUserID and IntegrationID need manage_sis; Canvas drops them
	// silently otherwise, so check the returned user.
	SISUserID     string
	IntegrationID string
	// AuthenticationProviderID is a provider's ID or type, e.g. "saml".
	AuthenticationProviderID string
	// SendConfirmation emails the user their login details.
	SendConfirmation bool

	// Email adds an email communication channel; SkipConfirmation marks
	// it confirmed without mailing the user.
	Email            string
	SkipConfirmation bool

	// EnableSISReactivation revives a deleted login holding SISUserID.
	EnableSISReactivation bool
}

func (n NewUser) form() url.Values {
	v := url.Values{}
	setNonEmpty(v, "user[name]", n.Name)
	setNonEmpty(v, "user[short_name]", n.ShortName)
	setNonEmpty(v, "user[sortable_name]", n.SortableName)
	setNonEmpty(v, "user[time_zone]", n.TimeZone)
	setNonEmpty(v, "user[locale]", n.Locale)
	setFlag(v, "user[skip_registration]", n.SkipRegistration)
	v.Set("pseudonym[unique_id]", n.UniqueID)
	setNonEmpty(v, "pseudonym[password]", n.Password)
	setNonEmpty(v, "pseudonym[sis_user_id]", n.SISUserID)
	setNonEmpty(v, "pseudonym[integration_id]", n.IntegrationID)
	setNonEmpty(v, "pseudonym[authentication_provider_id]", n.AuthenticationProviderID)
	setFlag(v, "pseudonym[send_confirmation]", n.SendConfirmation)
	if n.Email != "" {
		v.Set("communication_channel[type]", "email")
		v.Set("communication_channel[address]", n.Email)
		setFlag(v, "communication_channel[skip_confirmation]", n.SkipConfirmation)
	}
	setFlag(v, "enable_sis_reactivation", n.EnableSISReactivation)
	return v
}

// Create makes a user with one login in account (normally the root
// account). A taken SIS user ID matches ErrSISIDTaken; a taken login ID
// matches ErrLoginTaken.
func (s *UsersService) Create(ctx context.Context, account AccountRef, n NewUser) (*User, error) {
	if strings.TrimSpace(n.UniqueID) == "" {
		return nil, refuse("POST accounts/{id}/users", errors.New("UniqueID (login ID) is required"))
	}
	p, err := path("accounts/{id}/users", account)
	if err != nil {
		return nil, err
	}
	var u User
	if err := s.client.do(ctx, call{method: "POST", path: p, form: n.form()}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Get returns a user, e.g. Get(ctx, canvas.SISUser("S1001")).
func (s *UsersService) Get(ctx context.Context, user UserRef) (*User, error) {
	p, err := path("users/{id}", user)
	if err != nil {
		return nil, err
	}
	var u User
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserParams are the fields of a user update; nil fields are not sent.
type UserParams struct {
	Name         *string
	ShortName    *string
	SortableName *string
	// Email replaces the user's default email address.
	Email    *string
	TimeZone *string
	Locale   *string
}

// Update changes the set fields of a user.
func (s *UsersService) Update(ctx context.Context, user UserRef, p UserParams) (*User, error) {
	up, err := path("users/{id}", user)
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	setStr(v, "user[name]", p.Name)
	setStr(v, "user[short_name]", p.ShortName)
	setStr(v, "user[sortable_name]", p.SortableName)
	setStr(v, "user[email]", p.Email)
	setStr(v, "user[time_zone]", p.TimeZone)
	setStr(v, "user[locale]", p.Locale)
	var u User
	if err := s.client.do(ctx, call{method: "PUT", path: up, form: v, idem: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsersOptions filter ListInAccount.
type ListUsersOptions struct {
	// SearchTerm matches name, login ID, SIS ID or email (at least 2
	// characters in Canvas).
	SearchTerm string
	// Include may name "email", "last_login", "avatar_url", "time_zone".
	Include []string
	// Sort is username, email, sis_id or last_login; Order asc or desc.
	Sort, Order string
}

// ListInAccount returns the users with a login in an account, for bulk
// lookups by SIS ID instead of one call per user.
func (s *UsersService) ListInAccount(ctx context.Context, account AccountRef, opts *ListUsersOptions) iter.Seq2[User, error] {
	p, err := path("accounts/{id}/users", account)
	if err != nil {
		return errSeq[User](err)
	}
	q := url.Values{}
	if opts != nil {
		setNonEmpty(q, "search_term", opts.SearchTerm)
		addAll(q, "include[]", opts.Include)
		setNonEmpty(q, "sort", opts.Sort)
		setNonEmpty(q, "order", opts.Order)
	}
	return list[User](s.client, ctx, call{method: "GET", path: p, query: q}, "")
}

// Login is one of a user's logins (pseudonyms).
type Login struct {
	ID                       ID     `json:"id"`
	UserID                   ID     `json:"user_id"`
	AccountID                ID     `json:"account_id"`
	UniqueID                 string `json:"unique_id"`
	SISUserID                string `json:"sis_user_id"`
	IntegrationID            string `json:"integration_id"`
	AuthenticationProviderID ID     `json:"authentication_provider_id"`
	WorkflowState            string `json:"workflow_state"`
}

// ListLogins returns a user's logins.
func (s *UsersService) ListLogins(ctx context.Context, user UserRef) iter.Seq2[Login, error] {
	p, err := path("users/{id}/logins", user)
	if err != nil {
		return errSeq[Login](err)
	}
	return list[Login](s.client, ctx, call{method: "GET", path: p}, "")
}

// LoginParams are the fields of a login update; nil fields are not sent.
//
// Unconfirmed: the reference marks this parameter list VERIFY
// (login[unique_id], login[sis_user_id], login[integration_id]).
type LoginParams struct {
	UniqueID      *string
	SISUserID     *string
	IntegrationID *string
	Password      *string
}

// UpdateLogin changes a login, e.g. to fix a SIS user ID.
func (s *UsersService) UpdateLogin(ctx context.Context, account AccountRef, login ID, p LoginParams) (*Login, error) {
	lp, err := path("accounts/{id}/logins/{id}", account, login)
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	setStr(v, "login[unique_id]", p.UniqueID)
	setStr(v, "login[sis_user_id]", p.SISUserID)
	setStr(v, "login[integration_id]", p.IntegrationID)
	setStr(v, "login[password]", p.Password)
	var out Login
	if err := s.client.do(ctx, call{method: "PUT", path: lp, form: v, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
