package canvaslms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

// statusRank orders statuses when Canvas holds several records for one
// lms key (two enrollments differing only in a custom role, say): the
// most alive one wins.
var statusRank = map[lms.Status]int{lms.StatusActive: 3, lms.StatusInactive: 2, lms.StatusCompleted: 1}

// stateReader gathers one course of a ReadState; readers run
// concurrently and are merged in the order the courses were asked for.
type stateReader struct {
	l  *LMS
	st *lms.State
	// partial holds what enrollments say of each user (no email or time
	// zone), by SIS ID; sisOf maps Canvas user IDs to SIS IDs.
	partial map[string]lms.User
	sisOf   map[canvas.ID]string
	named   []string
	enrols  map[string]int // key → index in st.Enrolments
	members map[string]int // key → index in st.Memberships
	opts    lms.ReadOptions
}

func (l *LMS) newStateReader() *stateReader {
	return &stateReader{l: l, st: &lms.State{}, partial: map[string]lms.User{}, sisOf: map[canvas.ID]string{},
		enrols: map[string]int{}, members: map[string]int{}}
}

// ReadState reads each course (by SIS ID), its sections, every enrollment
// in every state (deleted ones only to map user IDs), and in
// GroupsAsGroups mode its groups and their memberships, then the users
// those enrolments and memberships name (see ReadUsers for how). Sections
// and groups without a SIS ID (Canvas's default section, groups made by
// hand) are left out: nothing can address them by SIS ID. So are
// enrollments of users without a SIS ID. Courses that do not exist are
// left out, not errors. Courses are read WithConcurrency at a time.
//
// A course ListCourses, CreateCourse or UpdateCourse saw within the
// WithCourseCacheTTL window is taken from that answer instead of a GET,
// so its name, code and dates may be that old; its sections, enrollments
// and groups are always read from Canvas. In GroupsAsGroups mode a course
// whose groups listing found no group with a SIS ID within the window is
// not listed again (CreateGroup on it clears that).
func (l *LMS) ReadState(ctx context.Context, courseSISIDs []string) (*lms.State, error) {
	return l.ReadStateWith(ctx, courseSISIDs, lms.ReadOptions{})
}

// ReadStateWith is ReadState, leaving out what opts says is not needed:
// with SkipGroups, no groups or memberships are listed (in GroupsAsSections
// mode the group sections come with the sections listing anyway); with
// LimitUsers, only opts.Users are looked up, so a course's enrolments cost
// no user lookup (and no listing of the account's users) for learners the
// caller knows unchanged.
func (l *LMS) ReadStateWith(ctx context.Context, courseSISIDs []string, opts lms.ReadOptions) (*lms.State, error) {
	if err := begin(ctx); err != nil {
		return nil, err
	}
	var sisIDs []string
	seen := map[string]bool{}
	for _, sis := range courseSISIDs {
		if sis != "" && !seen[sis] {
			seen[sis] = true
			sisIDs = append(sisIDs, sis)
		}
	}
	readers := make([]*stateReader, len(sisIDs))
	errs := make([]error, len(sisIDs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, l.cfg.concurrency)
	var wg sync.WaitGroup
	for i, sis := range sisIDs {
		readers[i] = l.newStateReader()
		readers[i].opts = opts
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = wrap("ReadState", "course", sis, ctx.Err())
				return
			}
			defer func() { <-sem }()
			if errs[i] = readers[i].course(ctx, sis); errs[i] != nil {
				cancel() // the others' answers would be thrown away
			}
		}()
	}
	wg.Wait()
	// The first failure in asking order, preferring a real cause over the
	// cancellations it set off.
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			first = err
			break
		}
		if first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	all := l.newStateReader()
	all.opts = opts
	for _, r := range readers {
		all.st.Courses = append(all.st.Courses, r.st.Courses...)
		all.st.Sections = append(all.st.Sections, r.st.Sections...)
		all.st.Groups = append(all.st.Groups, r.st.Groups...)
		all.st.Enrolments = append(all.st.Enrolments, r.st.Enrolments...)
		all.st.Memberships = append(all.st.Memberships, r.st.Memberships...)
		all.named = append(all.named, r.named...)
		for k, u := range r.partial {
			if _, ok := all.partial[k]; !ok {
				all.partial[k] = u
			}
		}
	}
	if err := all.users(ctx); err != nil {
		return nil, err
	}
	return all.st, nil
}

