package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// savedState is what -state keeps across restarts: the tokens people
// pasted into their shell, so a restarted fake accepts them again.
type savedState struct {
	CanvasToken  string `json:"canvas_token"`
	ConsoleToken string `json:"console_token"`
}

// loadState reads the state file, creating it with fresh tokens when it
// does not exist. The file is the fakes' own made-up credentials, kept
// 0600 all the same.
func loadState(path string) (*savedState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		st := &savedState{CanvasToken: "fake~" + randomHex(20), ConsoleToken: randomHex(24)}
		b, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
			return nil, fmt.Errorf("-state: %w", err)
		}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-state: %w", err)
	}
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil || st.CanvasToken == "" || st.ConsoleToken == "" {
		return nil, fmt.Errorf("-state %s: not a fakeservers state file (delete it to start afresh)", path)
	}
	return &st, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// aliasToken lets the fake Canvas accept a token kept from an earlier
// start: requests bearing it are passed on with this start's admin token.
// canvastest makes a new admin token every start; this keeps the change
// inside the demo program.
func aliasToken(h http.Handler, kept, current string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok == kept {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", "Bearer "+current)
		}
		h.ServeHTTP(w, r)
	})
}

// shellQuote quotes s for a POSIX shell: in single quotes, each single
// quote inside closed, escaped with a backslash and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
