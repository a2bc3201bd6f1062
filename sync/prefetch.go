package sync

import (
	"context"
	"errors"
	"slices"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/sync/store"
)

// bucketLMSRead remembers which LMS courses the last plan read and with
// which options, so the next run can read them while VETtrak is still
// being observed (see prefetch). In a no-op or delta re-sync they are
// exactly, or nearly, the courses that run needs. A plan that is looked at
// and dropped still updates it: the record says what the LMS side looked
// like, not what was applied.
const (
	bucketLMSRead = "lms-read"
	lmsReadKey    = "last-plan"
)

// lmsReadRecord is what one plan read of the LMS.
type lmsReadRecord struct {
	// Courses are the course SIS IDs the mapping wanted.
	Courses []string `json:"courses"`
	// SkipGroups says the read left groups out (a workflow without
	// groups): a prefetch made that way cannot serve a plan that wants
	// groups.
	SkipGroups bool `json:"skip_groups,omitempty"`
}

// prefetch is the LMS reading that runs beside the VETtrak observation:
// the course listing, then the state of the courses the last plan read.
// Its reads are one LMS call at a time after one another, as the plan's
// own reads are after it, so the LMS never sees more than the Syncer's
// own reads would ask of it (an lms/canvaslms ReadState spreads one call
// over its own bounded workers either way). A nil *prefetch is valid and
// prefetches nothing.
type prefetch struct {
	rec    lmsReadRecord
	cancel context.CancelFunc
	listed chan struct{} // closed when courses and listErr are set
	done   chan struct{} // closed when the goroutine has ended

	courses []lms.Course
	listErr error
	// state is the prefetched state of rec.Courses, read with opts.
	state    *lms.State
	stateErr error
	opts     lms.ReadOptions
}

// startPrefetch starts the prefetch, or returns nil when there is nothing
// to prefetch: on the first run (no record), where the listing keeps its
// place after the observation, so that an LMS whose reads lean on a fresh
// listing (lms/canvaslms's course cache) finds it fresh. A prefetch is
// only a saving, so a record that cannot be read means none.
func (s *Syncer) startPrefetch(ctx context.Context) *prefetch {
	rec, err := store.NewTyped[lmsReadRecord](s.store, bucketLMSRead).Get(ctx, lmsReadKey)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "read the last plan's LMS courses; not prefetching", "err", err)
		}
		return nil
	}
	if len(rec.Courses) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	pf := &prefetch{rec: rec, cancel: cancel, listed: make(chan struct{}), done: make(chan struct{}),
		// Users only as the plan says: none here, so a remote LMS looks
		// nobody up; readLMS looks up who the plan must read in full.
		opts: lms.ReadOptions{SkipGroups: rec.SkipGroups, LimitUsers: true}}
	go func() {
		defer close(pf.done)
		pf.courses, pf.listErr = s.dst.ListCourses(ctx)
		close(pf.listed)
		if pf.listErr != nil {
			return
		}
		// After the listing, not beside it: an LMS may serve the courses
		// it just listed without another call.
		pf.state, pf.stateErr = s.readStateWith(ctx, rec.Courses, pf.opts)
	}()
	return pf
}

// stop cancels the prefetch and waits for its goroutine to end. It is
// safe to call more than once and after takePrefetch.
func (pf *prefetch) stop() {
	if pf == nil {
		return
	}
	pf.cancel()
	<-pf.done
}