// course reads one course. A course in a fresh cache entry (see
// WithCourseCacheTTL) costs no GET: its sections, enrollments and groups
// are listed by sis_course_id, so they are those of the course holding the
// SIS ID now, whatever the cache says. When that first listing finds no
// such course, the entry was wrong: it is dropped and the course is read
// as an uncached one, by a GET.
func (r *stateReader) course(ctx context.Context, sis string) error {
	l := r.l
	if c, ok := l.courses.course(sis); ok {
		gone, err := r.read(ctx, sis, c, canvas.SISCourse(sis))
		if err != nil || !gone {
			return err
		}
		l.courses.forget(sis)
		l.log.Debug("canvaslms: cached course not found; reading it again", "course", sis)
	}
	if l.cfg.account == canvas.Self && l.courses.absent(sis) {
		// A fresh listing of the whole root account (ListCourses, just
		// before, on a Syncer run) did not hold it: a GET would answer
		// 404.
		return nil
	}
	c, err := l.c.Courses.Get(ctx, canvas.SISCourse(sis))
	if errors.Is(err, canvas.ErrNotFound) {
		return nil
	}
	if err != nil {
		return wrap("ReadState", "course", sis, err)
	}
	if c.WorkflowState == canvas.CourseDeleted {
		return nil
	}
	course := toCourse(c)
	l.courses.put(course)
	gone, err := r.read(ctx, sis, course, c.ID)
	if gone {
		l.courses.forget(sis) // deleted since the GET: left out
	}
	return err
}

// read lists the sections, enrollments and (groups mode) groups of course
// c (SIS ID sis), addressed as ref. gone says the sections listing found no
// course, before anything was added.
func (r *stateReader) read(ctx context.Context, sis string, c lms.Course, ref canvas.CourseRef) (gone bool, err error) {
	const op = "ReadState"
	l := r.l
	var sections []lms.Section
	var groups []lms.Group
	for sec, err := range l.c.Sections.List(ctx, ref) {
		if errors.Is(err, canvas.ErrNotFound) && len(sections)+len(groups) == 0 {
			return true, nil
		}
		if err != nil {
			return false, wrap(op, "course", sis, err)
		}
		switch {
		case sec.SISSectionID == "":
		case l.isGroupSection(sec.SISSectionID):
			groups = append(groups, lms.Group{ID: sec.ID.String(),
				SISID: strings.TrimPrefix(sec.SISSectionID, l.cfg.sectionPrefix), CourseSISID: sis, Name: sec.Name})
		default:
			sections = append(sections, lms.Section{ID: sec.ID.String(), SISID: sec.SISSectionID, CourseSISID: sis, Name: sec.Name})
		}
	}
	r.st.Courses = append(r.st.Courses, c)
	r.st.Sections = append(r.st.Sections, sections...)
	r.st.Groups = append(r.st.Groups, groups...)

	for en, err := range l.c.Enrollments.ListByCourse(ctx, ref, &canvas.ListEnrollmentsOptions{State: canvas.AllEnrollmentStates()}) {
		if err != nil {
			return false, wrap(op, "course", sis, err)
		}
		r.enrollment(sis, &en)
	}

	if l.cfg.groups == GroupsAsGroups && !r.opts.SkipGroups {
		if err := r.groups(ctx, sis, ref); err != nil {
			return false, err
		}
	}
	return false, nil
}

func (r *stateReader) enrollment(courseSIS string, en *canvas.Enrollment) {
	l := r.l
	userSIS := en.SISUserID
	if userSIS == "" && en.User != nil {
		userSIS = en.User.SISUserID
	}
	if userSIS == "" {
		l.log.Debug("canvaslms: enrollment of a user without a SIS ID left out", "course", courseSIS, "enrollment", en.ID.String())
		return
	}
	r.sisOf[en.UserID] = userSIS
	if en.User != nil {
		if _, ok := r.partial[userSIS]; !ok {
			u := toUser(en.User)
			u.SISID = userSIS
			r.partial[userSIS] = u
		}
	}
	status, ok := statusOf(en.EnrollmentState)
	if !ok || status == lms.StatusDeleted {
		return
	}
	role, ok := roleOf(en.Type)
	if !ok {
		l.log.Debug("canvaslms: enrollment of an unknown type left out", "course", courseSIS, "type", string(en.Type))
		return
	}
	if l.isGroupSection(en.SISSectionID) {
		m := lms.Membership{GroupSISID: strings.TrimPrefix(en.SISSectionID, l.cfg.sectionPrefix), UserSISID: userSIS, Status: status}
		r.addMember(m)
		return
	}
	e := lms.Enrolment{ID: en.ID.String(), UserSISID: userSIS, CourseSISID: courseSIS, SectionSISID: en.SISSectionID, Role: role, Status: status}
	if i, ok := r.enrols[e.Key()]; ok {
		if statusRank[e.Status] > statusRank[r.st.Enrolments[i].Status] {
			r.st.Enrolments[i] = e
		}
		// Several records for one key (differing in a custom role, say):
		// no one ID ends them all, so Unenrol finds them by listing.
		r.st.Enrolments[i].ID = ""
		return
	}
	r.enrols[e.Key()] = len(r.st.Enrolments)
	r.st.Enrolments = append(r.st.Enrolments, e)
	r.named = append(r.named, userSIS)
}

