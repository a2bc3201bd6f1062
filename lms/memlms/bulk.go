package memlms

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vtsync/vtsync/lms"
)

var _ lms.BulkWriter = (*LMS)(nil)

// BulkWrite is the Method that counts lms.BulkWriter calls.
const BulkWrite Method = "BulkWrite"

// bulkOrder ranks write kinds in dependency order, as a remote bulk format
// (a Canvas SIS import) applies them.
var bulkOrder = map[lms.BulkKind]int{
	lms.BulkCreateCourse: 0, lms.BulkUpdateCourse: 0,
	lms.BulkCreateSection: 1, lms.BulkUpdateSection: 1, lms.BulkCreateGroup: 1, lms.BulkUpdateGroup: 1,
	lms.BulkCreateUser: 1, lms.BulkUpdateUser: 1,
	lms.BulkEnrol: 2, lms.BulkUnenrol: 2,
	lms.BulkAddMember: 3, lms.BulkRemoveMember: 3,
}

// CanBulk accepts every write: memory has no format to fit.
func (m *LMS) CanBulk(w lms.BulkWrite) bool { _, ok := bulkOrder[w.Kind]; return ok }

// BulkWrite applies the writes as one call (counted once, under
// BulkWrite), in dependency order, with the upsert meaning of a bulk
// import: creating what exists with the same SIS ID updates it. It exists
// so the Syncer's bulk path runs without HTTP; a fault injected on
// BulkWrite fails the whole call.
func (m *LMS) BulkWrite(ctx context.Context, writes []lms.BulkWrite, progress func(lms.BulkProgress)) ([]error, error) {
	m.mu.Lock()
	err := m.begin(ctx, BulkWrite)
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	order := make([]int, len(writes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return bulkOrder[writes[a].Kind] - bulkOrder[writes[b].Kind] })
	out := make([]error, len(writes))
	made := map[Method]int{}
	for n, i := range order {
		if err := ctx.Err(); err != nil {
			m.uncount(made)
			return nil, fmt.Errorf("memlms: %s: %w", BulkWrite, err)
		}
		out[i] = m.bulkOne(ctx, writes[i], made)
		if progress != nil {
			progress(lms.BulkProgress{Percent: (n + 1) * 100 / len(writes), State: "importing"})
		}
	}
	m.uncount(made)
	return out, nil
}

// uncount takes back the per-method counts the items of a bulk write
// added, so a bulk write counts as one call.
func (m *LMS) uncount(made map[Method]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for meth, n := range made {
		m.calls[meth] -= n
		if m.calls[meth] <= 0 {
			delete(m.calls, meth)
		}
	}
}

func (m *LMS) bulkOne(ctx context.Context, w lms.BulkWrite, made map[Method]int) error {
	call := func(meth Method, f func() error) error {
		made[meth]++
		return f()
	}
	upsert := func(create, update Method, c, u func() error) error {
		err := call(create, c)
		if errors.Is(err, lms.ErrConflict) {
			return call(update, u)
		}
		return err
	}
	switch {
	case w.Kind == lms.BulkCreateCourse && w.Course != nil:
		return upsert(CreateCourse, UpdateCourse,
			func() error { _, err := m.CreateCourse(ctx, *w.Course); return err },
			func() error { return m.UpdateCourse(ctx, *w.Course) })
	case w.Kind == lms.BulkUpdateCourse && w.Course != nil:
		return call(UpdateCourse, func() error { return m.UpdateCourse(ctx, *w.Course) })
	case w.Kind == lms.BulkCreateSection && w.Section != nil:
		return upsert(CreateSection, UpdateSection,
			func() error { _, err := m.CreateSection(ctx, *w.Section); return err },
			func() error { return m.UpdateSection(ctx, *w.Section) })
	case w.Kind == lms.BulkUpdateSection && w.Section != nil:
		return call(UpdateSection, func() error { return m.UpdateSection(ctx, *w.Section) })
	case w.Kind == lms.BulkCreateGroup && w.Group != nil:
		return upsert(CreateGroup, UpdateGroup,
			func() error { _, err := m.CreateGroup(ctx, *w.Group); return err },
			func() error { return m.UpdateGroup(ctx, *w.Group) })
	case w.Kind == lms.BulkUpdateGroup && w.Group != nil:
		return call(UpdateGroup, func() error { return m.UpdateGroup(ctx, *w.Group) })
	case w.Kind == lms.BulkCreateUser && w.User != nil:
		return upsert(CreateUser, UpdateUser,
			func() error { _, err := m.CreateUser(ctx, *w.User); return err },
			func() error { return m.UpdateUser(ctx, *w.User) })
	case w.Kind == lms.BulkUpdateUser && w.User != nil:
		return call(UpdateUser, func() error { return m.UpdateUser(ctx, *w.User) })
	case w.Kind == lms.BulkEnrol && w.Enrolment != nil:
		return call(Enrol, func() error { _, err := m.Enrol(ctx, *w.Enrolment); return err })
	case w.Kind == lms.BulkUnenrol && w.Enrolment != nil:
		return call(Unenrol, func() error { return m.Unenrol(ctx, *w.Enrolment) })
	case w.Kind == lms.BulkAddMember && w.Membership != nil:
		return call(AddMember, func() error { return m.AddMember(ctx, *w.Membership) })
	case w.Kind == lms.BulkRemoveMember && w.Membership != nil:
		return call(RemoveMember, func() error { return m.RemoveMember(ctx, *w.Membership) })
	}
	return &lms.BulkRowError{Kind: w.Kind, Key: w.Key(), Message: "kind and payload do not match"}
}
