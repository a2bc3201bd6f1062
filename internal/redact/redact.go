// Package redact keeps secrets (passwords, tokens) out of logs, errors and
// reports. A Secrets set knows the values to hide and masks them in every
// encoding a value takes on its way to text (raw, XML/HTML character
// references, JSON and Go escapes, percent-encoding, base64, and mixtures
// of these); Excerpt also caps text copied from a server.
package redact

import (
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// Secrets is a set of values that must never be shown. The zero value is
// ready to use and safe for concurrent use.
type Secrets struct {
	mu sync.RWMutex
	// values are the secrets as added.
	values []string
	// forms are each value and its base64 cores, longest first; each is
	// matched in every encoding (see matchForm).
	forms []string
	// firsts marks the first byte of every form.
	firsts [256]bool
	// prefixes are the shortest verbatim starts of the forms that String
	// masks (MinPartial characters, or the whole form when shorter).
	prefixes []string
}

// MinLen is the shortest secret Add accepts: masking "a" would mangle
// every message.
const MinLen = 4

// Add registers secrets; empty strings and values shorter than MinLen bytes
// are ignored.
func (s *Secrets) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, v := range secrets {
		if len(v) >= MinLen && !slices.Contains(s.values, v) {
			s.values = append(s.values, v)
			changed = true
		}
	}
	if changed {
		s.compile()
	}
}

// Remove forgets secrets added earlier (in all their forms), e.g. a token
// that has been replaced, so a long-lived set does not grow without bound.
func (s *Secrets) Remove(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.values)
	s.values = slices.DeleteFunc(s.values, func(v string) bool { return slices.Contains(secrets, v) })
	if len(s.values) != n {
		s.compile()
	}
}

// compile rebuilds the forms; s.mu is held.
func (s *Secrets) compile() {
	s.forms, s.firsts, s.prefixes = nil, [256]bool{}, nil
	for _, v := range s.values {
		for _, f := range append([]string{v}, base64Cores(v)...) {
			if !slices.Contains(s.forms, f) {
				s.forms = append(s.forms, f)
				s.firsts[f[0]] = true
				s.prefixes = append(s.prefixes, prefix(f))
			}
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(s.forms, func(a, b string) int { return len(b) - len(a) })
}

// prefix is the first MinPartial characters of f, or f when shorter.
func prefix(f string) string {
	n := 0
	for i := range f {
		if n == MinPartial {
			return f[:i]
		}
		n++
	}
	return f
}

func (s *Secrets) anyPrefix(in string) bool {
	for _, p := range s.prefixes {
		if strings.Contains(in, p) {
			return true
		}
	}
	return false
}

// String returns in with every registered secret, in every encoding,
// replaced by Mask; so is a secret cut short after MinPartial characters.
func (s *Secrets) String(in string) string {
	if s == nil {
		return in
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.forms) == 0 {
		return in
	}
	if !strings.ContainsAny(in, introducers) && !s.anyPrefix(in) {
		return in // fast path: nothing escaped, nothing verbatim
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(in); {
		end := -1
		if c := in[i]; s.firsts[c] || isIntroducer(c) {
			for _, f := range s.forms {
				end = max(end, matchForm(in, i, f))
			}
		}
		if end <= i {
			i++
			continue
		}
		b.WriteString(in[last:i])
		b.WriteString(Mask)
		i, last = end, end
	}
	if last == 0 {
		return in
	}
	b.WriteString(in[last:])
	return b.String()
}
