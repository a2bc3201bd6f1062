package canvaslms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vtsync/vtsync/callstats"
	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

var _ lms.LMS = (*LMS)(nil)
var _ lms.OptionsReader = (*LMS)(nil)

// LMS is lms.LMS on one Canvas instance. It is safe for concurrent use.
type LMS struct {
	c   *canvas.Client
	cfg config
	log *slog.Logger

	// listPages is how many pages the last full listing of the account's
	// users took (0: not measured yet): the measured cost that decides
	// between per-user lookups and a listing.
	listPages atomic.Int64
	// knownUsers is how many users the account holds at least, as far
	// as this LMS has seen (noteKnownUsers): before a listing has
	// measured the account, the floor under what a listing costs.
	knownUsers atomic.Int64
	// seen is the SIS IDs behind knownUsers, so that reads of different
	// courses add up (about 40 bytes a user).
	seenMu sync.Mutex
	seen   map[string]struct{}

	// catMu serialises finding-or-creating group categories, so two
	// CreateGroups never make the same one twice; cats caches the IDs
	// found (group SIS ID → category ID) and catsListed the courses (by
	// SIS ID) whose categories were listed.
	catMu      sync.Mutex
	cats       map[string]canvas.ID
	catsListed map[string]bool

	// shared holds the SIS IDs of groups ReadState found sharing a
	// category with another of this LMS's groups (the old model), to be
	// moved to a category of their own before a member is added;
	// sharedMu guards it and serialises the moves.
	sharedMu sync.Mutex
	shared   map[string]bool

	// courses remembers the courses ListCourses, CreateCourse and
	// UpdateCourse saw, and which courses hold no groups, for
	// WithCourseCacheTTL.
	courses *courseCache
}

// GroupMode says what an lms.Group becomes in Canvas.
type GroupMode int

const (
	// GroupsAsGroups makes each lms.Group a Canvas group in a group
	// category of its own (named after WithGroupCategory and the group),
	// and each membership a group membership. Canvas keeps a student in
	// one group per category, so only a category per group lets a learner
	// be in two groups of a course.
	GroupsAsGroups GroupMode = iota + 1
	// GroupsAsSections makes each lms.Group a Canvas section whose SIS ID
	// is the group's with a prefix (WithGroupSectionPrefix), and each
	// membership a student enrollment in that section. Use it where
	// trainers and reports work by section.
	GroupsAsSections
)

func (m GroupMode) String() string {
	switch m {
	case GroupsAsGroups:
		return "groups"
	case GroupsAsSections:
		return "sections"
	}
	return fmt.Sprintf("GroupMode(%d)", int(m))
}

// Defaults.
const (
	// DefaultGroupCategory starts the name of each group category this
	// package makes (one per group).
	DefaultGroupCategory = "VETtrak occurrences"
	// DefaultGroupSectionPrefix starts the SIS ID of a section standing in
	// for a group, so a group and a section may share a SIS ID (SIS IDs
	// are unique per kind in the lms model, per root account in Canvas).
	DefaultGroupSectionPrefix = "group:"
	// DefaultUserListThreshold is how many users a lookup needs before it
	// lists the account's users instead of fetching each one, until a
	// listing has measured the account. A listing returns 100 users a
	// page and a page costs about two GETs (BenchmarkReadUsers), so 20
	// breaks even on an account of 1,000 users.
	DefaultUserListThreshold = 20
	// DefaultConcurrency is how many courses ReadState reads at once. The
	// canvas client's pacing decides how many of their requests are in
	// flight at once, from the token's bucket.
	DefaultConcurrency = 2
	// DefaultCourseCacheTTL is how long ReadState trusts what ListCourses
	// and this LMS's own writes said of a course (and what a groups
	// listing said of a course without groups) before asking Canvas
	// again. The Syncer lists courses at the start of every run, so within
	// a run the cache is seconds old; the window bounds how long a course
	// renamed by hand between runs can read as before.
	DefaultCourseCacheTTL = 5 * time.Minute
)

type config struct {
	account        canvas.AccountRef
	groups         GroupMode
	category       string
	sectionPrefix  string
	tasks          map[lms.Status]canvas.EnrollmentTask
	logger         *slog.Logger
	usersThreshold int
	concurrency    int
	cacheTTL       time.Duration
	now            func() time.Time
	bulkPoll       time.Duration
}

// Option configures an LMS. Options validate their input; New returns the
// first error.
type Option func(*config) error

// WithAccount sets the account new courses and users are created in and
// ListCourses lists (with its sub-accounts). The default is canvas.Self,
// the root account of the token's domain. User lookups always search the
// root account, since SIS user IDs are unique there.
func WithAccount(a canvas.AccountRef) Option {
	return func(c *config) error {
		if a == nil {
			return errors.New("canvaslms: WithAccount: nil account")
		}
		c.account = a
		return nil
	}
}

// WithGroupsAs chooses what lms groups become: GroupsAsGroups (the
// default) or GroupsAsSections.
func WithGroupsAs(m GroupMode) Option {
	return func(c *config) error {
		if m != GroupsAsGroups && m != GroupsAsSections {
			return fmt.Errorf("canvaslms: WithGroupsAs: unknown mode %d", int(m))
		}
		c.groups = m
		return nil
	}
}

