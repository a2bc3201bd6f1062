package vettraktest

import "github.com/vtsync/vtsync/vettrak"

// validate answers ValidateClient and ValidateUser: a new token for a
// known login, else Status -1 with the documented message (also for a
// username or password over 50 characters).
func validate(c *call) result {
	s, r := c.s, c.r
	user, pass := r.str("sUsername"), r.str("sPassword")
	s.data.mu.RLock()
	u := s.data.users[user]
	s.data.mu.RUnlock()
	w := &xw{loc: s.loc}
	if u == nil || u.Password != pass || len(user) > 50 || len(pass) > 50 {
		writeAuth(w, nil, "", vettrak.StatusFailed, "Invalid Username/Password Combination.")
		return result{status: vettrak.StatusFailed, body: w.b.Bytes()}
	}
	tok := s.newToken(u)
	writeAuth(w, u, tok, vettrak.StatusOK, "Success")
	return result{status: vettrak.StatusOK, body: w.b.Bytes()}
}
