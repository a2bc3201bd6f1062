package canvaslms

import (
	"sync"
	"time"

	"github.com/vtsync/vtsync/lms"
)

// courseCache remembers, for a short while, what the LMS last saw of each
// course, so a ReadState right after a ListCourses (what the Syncer does
// on every run) need not GET each course again, and what it last saw of a
// course's groups, so a course that had none need not be asked again.
//
// Everything in it may be up to ttl old: a course renamed by hand, or a
// group given a SIS ID by someone other than this LMS, is seen once the
// entry expires. Its own writes (CreateCourse, UpdateCourse, CreateGroup)
// keep it current. It is safe for concurrent use.
type courseCache struct {
	ttl time.Duration // 0: disabled
	now func() time.Time

	mu sync.Mutex
	// seq numbers writes, so a listing never overwrites what a write
	// stored while the listing was in flight.
	seq     uint64
	courses map[string]cachedCourse // by SIS ID
	// groupless holds when a groups listing of the course (by SIS ID)
	// found no group with a SIS ID. groupsGen counts CreateGroups, so a
	// listing that overlapped one stores nothing.
	groupless map[string]time.Time
	groupsGen uint64
	// listed is when the last complete listing started (zero: none), and
	// unsure the SIS IDs forgotten since: a course absent from a fresh
	// listing and not forgotten since does not exist.
	listed time.Time
	unsure map[string]bool
}

type cachedCourse struct {
	c   lms.Course
	at  time.Time
	seq uint64
}

func newCourseCache(ttl time.Duration, now func() time.Time) *courseCache {
	return &courseCache{ttl: ttl, now: now, courses: map[string]cachedCourse{}, groupless: map[string]time.Time{}, unsure: map[string]bool{}}
}

func (k *courseCache) fresh(at time.Time) bool {
	return k.ttl > 0 && k.now().Sub(at) < k.ttl
}

// course returns the course with the SIS ID when a fresh entry holds it.
func (k *courseCache) course(sis string) (lms.Course, bool) {
	if k.ttl <= 0 {
		return lms.Course{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.courses[sis]
	if !ok || !k.fresh(e.at) {
		return lms.Course{}, false
	}
	return e.c, true
}

// put stores a course this LMS has just read or written. A Canvas course
// holds one SIS ID, so entries naming the same course under another SIS ID
// (it was given a new one) go.
func (k *courseCache) put(c lms.Course) {
	if k.ttl <= 0 || c.SISID == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for sis, e := range k.courses {
		if c.ID != "" && e.c.ID == c.ID && sis != c.SISID {
			delete(k.courses, sis)
		}
	}
	k.seq++
	k.courses[c.SISID] = cachedCourse{c: c, at: k.now(), seq: k.seq}
}

// forget drops a course whose entry proved wrong, or that a failed write
// may have changed.
func (k *courseCache) forget(sis string) {
	if k.ttl <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.courses, sis)
	k.unsure[sis] = true
}

// absent says a fresh complete listing did not hold the course, and
// nothing since suggested it may exist.
func (k *courseCache) absent(sis string) bool {
	if k.ttl <= 0 {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	_, held := k.courses[sis]
	return !k.listed.IsZero() && k.fresh(k.listed) && !held && !k.unsure[sis]
}

// listing is where a course listing started: its answers are as old as
// that, and writes after it are newer than the listing.
type listing struct {
	seq uint64
	at  time.Time
}

func (k *courseCache) startListing() listing {
	k.mu.Lock()
	defer k.mu.Unlock()
	return listing{seq: k.seq, at: k.now()}
}

// replace makes a complete listing the cache: courses it left out (deleted,
// or given another SIS ID) are dropped, except what this LMS wrote while
// the listing was in flight.
func (k *courseCache) replace(l listing, cs []lms.Course) {
	if k.ttl <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	next := make(map[string]cachedCourse, len(cs))
	for _, c := range cs {
		if c.SISID != "" {
			next[c.SISID] = cachedCourse{c: c, at: l.at, seq: l.seq}
		}
	}
	for sis, e := range k.courses {
		if e.seq > l.seq {
			next[sis] = e
		}
	}
	k.courses = next
	k.listed = l.at
	clear(k.unsure)
}

// hasNoGroups says whether a fresh groups listing of the course found no
// group with a SIS ID.
func (k *courseCache) hasNoGroups(courseSIS string) bool {
	if k.ttl <= 0 {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.groupless[courseSIS]
	return ok && k.fresh(at)
}

// groupsListing is taken before a groups listing and handed to
// setNoGroups after it.
type groupsListing struct {
	gen uint64
	at  time.Time
}

func (k *courseCache) startGroupsListing() groupsListing {
	k.mu.Lock()
	defer k.mu.Unlock()
	return groupsListing{gen: k.groupsGen, at: k.now()}
}

// setNoGroups records that the listing started at l found no group with a
// SIS ID, unless a CreateGroup ran meanwhile.
func (k *courseCache) setNoGroups(courseSIS string, l groupsListing) {
	if k.ttl <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.groupsGen == l.gen {
		k.groupless[courseSIS] = l.at
	}
}

// touchGroups is called before and after every CreateGroup: the course may
// hold a group now, and listings that overlapped the create must not say
// otherwise.
func (k *courseCache) touchGroups(courseSIS string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.groupsGen++
	delete(k.groupless, courseSIS)
}
