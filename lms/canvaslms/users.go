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

// UpdateUser sets the user's names, and their email and time zone when
// set in u, with one PUT addressed by SIS ID, and their login through the
// logins API when the answer shows it differs. It does not read the user
// first: the caller (the Syncer, from the state it read) calls it only
// for a user whose managed fields differ, and re-sending a field Canvas
// already holds changes nothing there. An update that changes nothing is
// therefore one PUT (and no login write).
//
// What Canvas does, from canvas-lms app/controllers/users_controller.rb
// #update: the user is api_find(User, params[:id]), so
// users/sis_user_id:… addresses them as a GET does; user[name],
// user[short_name] and user[sortable_name] are saved with @user.update
// (an unchanged value is no change to save); user[email] goes through
// User#email= (app/models/user.rb), which finds the user's email channel
// with that path before making one and moves it to the top, so the
// address the user already has stays their one confirmed channel; the
// answer is user_json with email and time_zone included, and login_id
// for an admin who may view logins (lib/api/v1/user.rb user_json),
// which is what decides the login change. Without login_id in the
// answer, the logins listing decides (see updateLogin).
func (l *LMS) UpdateUser(ctx context.Context, u lms.User) error {
	const op = "UpdateUser"
	if err := begin(ctx); err != nil {
		return err
	}
	if err := checkSISID(op, "user", "SIS ID", u.SISID); err != nil {
		return err
	}
	name, sortable := canvasNames(u)
	p := canvas.UserParams{Name: &name, SortableName: &sortable, ShortName: &name}
	if u.Email != "" {
		p.Email = &u.Email
	}
	if u.TimeZone != "" {
		p.TimeZone = &u.TimeZone
	}
	got, err := l.c.Users.Update(ctx, canvas.SISUser(u.SISID), p)
	if err != nil {
		return wrap(op, "user", u.SISID, err)
	}
	if u.Login == "" || got.LoginID == u.Login {
		return nil
	}
	return l.updateLogin(ctx, op, got.ID, u)
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
// listing of the root account's users (see WithUserListThreshold), but
// never while the GETs cost no more than the listing's floor: the pages
// the users ReadState has seen enrolled fill, as the account holds them
// all (useList).
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

// maxPageSize is the most users one listing page holds: Canvas clamps
// per_page to Api::MAX_PER_PAGE, 100 (canvas-lms lib/api.rb, the
// per-page clamp every paginated index goes through, e.g.
// enrollments_api_controller.rb's [(params[:limit] || Api::PER_PAGE).to_i,
// Api::MAX_PER_PAGE].min), and package canvas asks for 100 by default. An
// instance that raised its maximum and a client that asks for more make
// the pages fewer than minListPages says, which only makes a lookup take
// GETs where a listing would have been cheaper.
const maxPageSize = 100

// minListPages is the fewest pages a listing of the account's users can
// take: the account holds at least the users this LMS knows exist (see
// noteKnownUsers). 0 when it knows of none.
func (l *LMS) minListPages() int64 {
	return (l.knownUsers.Load() + maxPageSize - 1) / maxPageSize
}

// noteKnownUsers records users the account holds: the distinct users
// (with SIS IDs) ReadState found enrolled, or group members, in the
// courses it read, counted across every ReadState of this LMS (a re-sync
// reads courses a few at a time, and the largest single read would say
// far fewer than the account holds). The listing covers them: GET
// accounts/self/users lists UserSearch.scope_for(account) (canvas-lms
// users_controller.rb#api_index), the users associated with the root
// account, which an enrollment in one of its courses makes them
// (User#update_account_associations, run when an enrollment is saved).
// Users deleted since are the one way the floor can overshoot; that
// costs per-user GETs where a listing might have been cheaper, never a
// listing where GETs were.
func (l *LMS) noteKnownUsers(ids []string) {
	l.seenMu.Lock()
	defer l.seenMu.Unlock()
	if l.seen == nil {
		l.seen = make(map[string]struct{}, len(ids))
	}
	for _, id := range ids {
		l.seen[id] = struct{}{}
	}
	l.knownUsers.Store(int64(len(l.seen)))
}

// useList says whether n users are cheaper to find by listing the
// account. After a listing has measured the account, listing wins when
// its pages (or the floor the users seen since put under them, if
// higher) weigh less than n GETs. Before, the listing is never chosen
// when n GETs cost no more than the fewest pages it can take
// (minListPages: in a shared account a listing grows with everyone's
// users, and the first lookup of a process must not pay for them); past
// that the threshold decides.
func (l *LMS) useList(n int) bool {
	if pages := l.listPages.Load(); pages > 0 {
		// A listing measured the account when it was smaller (a first
		// sync lists an empty account in one page): the users seen since
		// are a floor under what it costs now.
		return int64(n) > pageWeight*max(pages, l.minListPages())
	}
	if int64(n) <= pageWeight*l.minListPages() {
		return false
	}
	return n >= l.cfg.usersThreshold
}