// WithGroupCategory sets the start of the names of the group categories
// (one per group, "<name>: <group name>") that hold the groups in
// GroupsAsGroups mode; each is created with its group. Default
// DefaultGroupCategory.
func WithGroupCategory(name string) Option {
	return func(c *config) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("canvaslms: WithGroupCategory: empty name")
		}
		c.category = name
		return nil
	}
}

// WithGroupSectionPrefix sets the SIS ID prefix of sections that stand in
// for groups in GroupsAsSections mode. Default DefaultGroupSectionPrefix.
// Sections whose SIS ID starts with it are read as groups, and
// CreateSection refuses such SIS IDs.
func WithGroupSectionPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix == "" {
			return errors.New("canvaslms: WithGroupSectionPrefix: empty prefix")
		}
		c.sectionPrefix = prefix
		return nil
	}
}

// WithUnenrolTask sets the Canvas enrollment task Unenrol uses for a
// status. Defaults: inactive → inactivate, completed → conclude, deleted
// → delete. Conclude keeps the learner's grades readable; delete hides
// the enrollment from everyone.
func WithUnenrolTask(s lms.Status, task canvas.EnrollmentTask) Option {
	return func(c *config) error {
		switch s {
		case lms.StatusInactive, lms.StatusCompleted, lms.StatusDeleted:
		default:
			return fmt.Errorf("canvaslms: WithUnenrolTask: %q is not a removal status", s)
		}
		if taskState(task) == "" {
			return fmt.Errorf("canvaslms: WithUnenrolTask: unknown task %q", task)
		}
		c.tasks[s] = task
		return nil
	}
}

// WithUserListThreshold sets how many users a lookup needs before it
// lists the account's users instead of fetching each one (default
// DefaultUserListThreshold). It holds until a listing has measured the
// account; from then on a lookup lists only when that is cheaper than one
// request per user, a page counting as two requests. Before that, a lookup
// never lists when its GETs cost no more than the pages the account's
// known users fill (see LMS.ReadUsers). A threshold of 1 lists whenever
// that floor allows; a very large one never lists.
func WithUserListThreshold(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("canvaslms: WithUserListThreshold: %d is not positive", n)
		}
		c.usersThreshold = n
		return nil
	}
}

// WithConcurrency sets how many courses ReadState reads at once (default
// DefaultConcurrency). The canvas client's own in-flight cap
// (canvas.WithMaxInFlight) still bounds the requests.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("canvaslms: WithConcurrency: %d is not positive", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithCourseCacheTTL sets how long ReadState uses the courses the last
// ListCourses listed (and those CreateCourse and UpdateCourse wrote)
// instead of one GET per course, and how long it remembers that a course
// held no groups with SIS IDs instead of listing its groups again
// (GroupsAsGroups mode). Default DefaultCourseCacheTTL; 0 turns both off,
// so every ReadState asks Canvas for everything. What the cache holds may
// be up to d old: a course renamed by hand, or a group with a SIS ID made
// outside this LMS, reads as before until its entry expires. With the
// default root account, a course a listing less than d old did not hold
// reads as absent without a GET (a first sync would otherwise ask one 404
// per course), until a listing holds it or CreateCourse finds its SIS ID
// taken.
func WithCourseCacheTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("canvaslms: WithCourseCacheTTL: %v is negative", d)
		}
		c.cacheTTL = d
		return nil
	}
}

// WithClock sets the clock WithCourseCacheTTL is measured on (default
// time.Now); tests use it to age the cache.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("canvaslms: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger sends debug logs (lookup strategy, skipped records) to l.
// The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("canvaslms: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// New returns an LMS on the Canvas client c. The client's token should
// have manage_sis (see Check).
func New(c *canvas.Client, opts ...Option) (*LMS, error) {
	if c == nil {
		return nil, errors.New("canvaslms: nil canvas client")
	}
	cfg := config{
		account:       canvas.Self,
		groups:        GroupsAsGroups,
		category:      DefaultGroupCategory,
		sectionPrefix: DefaultGroupSectionPrefix,
		tasks: map[lms.Status]canvas.EnrollmentTask{
			lms.StatusInactive:  canvas.TaskInactivate,
			lms.StatusCompleted: canvas.TaskConclude,
			lms.StatusDeleted:   canvas.TaskDelete,
		},
		usersThreshold: DefaultUserListThreshold,
		concurrency:    DefaultConcurrency,
		cacheTTL:       DefaultCourseCacheTTL,
		now:            time.Now,
		bulkPoll:       DefaultBulkPollInterval,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	l := &LMS{c: c, cfg: cfg, log: cfg.logger, courses: newCourseCache(cfg.cacheTTL, cfg.now)}
	if l.log == nil {
		l.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l, nil
}

// Stats returns the Canvas client's request counters (reads, writes,
// bytes, a count per endpoint).
func (l *LMS) Stats() callstats.Snapshot { return l.c.Stats() }

// GroupMode returns what lms groups become in this LMS.
func (l *LMS) GroupMode() GroupMode { return l.cfg.groups }

// begin refuses work on an ended context before any request, so a
// cancelled call never writes.
func begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("canvaslms: %w", err)
	}
	return nil
}
