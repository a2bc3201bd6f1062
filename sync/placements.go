package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/sync/store"
)

// bucketPlacements remembers, per VETtrak enrolment, the LMS enrolments and
// group memberships it placed. A deleted enrolment disappears from every
// read, so when its tombstone arrives this record is the only way to know
// what to remove.
const bucketPlacements = "placements"

// placement is what one VETtrak enrolment put in the LMS.
type placement struct {
	Enrolments  []lms.Enrolment  `json:"enrolments,omitempty"`
	Memberships []lms.Membership `json:"memberships,omitempty"`
}

// placementsOf derives each enrolment's placement from the desired state
// and its provenance. Only active objects count: they are what a later
// deletion must undo.
func placementsOf(d *mapping.Desired) map[string]placement {
	groupCourse := map[string]string{}
	for _, g := range d.State.Groups {
		groupCourse[g.SISID] = g.CourseSISID
	}
	type cu struct{ course, user string }
	enrols := map[cu][]lms.Enrolment{}
	for _, e := range d.State.Enrolments {
		if e.Status == lms.StatusActive {
			k := cu{e.CourseSISID, e.UserSISID}
			enrols[k] = append(enrols[k], e)
		}
	}
	members := map[cu][]lms.Membership{}
	for _, m := range d.State.Memberships {
		if m.Status == lms.StatusActive {
			k := cu{groupCourse[m.GroupSISID], m.UserSISID}
			members[k] = append(members[k], m)
		}
	}
	out := make(map[string]placement, len(d.Provenance))
	for _, pv := range d.Provenance {
		if pv.Status != lms.StatusActive || pv.EnrolmentID == 0 {
			continue
		}
		key := strconv.FormatInt(pv.EnrolmentID, 10)
		k := cu{pv.CourseSISID, pv.UserSISID}
		p := out[key]
		p.Enrolments = appendShared(p.Enrolments, enrols[k])
		p.Memberships = appendShared(p.Memberships, members[k])
		out[key] = p
	}
	return out
}

// appendShared is append(dst, src...), except that an empty dst takes src
// itself, clipped so a later append copies instead of writing into it:
// most placements hold one course's objects, and a copy each held the
// desired state's enrolments twice (issue 16, heap). Placements are read,
// never changed in place.
func appendShared[T any](dst, src []T) []T {
	if len(dst) == 0 {
		return slices.Clip(src)
	}
	return append(dst, src...)
}

// withTombstones adds to the desired state, as non-active, what each
// deleted enrolment placed before, unless another enrolment still wants it
// active. It returns the courses those objects live in, which the LMS read
// must cover.
func (s *Syncer) withTombstones(ctx context.Context, d *mapping.Desired, want *lms.State) ([]string, error) {
	if len(d.DeletedEnrolments) == 0 {
		return nil, nil
	}
	db := store.NewTyped[placement](s.store, bucketPlacements)
	activeEnrol := map[string]bool{}
	for _, e := range want.Enrolments {
		if e.Status == lms.StatusActive {
			activeEnrol[e.Key()] = true
		}
	}
	activeMember := map[string]bool{}
	for _, m := range want.Memberships {
		if m.Status == lms.StatusActive {
			activeMember[m.Key()] = true
		}
	}
	status := s.cfg.Mapping.DeletedStatus
	courses := map[string]bool{}
	for _, id := range d.DeletedEnrolments {
		p, err := db.Get(ctx, strconv.FormatInt(id, 10))
		if errors.Is(err, store.ErrNotFound) {
			continue // placed by nothing we remember: nothing to undo
		}
		if err != nil {
			return nil, fmt.Errorf("read placement of deleted enrolment %d: %w", id, err)
		}
		for _, e := range p.Enrolments {
			if activeEnrol[e.Key()] {
				continue
			}
			e.Status = status
			want.Enrolments = append(want.Enrolments, e)
			courses[e.CourseSISID] = true
		}
		for _, m := range p.Memberships {
			if activeMember[m.Key()] {
				continue
			}
			m.Status = status
			want.Memberships = append(want.Memberships, m)
		}
	}
	return sortedKeys(courses), nil
}

// savePlacements records the placements of this plan's enrolments, after
// Apply; a deleted enrolment's record is kept for its tombstone.
func (s *Syncer) savePlacements(ctx context.Context, p map[string]placement) error {
	if len(p) == 0 {
		return nil
	}
	return store.NewTyped[placement](s.store, bucketPlacements).PutMany(ctx, p)
}
