// Package redact keeps secrets (passwords, tokens) out of logs, errors and
// reports. A Secrets set knows the values to hide, in their raw, XML-escaped
// and URL-escaped forms, and rewrites strings and slog records.
package redact

import (
	"bytes"
	"context"
	"encoding/xml"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret.
const Mask = "[REDACTED]"

// Secrets is a set of values that must never be shown. The zero value is
// ready to use and safe for concurrent use.
type Secrets struct {
	mu     sync.RWMutex
	values []string
}

// Add registers secrets; empty strings and values shorter than 4 bytes are
// ignored (masking "a" would mangle every message).
func (s *Secrets) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		if len(v) < 4 {
			continue
		}
		for _, form := range []string{v, xmlEscape(v), url.QueryEscape(v), url.PathEscape(v)} {
			if !slices.Contains(s.values, form) {
				s.values = append(s.values, form)
			}
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(s.values, func(a, b string) int { return len(b) - len(a) })
}

// Remove forgets secrets added earlier (in all their forms), e.g. a token
// that has been replaced, so a long-lived set does not grow without bound.
func (s *Secrets) Remove(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		for _, form := range []string{v, xmlEscape(v), url.QueryEscape(v), url.PathEscape(v)} {
			s.values = slices.DeleteFunc(s.values, func(x string) bool { return x == form })
		}
	}
}

// String returns in with every registered secret replaced by Mask.
func (s *Secrets) String(in string) string {
	if s == nil {
		return in
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if strings.Contains(in, v) {
			in = strings.ReplaceAll(in, v, Mask)
		}
	}
	return in
}

func xmlEscape(v string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(v))
	return b.String()
}

// Handler wraps h so that every message and string attribute passes through
// s first: a last line of defence should a secret reach a log call.
func Handler(h slog.Handler, s *Secrets) slog.Handler {
	return &handler{next: h, s: s}
}

type handler struct {
	next slog.Handler
	s    *Secrets
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.s.String(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]any, len(attrs))
		for i, g := range attrs {
			red[i] = h.attr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.s.String(err.Error()))
		}
		return slog.String(a.Key, h.s.String(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return &handler{next: h.next.WithAttrs(red), s: h.s}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name), s: h.s}
}
