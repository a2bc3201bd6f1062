package moodlelms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/moodle"
)

var _ lms.LMS = (*LMS)(nil)

// Defaults.
const (
	// DefaultSectionPrefix starts the idnumber of a Moodle group standing
	// for a section.
	DefaultSectionPrefix = "section:"
	// DefaultCompletedGroup is the idnumber and name of the group that
	// marks completed enrolments in a course.
	DefaultCompletedGroup = "vtsync:completed"
	// DefaultCategoryID is the category new courses go in (1 is the
	// default category of a fresh install).
	DefaultCategoryID = 1
	// DefaultAuth is the auth plugin of the users this package creates;
	// with an internal plugin Moodle mails each new user a generated
	// password (createpassword). Use an SSO plugin ("oauth2", "saml2"…)
	// where the site has one.
	DefaultAuth = "manual"
	// DefaultIndexTTL is how long a scan of every SIS course's groups
	// (to keep group SIS IDs unique site-wide) is trusted before a lookup
	// that misses may scan again.
	DefaultIndexTTL = 5 * time.Minute
	// DefaultRetryAfter is the wait a *lms.RateLimitError suggests.
	DefaultRetryAfter = 5 * time.Second
)

// DefaultRoles maps lms roles to the role ids of a fresh Moodle install
// (lib/db/install.php: editingteacher 3, teacher 4, student 5). Real sites
// do not guarantee them and no core function lists roles: check them.
func DefaultRoles() map[lms.Role]int64 {
	return map[lms.Role]int64{lms.RoleStudent: 5, lms.RoleTeacher: 3, lms.RoleTA: 4}
}

type config struct {
	category      int64
	roles         map[lms.Role]int64
	auth          string
	sectionPrefix string
	completed     string
	indexTTL      time.Duration
}

// Option configures an LMS.
type Option func(*config) error

// WithCategory sets the category new courses are created in.
func WithCategory(id int64) Option {
	return func(c *config) error {
		if id < 1 {
			return errors.New("moodlelms: category id must be positive")
		}
		c.category = id
		return nil
	}
}

// WithRoles sets the Moodle role id of each lms role. Roles left out
// cannot be enrolled (lms.ErrInvalid) and are not read back.
func WithRoles(roles map[lms.Role]int64) Option {
	return func(c *config) error {
		if len(roles) == 0 {
			return errors.New("moodlelms: no roles")
		}
		c.roles = map[lms.Role]int64{}
		for r, id := range roles {
			if id < 1 {
				return fmt.Errorf("moodlelms: role %q: bad id %d", r, id)
			}
			c.roles[r] = id
		}
		return nil
	}
}

// WithAuth sets the auth plugin of new users (default "manual").
func WithAuth(plugin string) Option {
	return func(c *config) error {
		if plugin == "" || plugin == "mnet" || plugin == "webservice" {
			return fmt.Errorf("moodlelms: auth plugin %q cannot be used", plugin)
		}
		c.auth = plugin
		return nil
	}
}

// WithSectionPrefix sets the idnumber prefix of section groups.
func WithSectionPrefix(p string) Option {
	return func(c *config) error {
		if p == "" {
			return errors.New("moodlelms: empty section prefix")
		}
		c.sectionPrefix = p
		return nil
	}
}

// WithIndexTTL sets how long a scan of every course's groups is trusted
// (DefaultIndexTTL); 0 scans on every lookup that misses.
func WithIndexTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("moodlelms: negative index TTL")
		}
		c.indexTTL = d
		return nil
	}
}

// LMS is lms.LMS on one Moodle site. It is safe for concurrent use.
type LMS struct {
	c   *moodle.Client
	cfg config
	// roleOf is the reverse of cfg.roles, in a fixed order of preference.
	roleOf map[int64]lms.Role

	// idx remembers where each section and group SIS ID lives (Moodle
	// keeps group idnumbers unique per course only, and memberships name
	// no course).
	mu      sync.Mutex
	idx     map[string]groupRef
	scanned time.Time
}

type groupRef struct{ course, group int64 }

// New returns an LMS on the Moodle site c talks to.
func New(c *moodle.Client, opts ...Option) (*LMS, error) {
	if c == nil {
		return nil, errors.New("moodlelms: nil client")
	}
	cfg := config{category: DefaultCategoryID, roles: DefaultRoles(), auth: DefaultAuth,
		sectionPrefix: DefaultSectionPrefix, completed: DefaultCompletedGroup, indexTTL: DefaultIndexTTL}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	l := &LMS{c: c, cfg: cfg, roleOf: map[int64]lms.Role{}, idx: map[string]groupRef{}}
	for _, r := range []lms.Role{lms.RoleObserver, lms.RoleDesigner, lms.RoleTA, lms.RoleTeacher, lms.RoleStudent} {
		if id, ok := cfg.roles[r]; ok {
			l.roleOf[id] = r
		}
	}
	return l, nil
}

