package moodlelms

import (
	"context"
	"regexp"
	"slices"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

// reUsername is what PARAM_USERNAME keeps without extendedusernamechars
// (lib/classes/param.php clean_param_value_username).
var reUsername = regexp.MustCompile(`^[-.@_a-z0-9]{1,100}$`)

// readChunk bounds the values of one core_user_get_users_by_field call,
// well under PHP's max_input_vars.
const readChunk = 200

// blankName stands in Moodle for a name a learner does not have. AVETMISS
// records a person with one name as a family name only, but Moodle refuses
// a blank first or last name ("The field firstname cannot be blank",
// user/externallib.php core_user_external::create_users), so the missing
// one is written as "-" and read back as empty; otherwise every run would
// plan an update that can never settle.
const blankName = "-"

// moodleName is a name as Moodle stores it.
func moodleName(n string) string {
	if n == "" {
		return blankName
	}
	return n
}

// lmsName is a name as Moodle stores it, read back.
func lmsName(n string) string {
	if n == blankName {
		return ""
	}
	return n
}

func toUser(u moodle.User) lms.User {
	tz := u.Timezone
	if tz == moodle.TimezoneServer {
		tz = ""
	}
	return lms.User{ID: idString(u.ID), SISID: u.IDNumber, Login: u.Username, GivenName: lmsName(u.FirstName),
		FamilyName: lmsName(u.LastName), Email: u.Email, TimeZone: tz}
}

func timezone(tz string) string {
	if tz == "" {
		return moodle.TimezoneServer
	}
	return tz
}

// user finds a user by SIS ID. Moodle does not keep idnumbers unique; the
// oldest account wins.
func (l *LMS) user(ctx context.Context, op, sis string) (moodle.User, error) {
	if sis == "" {
		return moodle.User{}, fail(op, "user", sis, lms.ErrInvalid, "empty SIS ID")
	}
	us, err := l.c.Users.GetUsersByField(ctx, moodle.UserByIDNumber, []string{sis})
	if err != nil {
		return moodle.User{}, wrap(op, "user", sis, err)
	}
	if len(us) == 0 {
		return moodle.User{}, fail(op, "user", sis, lms.ErrNotFound, "no user has this idnumber")
	}
	return us[0], nil
}

func checkUser(op string, u lms.User) error {
	switch {
	case u.SISID == "":
		return fail(op, "user", u.SISID, lms.ErrInvalid, "empty SIS ID")
	case !reUsername.MatchString(u.Login):
		return fail(op, "user", u.SISID, lms.ErrInvalid, "Moodle usernames are 1-100 lowercase letters, digits and -.@_")
	case u.Email == "":
		return fail(op, "user", u.SISID, lms.ErrInvalid, "Moodle requires an e-mail address")
	case u.GivenName == "" && u.FamilyName == "":
		return fail(op, "user", u.SISID, lms.ErrInvalid, "the user has no name")
	}
	return nil
}

// CreateUser creates a user, refusing a SIS ID or login already in use
// (lms.ErrConflict): Moodle itself would accept a second idnumber.
func (l *LMS) CreateUser(ctx context.Context, u lms.User) (lms.User, error) {
	const op = "CreateUser"
	if err := checkUser(op, u); err != nil {
		return lms.User{}, err
	}
	for _, by := range []struct{ field, value string }{{moodle.UserByIDNumber, u.SISID}, {moodle.UserByUsername, u.Login}} {
		found, err := l.c.Users.GetUsersByField(ctx, by.field, []string{by.value})
		if err != nil {
			return lms.User{}, wrap(op, "user", u.SISID, err)
		}
		if len(found) > 0 {
			return lms.User{}, fail(op, "user", u.SISID, lms.ErrConflict, "a user with this "+by.field+" exists")
		}
	}
	nu := moodle.NewUser{Username: u.Login, FirstName: moodleName(u.GivenName), LastName: moodleName(u.FamilyName), Email: u.Email,
		Auth: l.cfg.auth, IDNumber: u.SISID}
	if slices.Contains([]string{"manual", "email"}, l.cfg.auth) {
		nu.CreatePassword = moodle.Ptr(true)
	}
	if u.TimeZone != "" {
		nu.Timezone = &u.TimeZone
	}
	made, err := l.c.Users.CreateUsers(ctx, []moodle.NewUser{nu})
	if err != nil {
		return lms.User{}, wrap(op, "user", u.SISID, err)
	}
	u.ID = idString(made[0].ID)
	return u, nil
}

// UpdateUser sets a user's login, names, e-mail and time zone, sending
// only what changed.
func (l *LMS) UpdateUser(ctx context.Context, u lms.User) error {
	const op = "UpdateUser"
	if err := checkUser(op, u); err != nil {
		return err
	}
	cur, err := l.user(ctx, op, u.SISID)
	if err != nil {
		return err
	}
	up := moodle.UserUpdate{ID: cur.ID}
	changed := false
	set := func(dst **string, have, want string) {
		if have != want {
			*dst, changed = &want, true
		}
	}
	set(&up.Username, cur.Username, u.Login)
	set(&up.FirstName, cur.FirstName, moodleName(u.GivenName))
	set(&up.LastName, cur.LastName, moodleName(u.FamilyName))
	set(&up.Email, cur.Email, u.Email)
	set(&up.Timezone, cur.Timezone, timezone(u.TimeZone))
	if !changed {
		return nil
	}
	warns, err := l.c.Users.UpdateUsers(ctx, []moodle.UserUpdate{up})
	if err != nil {
		return wrap(op, "user", u.SISID, err)
	}
	if len(warns) > 0 {
		return wrap(op, "user", u.SISID, warns[0].Err("core_user_update_users"))
	}
	return nil
}

// ReadUsers returns the users with these SIS IDs, one per SIS ID.
func (l *LMS) ReadUsers(ctx context.Context, sisIDs []string) ([]lms.User, error) {
	var ask []string
	for _, s := range sisIDs {
		if s != "" && !slices.Contains(ask, s) {
			ask = append(ask, s)
		}
	}
	out := []lms.User{}
	seen := map[string]bool{}
	for chunk := range slices.Chunk(ask, readChunk) {
		us, err := l.c.Users.GetUsersByField(ctx, moodle.UserByIDNumber, chunk)
		if err != nil {
			return nil, wrap("ReadUsers", "users", "", err)
		}
		for _, u := range us {
			if !seen[u.IDNumber] {
				seen[u.IDNumber] = true
				out = append(out, toUser(u))
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, wrap("ReadUsers", "users", "", err)
	}
	return out, nil
}