// listCourses returns the prefetched listing, or lists now without a
// prefetch.
func (s *Syncer) listCourses(ctx context.Context, pf *prefetch) ([]lms.Course, error) {
	if pf == nil {
		return s.dst.ListCourses(ctx)
	}
	select {
	case <-pf.listed:
		return pf.courses, pf.listErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// takePrefetch waits for the prefetch and returns its state restricted to
// the courses of read it holds, with those courses, and counts in p's
// Observed what was prefetched, what the plan did not need (ignored) and
// what failed. It returns a nil state when nothing is usable (no prefetch,
// a failed one, or one read without the groups this plan wants): the
// caller then reads as if there had been no prefetch.
func (s *Syncer) takePrefetch(ctx context.Context, p *Plan, pf *prefetch, read []string, noGroups bool) (*lms.State, map[string]bool, error) {
	if pf == nil {
		return nil, nil, nil
	}
	select {
	case <-pf.done:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	asked := pf.rec.Courses
	_, limits := s.dst.(lms.OptionsReader)
	switch {
	case pf.stateErr != nil:
		// Not fatal: these courses are read again the normal way, which
		// fails the plan only if it fails too.
		p.Observed[observedPrefetchFailed] = len(asked)
		s.log.WarnContext(ctx, "prefetch of LMS courses failed; reading them again", "courses", len(asked), "err", pf.stateErr)
		return nil, nil, nil
	case limits && pf.opts.SkipGroups && !noGroups:
		// Read without groups; this plan wants them.
		p.Observed[observedPrefetchUnused] = len(asked)
		return nil, nil, nil
	}
	need := make(map[string]bool, len(read))
	for _, c := range read {
		need[c] = true
	}
	used := make(map[string]bool, len(asked))
	for _, c := range asked {
		if need[c] {
			used[c] = true
		}
	}
	p.Observed[observedPrefetched] = len(used)
	if n := len(asked) - len(used); n > 0 {
		p.Observed[observedPrefetchUnused] = n
	}
	if len(used) == 0 {
		return nil, nil, nil
	}
	st := pf.state
	pf.state = nil // the plan owns it now
	if len(used) < len(asked) {
		st = onlyCourses(st, used)
	}
	return st, used, nil
}

// Plan.Observed keys of the prefetch.
const (
	observedPrefetched     = "lms_courses_prefetched"
	observedPrefetchUnused = "lms_courses_prefetched_unused"
	observedPrefetchFailed = "lms_courses_prefetch_failed"
)

// readLMS reads the LMS state of the courses in read, as planStructure
// needs it (groups unless noGroups; users in full only those in users),
// taking what the prefetch holds and reading only the rest. Without a
// usable prefetch it is exactly the read a run made before prefetching.
//
// With one, the rest is read with no user in full, and the users the
// whole read names that must be read in full are looked up in one
// ReadUsers: one lookup over the same users as the single read would make,
// so a remote LMS that chooses between per-user lookups and one listing by
// their number makes the same calls.
func (s *Syncer) readLMS(ctx context.Context, p *Plan, pf *prefetch, read []string, noGroups bool, users []string) (*lms.State, error) {
	o := lms.ReadOptions{SkipGroups: noGroups, LimitUsers: true, Users: users}
	have, used, err := s.takePrefetch(ctx, p, pf, read, noGroups)
	if err != nil {
		return nil, err
	}
	if have == nil {
		return s.readStateWith(ctx, read, o)
	}
	_, limits := s.dst.(lms.OptionsReader)
	o.Users = nil
	if rest := slices.DeleteFunc(slices.Clone(read), func(c string) bool { return used[c] }); len(rest) > 0 {
		more, err := s.readStateWith(ctx, rest, o)
		if err != nil {
			return nil, err
		}
		mergeState(have, more)
	}
	if !limits {
		// The LMS read every user in full: a superset of users.
		return have, nil
	}
	if ids := namedUsers(have, users); len(ids) > 0 {
		if have.Users, err = s.dst.ReadUsers(ctx, ids); err != nil {
			return nil, err
		}
	}
	return have, nil
}

// onlyCourses is st restricted to the courses in keep, with the users
// those objects name. A fresh value: st is not changed.
func onlyCourses(st *lms.State, keep map[string]bool) *lms.State {
	out := &lms.State{}
	groupIn := map[string]bool{}
	for _, c := range st.Courses {
		if keep[c.SISID] {
			out.Courses = append(out.Courses, c)
		}
	}
	for _, sec := range st.Sections {
		if keep[sec.CourseSISID] {
			out.Sections = append(out.Sections, sec)
		}
	}
	for _, g := range st.Groups {
		if keep[g.CourseSISID] {
			out.Groups = append(out.Groups, g)
			groupIn[g.SISID] = true
		}
	}
	named := map[string]bool{}
	for _, e := range st.Enrolments {
		if keep[e.CourseSISID] {
			out.Enrolments = append(out.Enrolments, e)
			named[e.UserSISID] = true
		}
	}
	for _, m := range st.Memberships {
		if groupIn[m.GroupSISID] {
			out.Memberships = append(out.Memberships, m)
			named[m.UserSISID] = true
		}
	}
	for _, u := range st.Users {
		if named[u.SISID] {
			out.Users = append(out.Users, u)
		}
	}
	return out
}

// mergeState adds more's objects to st; a user both hold is kept once.
func mergeState(st, more *lms.State) {
	st.Courses = append(st.Courses, more.Courses...)
	st.Sections = append(st.Sections, more.Sections...)
	st.Groups = append(st.Groups, more.Groups...)
	st.Enrolments = append(st.Enrolments, more.Enrolments...)
	st.Memberships = append(st.Memberships, more.Memberships...)
	had := make(map[string]bool, len(st.Users))
	for _, u := range st.Users {
		had[u.SISID] = true
	}
	for _, u := range more.Users {
		if !had[u.SISID] {
			st.Users = append(st.Users, u)
		}
	}
}

// namedUsers are the users in want that st's enrolments and memberships
// name, sorted, each once.
func namedUsers(st *lms.State, want []string) []string {
	w := make(map[string]bool, len(want))
	for _, id := range want {
		w[id] = true
	}
	var out []string
	for _, e := range st.Enrolments {
		if w[e.UserSISID] {
			out = append(out, e.UserSISID)
		}
	}
	for _, m := range st.Memberships {
		if w[m.UserSISID] {
			out = append(out, m.UserSISID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rememberLMSRead records what this plan read of the LMS for the next
// run's prefetch, when it differs from what the prefetch used. Only a
// cost if it fails: the next run reads without prefetching.
func (s *Syncer) rememberLMSRead(ctx context.Context, pf *prefetch, courses []string, noGroups bool) {
	rec := lmsReadRecord{Courses: courses, SkipGroups: noGroups}
	if pf == nil && len(courses) == 0 {
		return
	}
	if pf != nil && pf.rec.SkipGroups == rec.SkipGroups && slices.Equal(pf.rec.Courses, rec.Courses) {
		return
	}
	if err := store.NewTyped[lmsReadRecord](s.store, bucketLMSRead).Put(ctx, lmsReadKey, rec); err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "remember the LMS courses read", "err", err)
	}
}
