package state

import (
	"context"
	"errors"
	"github.com/vtsync/vtsync/sync/store"
	"iter"
	"time"
)

// Cursor is where an incremental read got to: a time (for "modified
// since" reads), an opaque token (for APIs that hand one out), or both.
type Cursor struct {
	Time  time.Time `json:"time,omitzero"`
	Token string    `json:"token,omitempty"`
}

// IsZero reports whether the cursor is unset: read from the beginning.
func (c Cursor) IsZero() bool { return c.Time.IsZero() && c.Token == "" }

// Cursors keeps named cursors, e.g. one per VETtrak read.
type Cursors struct{ t store.Typed[Cursor] }

// NewCursors returns the cursors kept in s.
func NewCursors(s store.Store) Cursors { return Cursors{store.NewTyped[Cursor](s, CursorsBucket)} }

// Load returns the named cursor, or the zero Cursor when none was saved.
func (c Cursors) Load(ctx context.Context, name string) (Cursor, error) {
	cur, err := c.t.Get(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return Cursor{}, nil
	}
	return cur, err
}

// Save stores the named cursor.
func (c Cursors) Save(ctx context.Context, name string, cur Cursor) error {
	return c.t.Put(ctx, name, cur)
}

// SaveMany stores several cursors in one transaction, so a run that read
// several sources advances all of their cursors or none.
func (c Cursors) SaveMany(ctx context.Context, cursors map[string]Cursor) error {
	return c.t.PutMany(ctx, cursors)
}

// Reset forgets the named cursor: the next read starts from the beginning.
func (c Cursors) Reset(ctx context.Context, name string) error {
	return c.t.Delete(ctx, name)
}

// All yields every saved cursor, sorted by name.
func (c Cursors) All(ctx context.Context) iter.Seq2[store.Entry[Cursor], error] {
	return c.t.List(ctx, "")
}