func (r *stateReader) addMember(m lms.Membership) {
	if i, ok := r.members[m.Key()]; ok {
		if statusRank[m.Status] > statusRank[r.st.Memberships[i].Status] {
			r.st.Memberships[i].Status = m.Status
		}
		return
	}
	r.members[m.Key()] = len(r.st.Memberships)
	r.st.Memberships = append(r.st.Memberships, m)
	r.named = append(r.named, m.UserSISID)
}

// groups reads the course's groups with SIS IDs and one membership
// listing per group. A course whose last groups listing, within the cache
// window, found none is not listed again: groups with SIS IDs are what
// this LMS makes (CreateGroup, which clears that mark), so a course that
// had none, in workflows that make no groups, keeps having none.
//
// This is the only variant that costs no more than the plain listing for a
// course with groups. Asking first for the course's group categories, and
// listing groups only when it holds ours, was measured on the fake's call
// log at 2 calls per course with groups (categories, then the category's
// groups) against 1, and the same 1 for a course without; caching the
// category answer instead saves nothing the groups answer does not.
func (r *stateReader) groups(ctx context.Context, courseSIS string, course canvas.CourseRef) error {
	const op = "ReadState"
	l := r.l
	if l.courses.hasNoGroups(courseSIS) {
		return nil
	}
	start := l.courses.startGroupsListing()
	var gs []canvas.Group
	for g, err := range l.c.Groups.ListByCourse(ctx, course) {
		if err != nil {
			return wrap(op, "course", courseSIS, err)
		}
		if g.SISGroupID != "" && g.WorkflowState != "deleted" && !strings.HasPrefix(g.SISGroupID, RetiredGroupSISPrefix) {
			gs = append(gs, g)
		}
	}
	l.noteCategories(gs)
	if len(gs) == 0 {
		l.courses.setNoGroups(courseSIS, start)
	}
	for _, g := range gs {
		r.st.Groups = append(r.st.Groups, lms.Group{ID: g.ID.String(), SISID: g.SISGroupID, CourseSISID: courseSIS, Name: g.Name})
		for m, err := range l.c.Groups.ListMemberships(ctx, g.ID) {
			if err != nil {
				return wrap(op, "group", g.SISGroupID, err)
			}
			var status lms.Status
			switch m.WorkflowState {
			case "accepted", "":
				status = lms.StatusActive
			case "invited", "requested":
				status = lms.StatusInactive
			default: // deleted
				continue
			}
			userSIS, ok := r.sisOf[m.UserID]
			if !ok {
				// A member with no enrollment in the course (Canvas
				// allows it for account admins): one lookup each.
				u, err := l.c.Users.Get(ctx, m.UserID)
				if errors.Is(err, canvas.ErrNotFound) {
					continue
				}
				if err != nil {
					return wrap(op, "group", g.SISGroupID, err)
				}
				userSIS = u.SISUserID
				r.sisOf[m.UserID] = userSIS
				if userSIS != "" {
					r.partial[userSIS] = toUser(u)
				}
			}
			if userSIS == "" {
				continue
			}
			r.addMember(lms.Membership{GroupSISID: g.SISGroupID, UserSISID: userSIS, Status: status})
		}
	}
	return nil
}

// users fills in the users the enrolments and memberships name. The
// lookup adds what enrollments do not carry (email, time zone); a user it
// cannot find keeps what the enrollment said.
func (r *stateReader) users(ctx context.Context) error {
	ids := slices.Compact(slices.Sorted(slices.Values(r.named)))
	r.l.noteKnownUsers(ids)
	if r.opts.LimitUsers {
		want := make(map[string]bool, len(r.opts.Users))
		for _, id := range r.opts.Users {
			want[id] = true
		}
		ids = slices.DeleteFunc(ids, func(id string) bool { return !want[id] })
	}
	found, err := r.l.lookupUsers(ctx, "ReadState", ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if u, ok := found[id]; ok {
			r.st.Users = append(r.st.Users, u)
		} else if u, ok := r.partial[id]; ok {
			r.st.Users = append(r.st.Users, u)
		}
	}
	return nil
}
