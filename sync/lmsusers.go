package sync

import (
	"context"
	"fmt"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/sync/store"
)

// bucketLMSUsers remembers, per user SIS ID, the fingerprint (userFP) of
// the user as last confirmed in the LMS: read back equal to what mapping
// wanted, or written. A user whose desired fingerprint is the one
// remembered has not changed in VETtrak since, so a re-sync need not look
// them up in the LMS: on Canvas that lookup is a listing of the whole
// account's users once there are more than a handful, a cost that grows
// with everyone else in a shared account. A change made by hand in the LMS
// to such a user is therefore not undone until their VETtrak record
// changes (the Syncer never undid hand changes to time zones either).
const bucketLMSUsers = "lms-users"

func (s *Syncer) lmsUsersDB() store.Typed[string] {
	return store.NewTyped[string](s.store, bucketLMSUsers)
}

// usersToRead returns the desired users whose LMS record must be read in
// full (new, changed since last confirmed, or never confirmed) and the
// fingerprints remembered.
func (s *Syncer) usersToRead(ctx context.Context, want []lms.User) ([]string, map[string]string, error) {
	confirmed := make(map[string]string, len(want))
	for e, err := range s.lmsUsersDB().List(ctx, "") {
		if err != nil {
			return nil, nil, fmt.Errorf("read confirmed LMS users: %w", err)
		}
		confirmed[e.Key] = e.Value
	}
	toRead := make([]string, 0, len(want))
	for i := range want {
		if confirmed[want[i].SISID] != userFP(&want[i]) {
			toRead = append(toRead, want[i].SISID)
		}
	}
	return toRead, confirmed, nil
}

// assumeUnchanged adds to have, as they are wanted, the desired users that
// were not read because they are confirmed unchanged and that the LMS
// shows exist (enrolled or a member in a course read). The rest stay
// unknown and are looked up.
func assumeUnchanged(want []lms.User, have *lms.State, confirmed map[string]string) {
	read := make(map[string]bool, len(have.Users))
	for _, u := range have.Users {
		read[u.SISID] = true
	}
	exists := make(map[string]bool, len(have.Enrolments))
	for _, e := range have.Enrolments {
		exists[e.UserSISID] = true
	}
	for _, m := range have.Memberships {
		exists[m.UserSISID] = true
	}
	for i := range want {
		u := &want[i]
		if !read[u.SISID] && exists[u.SISID] && confirmed[u.SISID] == userFP(u) {
			have.Users = append(have.Users, *u)
		}
	}
}

// confirmUsers remembers the users as now in the LMS, skipping those
// remembered already.
func (s *Syncer) confirmUsers(ctx context.Context, users []lms.User, confirmed map[string]string) {
	put := map[string]string{}
	for i := range users {
		if fp := userFP(&users[i]); confirmed[users[i].SISID] != fp {
			put[users[i].SISID] = fp
		}
	}
	if len(put) == 0 {
		return
	}
	if err := s.lmsUsersDB().PutMany(ctx, put); err != nil && ctx.Err() == nil {
		// Only a cost: the users are read in full next time.
		s.log.WarnContext(ctx, "remember confirmed LMS users", "err", err)
	}
}