// Client returns the moodle client the LMS uses.
func (l *LMS) Client() *moodle.Client { return l.c }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func unixPtr(sec int64) *time.Time {
	if sec == 0 {
		return nil
	}
	t := time.Unix(sec, 0).UTC()
	return &t
}

func unixOf(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

func toCourse(c moodle.Course) lms.Course {
	return lms.Course{ID: idString(c.ID), SISID: c.IDNumber, Name: c.FullName, Code: c.ShortName,
		Start: unixPtr(c.StartDate), End: unixPtr(c.EndDate)}
}

// ListCourses lists every course but the front page.
func (l *LMS) ListCourses(ctx context.Context) ([]lms.Course, error) {
	cs, err := l.c.Courses.GetCoursesByField(ctx, "", "")
	if err != nil {
		return nil, wrap("ListCourses", "courses", "", err)
	}
	out := make([]lms.Course, 0, len(cs))
	for _, c := range cs {
		if c.Format == moodle.SiteFormat {
			continue
		}
		out = append(out, toCourse(c))
	}
	return out, nil
}

// course finds a course by SIS ID.
func (l *LMS) course(ctx context.Context, op, sis string) (moodle.Course, error) {
	if sis == "" {
		return moodle.Course{}, fail(op, "course", sis, lms.ErrInvalid, "empty SIS ID")
	}
	cs, err := l.c.Courses.GetCoursesByField(ctx, moodle.CourseByIDNumber, sis)
	if err != nil {
		return moodle.Course{}, wrap(op, "course", sis, err)
	}
	if len(cs) == 0 {
		return moodle.Course{}, fail(op, "course", sis, lms.ErrNotFound, "no course has this idnumber")
	}
	return cs[0], nil
}

func checkCourse(op string, c lms.Course) error {
	switch {
	case c.SISID == "":
		return fail(op, "course", c.SISID, lms.ErrInvalid, "empty SIS ID")
	case strings.TrimSpace(c.Name) == "":
		return fail(op, "course", c.SISID, lms.ErrInvalid, "empty name")
	case strings.TrimSpace(c.Code) == "":
		return fail(op, "course", c.SISID, lms.ErrInvalid, "empty code")
	case c.Start == nil && c.End != nil:
		return fail(op, "course", c.SISID, lms.ErrInvalid, "Moodle cannot store an end date without a start date")
	}
	return nil
}

// CreateCourse creates a course. Moodle refuses a taken idnumber
// (courseidnumbertaken) or shortname (shortnametaken): lms.ErrConflict.
func (l *LMS) CreateCourse(ctx context.Context, c lms.Course) (lms.Course, error) {
	if err := checkCourse("CreateCourse", c); err != nil {
		return lms.Course{}, err
	}
	start, end := unixOf(c.Start), unixOf(c.End)
	made, err := l.c.Courses.CreateCourses(ctx, []moodle.NewCourse{{FullName: c.Name, ShortName: c.Code,
		CategoryID: l.cfg.category, IDNumber: &c.SISID, StartDate: &start, EndDate: &end}})
	if err != nil {
		return lms.Course{}, wrap("CreateCourse", "course", c.SISID, err)
	}
	if len(made) != 1 {
		return lms.Course{}, fail("CreateCourse", "course", c.SISID, lms.ErrInvalid, "Moodle returned no course")
	}
	c.ID = idString(made[0].ID)
	return c, nil
}

// UpdateCourse finds the course by ID (adoption) or SIS ID and sets its
// idnumber, names and dates.
func (l *LMS) UpdateCourse(ctx context.Context, c lms.Course) error {
	const op = "UpdateCourse"
	if err := checkCourse(op, c); err != nil {
		return err
	}
	var cur moodle.Course
	if c.ID != "" {
		cs, err := l.c.Courses.GetCoursesByField(ctx, moodle.CourseByID, c.ID)
		if err != nil {
			return wrap(op, "course", c.SISID, err)
		}
		if len(cs) == 0 {
			return fail(op, "course", c.SISID, lms.ErrNotFound, "no course has id "+c.ID)
		}
		cur = cs[0]
	} else {
		var err error
		if cur, err = l.course(ctx, op, c.SISID); err != nil {
			return err
		}
	}
	if cur.IDNumber == c.SISID && cur.FullName == c.Name && cur.ShortName == c.Code &&
		cur.StartDate == unixOf(c.Start) && cur.EndDate == unixOf(c.End) {
		return nil
	}
	start, end := unixOf(c.Start), unixOf(c.End)
	warns, err := l.c.Courses.UpdateCourses(ctx, []moodle.CourseUpdate{{ID: cur.ID, FullName: &c.Name,
		ShortName: &c.Code, IDNumber: &c.SISID, StartDate: &start, EndDate: &end}})
	if err != nil {
		return wrap(op, "course", c.SISID, err)
	}
	if len(warns) > 0 {
		return wrap(op, "course", c.SISID, warns[0].Err("core_course_update_courses"))
	}
	return nil
}
