package canvaslms

import (
	"context"
	"errors"
	"strings"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// canvasNames are the three names Canvas keeps: name ("Given Family"),
// sortable_name ("Family, Given") and short_name (the display name).
// Canvas has no given and family name fields, so they travel in
// sortable_name and are split back by splitName.
//
// A family name alone (AVETMISS records a single-name learner that way)
// is sent as sortable "Family,", the form Canvas's own
// User.last_name_first gives a surname with no given name
// ("#{surname}, #{given}".strip, app/models/user.rb); Canvas stores an
// explicit sortable_name as sent (User#infer_defaults only fills a blank
// one). A given name alone is sent as itself. So the two read back apart.
func canvasNames(u lms.User) (name, sortable string) {
	name = u.DisplayName()
	given, family := strings.TrimSpace(u.GivenName), strings.TrimSpace(u.FamilyName)
	switch {
	case family == "":
		sortable = given
	case given == "":
		sortable = family + ","
	default:
		sortable = family + ", " + given
	}
	return name, sortable
}

// splitName recovers given and family names from Canvas's name and
// sortable_name. It takes the split of sortable_name at ", " that rebuilds
// name (a family name may hold a comma), falls back to the first split,
// and for a user whose sortable name has no comma, to the last space of
// name.
func splitName(name, sortable string) (given, family string) {
	name, sortable = strings.TrimSpace(name), strings.TrimSpace(sortable)
	first := -1
	for i := 0; i+2 <= len(sortable); i++ {
		if sortable[i:i+2] != ", " {
			continue
		}
		f, g := strings.TrimSpace(sortable[:i]), strings.TrimSpace(sortable[i+2:])
		if (lms.User{GivenName: g, FamilyName: f}).DisplayName() == name {
			return g, f
		}
		if first < 0 {
			first = i
		}
	}
	switch {
	case sortable == name+"," && name != "":
		// A family name only, as canvasNames and Canvas's
		// last_name_first write it.
		return "", name
	case sortable == name && name != "":
		// One name only: "Cher" (a given name). A family-only name
		// stored this way by older versions reads as a given name, so
		// the Syncer plans one update, which rewrites it as "Family,".
		return name, ""
	case first >= 0:
		return strings.TrimSpace(sortable[first+2:]), strings.TrimSpace(sortable[:first])
	}
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

func toUser(u *canvas.User) lms.User {
	given, family := splitName(u.Name, u.SortableName)
	return lms.User{
		ID:         u.ID.String(),
		SISID:      u.SISUserID,
		Login:      u.LoginID,
		GivenName:  given,
		FamilyName: family,
		Email:      u.Email,
		TimeZone:   u.TimeZone,
	}
}

// CreateUser creates the user in the configured account with one login
// (pseudonym unique_id = u.Login, sis_user_id = u.SISID), an email
// channel marked confirmed so Canvas sends no confirmation email, no
// registration email, and u.TimeZone. A deleted login holding the SIS ID
// is revived (enable_sis_reactivation). A SIS ID or login in use is
// lms.ErrConflict.
func (l *LMS) CreateUser(ctx context.Context, u lms.User) (lms.User, error) {
	const op = "CreateUser"
	if err := begin(ctx); err != nil {
		return lms.User{}, err
	}
	if err := checkSISID(op, "user", "SIS ID", u.SISID); err != nil {
		return lms.User{}, err
	}
	if strings.TrimSpace(u.Login) == "" {
		return lms.User{}, fail(op, "user", u.SISID, lms.ErrInvalid, "login is empty")
	}
	name, sortable := canvasNames(u)
	got, err := l.c.Users.Create(ctx, l.cfg.account, canvas.NewUser{
		Name:                  name,
		ShortName:             name,
		SortableName:          sortable,
		TimeZone:              u.TimeZone,
		SkipRegistration:      true,
		UniqueID:              u.Login,
		SISUserID:             u.SISID,
		Email:                 u.Email,
		SkipConfirmation:      true,
		EnableSISReactivation: true,
	})
	if err != nil {
		return lms.User{}, wrap(op, "user", u.SISID, err)
	}
	if got.SISUserID != u.SISID {
		// The user API has no delete in package canvas; say so loudly.
		return lms.User{}, fail(op, "user", u.SISID, lms.ErrForbidden,
			"Canvas did not keep the SIS ID (the token lacks manage_sis); user "+got.ID.String()+" was created without it")
	}
	out := toUser(got)
	// Canvas answers a create with the user as it stored them, but not
	// every instance echoes the email; what was sent is what is stored.
	if out.Email == "" {
		out.Email = u.Email
	}
	if out.TimeZone == "" {
		out.TimeZone = u.TimeZone
	}
	return out, nil
}

// UpdateUser sets the user's names, email and time zone (found by SIS
// ID), and their login through the logins API when it changed. It reads
// the user first, so an update that changes nothing writes nothing.
func (l *LMS) UpdateUser(ctx context.Context, u lms.User) error {
	const op = "UpdateUser"
	if err := begin(ctx); err != nil {
		return err
	}
	if err := checkSISID(op, "user", "SIS ID", u.SISID); err != nil {
		return err
	}
	ref := canvas.SISUser(u.SISID)
	cur, err := l.c.Users.Get(ctx, ref)
	if err != nil {
		return wrap(op, "user", u.SISID, err)
	}
	name, sortable := canvasNames(u)
	var p canvas.UserParams
	changed := false
	if cur.Name != name || cur.SortableName != sortable || cur.ShortName != name {
		p.Name, p.SortableName, p.ShortName = &name, &sortable, &name
		changed = true
	}
	if u.Email != "" && cur.Email != u.Email {
		p.Email = &u.Email
		changed = true
	}
	if u.TimeZone != "" && cur.TimeZone != u.TimeZone {
		p.TimeZone = &u.TimeZone
		changed = true
	}
	if changed {
		if _, err := l.c.Users.Update(ctx, cur.ID, p); err != nil {
			return wrap(op, "user", u.SISID, err)
		}
	}
	if u.Login == "" || cur.LoginID == u.Login {
		return nil
	}
	return l.updateLogin(ctx, op, cur.ID, u)
}

// updateLogin changes the unique_id of the login that holds the user's
// SIS ID (or their only login).
func (l *LMS) updateLogin(ctx context.Context, op string, id canvas.ID, u lms.User) error {
	logins, err := canvas.Collect(l.c.Users.ListLogins(ctx, id))
	if err != nil {
		return wrap(op, "user", u.SISID, err)
	}
	var target *canvas.Login
	for i := range logins {
		if logins[i].SISUserID == u.SISID {
			target = &logins[i]
			break
		}
	}
	if target == nil && len(logins) == 1 {
		target = &logins[0]
	}
	if target == nil {
		return fail(op, "user", u.SISID, lms.ErrNotFound, "no login holds the SIS ID")
	}
	if target.UniqueID == u.Login {
		return nil
	}
	account := canvas.AccountRef(target.AccountID)
	if target.AccountID == 0 {
		account = canvas.Self
	}
	if _, err := l.c.Users.UpdateLogin(ctx, account, target.ID, canvas.LoginParams{UniqueID: &u.Login}); err != nil {
		return wrap(op, "user", u.SISID, err)
	}
	return nil
}

// ReadUsers returns the users with the given SIS IDs; unknown IDs are
// left out. Few IDs are fetched one GET each; many are found in one
// listing of the root account's users (see WithUserListThreshold).
//
// Unconfirmed: that GET users/:id answers with email and time_zone for an
// admin token (the fake does; Canvas's user JSON documents both as
// "when requested/permitted"). The listing asks for them with
// include[]=email and include[]=time_zone.
func (l *LMS) ReadUsers(ctx context.Context, userSISIDs []string) ([]lms.User, error) {
	if err := begin(ctx); err != nil {
		return nil, err
	}
	found, err := l.lookupUsers(ctx, "ReadUsers", userSISIDs)
	if err != nil {
		return nil, err
	}
	out := make([]lms.User, 0, len(found))
	seen := map[string]bool{}
	for _, id := range userSISIDs {
		if u, ok := found[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// lookupUsers finds users by SIS ID, by per-user GETs or one account
// listing, whichever the measured cost says is cheaper.
func (l *LMS) lookupUsers(ctx context.Context, op string, sisIDs []string) (map[string]lms.User, error) {
	want := map[string]bool{}
	for _, id := range sisIDs {
		if id != "" {
			want[id] = true
		}
	}
	out := make(map[string]lms.User, len(want))
	if len(want) == 0 {
		return out, nil
	}
	if !l.useList(len(want)) {
		l.log.Debug("canvaslms: user lookup one by one", "users", len(want))
		for _, id := range sisIDs {
			if !want[id] {
				continue
			}
			delete(want, id) // each ID once
			u, err := l.c.Users.Get(ctx, canvas.SISUser(id))
			switch {
			case errors.Is(err, canvas.ErrNotFound):
				continue
			case err != nil:
				return nil, wrap(op, "user", id, err)
			}
			out[id] = toUser(u)
		}
		return out, nil
	}
	l.log.Debug("canvaslms: user lookup by listing the account", "users", len(want))
	before := l.c.Stats().ByOp[listUsersOp]
	n := 0
	for u, err := range l.c.Users.ListInAccount(ctx, canvas.Self, &canvas.ListUsersOptions{Include: []string{"email", "time_zone"}}) {
		if err != nil {
			return nil, wrap(op, "", "", err)
		}
		n++
		if want[u.SISUserID] {
			out[u.SISUserID] = toUser(&u)
		}
	}
	pages := l.c.Stats().ByOp[listUsersOp] - before
	if pages <= 0 { // a client that counts nothing: Canvas's pages hold 100
		pages = int64(n/100 + 1)
	}
	l.listPages.Store(pages)
	return out, nil
}

// listUsersOp is the meter key of the account users listing.
const listUsersOp = "GET accounts/{id}/users"

// pageWeight is what one listing page of 100 users costs in single-user
// GETs. BenchmarkReadUsers measures about 2 on the fake (6 ms a page
// against 3 ms a GET at 2 ms latency); Canvas renders a page in one
// request too, so its weight is unconfirmed but unlikely to be far off.
const pageWeight = 2

// useList says whether n users are cheaper to find by listing the
// account. Before a listing has measured the account, the threshold
// decides; after, listing wins when its pages weigh less than n GETs.
func (l *LMS) useList(n int) bool {
	if pages := l.listPages.Load(); pages > 0 {
		return int64(n) > pageWeight*pages
	}
	return n >= l.cfg.usersThreshold
}
