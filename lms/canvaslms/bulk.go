package canvaslms

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
)

var _ lms.BulkWriter = (*LMS)(nil)

// DefaultBulkPollInterval is how often BulkWrite asks Canvas how far its
// SIS import has come.
const DefaultBulkPollInterval = 2 * time.Second

// WithBulkPollInterval sets how often BulkWrite polls its SIS import
// (default DefaultBulkPollInterval).
func WithBulkPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("canvaslms: WithBulkPollInterval: %v is not positive", d)
		}
		c.bulkPoll = d
		return nil
	}
}

// The SIS import CSV files BulkWrite sends (doc/api/sis_csv.md), in the
// order Canvas imports them whatever their order in the zip.
const (
	csvUsers       = "users.csv"
	csvCourses     = "courses.csv"
	csvSections    = "sections.csv"
	csvEnrollments = "enrollments.csv"
	csvCategories  = "group_categories.csv"
	csvGroups      = "groups.csv"
	csvMembers     = "group_memberships.csv"
)

var csvHeaders = map[string][]string{
	csvUsers:       {"user_id", "login_id", "full_name", "sortable_name", "short_name", "email", "status"},
	csvCourses:     {"course_id", "short_name", "long_name", "account_id", "status"},
	csvSections:    {"section_id", "course_id", "name", "status"},
	csvEnrollments: {"course_id", "section_id", "user_id", "role", "status"},
	csvCategories:  {"group_category_id", "course_id", "category_name", "status"},
	csvGroups:      {"group_id", "group_category_id", "course_id", "name", "status"},
	csvMembers:     {"group_id", "user_id", "status"},
}

// CanBulk reports whether a write fits a SIS import with the meaning its
// Writer method has. What does not goes one call at a time:
//   - courses with dates (the REST path also restricts enrolments to them,
//     which courses.csv has no column for), course updates (UpdateCourse
//     may find the course by Canvas ID and clears absent dates), and
//     courses in an account named by Canvas ID (courses.csv names accounts
//     by SIS ID);
//   - users with a time zone (users.csv has no column for it);
//   - removals (Unenrol, RemoveMember): an import row deleting what is
//     absent is an error, the Writer methods succeed;
//   - group updates and memberships of groups still in a category shared
//     with others (the old model; AddMember moves them first).
func (l *LMS) CanBulk(w lms.BulkWrite) bool {
	switch w.Kind {
	case lms.BulkCreateCourse:
		c := w.Course
		if c == nil || c.SISID == "" || c.Start != nil || c.End != nil {
			return false
		}
		_, ok := l.courseAccountSIS()
		return ok
	case lms.BulkCreateSection, lms.BulkUpdateSection:
		return w.Section != nil && w.Section.SISID != "" && w.Section.CourseSISID != "" && !l.isGroupSection(w.Section.SISID)
	case lms.BulkCreateGroup:
		return w.Group != nil && w.Group.SISID != "" && w.Group.CourseSISID != ""
	case lms.BulkUpdateGroup:
		return w.Group != nil && l.cfg.groups == GroupsAsSections && w.Group.SISID != "" && w.Group.CourseSISID != ""
	case lms.BulkCreateUser, lms.BulkUpdateUser:
		u := w.User
		return u != nil && u.SISID != "" && strings.TrimSpace(u.Login) != "" && u.TimeZone == ""
	case lms.BulkEnrol:
		e := w.Enrolment
		if e == nil {
			return false
		}
		_, ok := roleTypes[e.Role]
		return ok && e.Status == lms.StatusActive && e.CourseSISID != "" && e.UserSISID != "" && !l.isGroupSection(e.SectionSISID)
	case lms.BulkAddMember:
		m := w.Membership
		if m == nil || m.GroupSISID == "" || m.UserSISID == "" || (m.Status != "" && m.Status != lms.StatusActive) {
			return false
		}
		l.sharedMu.Lock()
		defer l.sharedMu.Unlock()
		return !l.shared[m.GroupSISID]
	}
	return false
}

// courseAccountSIS is the account_id column of courses.csv for the
// configured account: empty for the root account.
func (l *LMS) courseAccountSIS() (string, bool) {
	switch a := l.cfg.account.(type) {
	case canvas.SISAccount:
		return string(a), true
	}
	if l.cfg.account == canvas.Self {
		return "", true
	}
	return "", false
}

// importRows is a SIS import being built: each file's CSV and, per data
// row, the line it starts on and the write it stands for.
type importRows struct {
	bufs map[string]*bytes.Buffer
	// csvs writes each file's rows into its buffer: one csv.Writer per
	// file, not per row (each holds a 4 KiB buffer: a new one per row
	// allocated 400 MiB for a 100,000-row import).
	csvs  map[string]*csv.Writer
	lines map[string]int
	// at maps file → line → index of the write.
	at map[string]map[int]int
	// files lists, per write, the files its rows are in.
	files map[int][]string
}

func newImportRows() *importRows {
	return &importRows{bufs: map[string]*bytes.Buffer{}, csvs: map[string]*csv.Writer{}, lines: map[string]int{}, at: map[string]map[int]int{}, files: map[int][]string{}}
}

// add writes one row for write i; a value with a line break shifts the
// lines after it, so lines are counted, not rows.
func (r *importRows) add(i int, file string, rec ...string) error {
	b, w := r.bufs[file], r.csvs[file]
	if b == nil {
		b = &bytes.Buffer{}
		w = csv.NewWriter(b)
		r.bufs[file], r.csvs[file] = b, w
		if err := writeCSV(w, csvHeaders[file]); err != nil {
			return err
		}
		r.lines[file] = 1
		r.at[file] = map[int]int{}
	}
	before := b.Len()
	if err := writeCSV(w, rec); err != nil {
		return err
	}
	line := r.lines[file] + 1
	r.at[file][line] = i
	r.lines[file] += bytes.Count(b.Bytes()[before:], []byte{'\n'})
	r.files[i] = append(r.files[i], file)
	return nil
}

// writeCSV writes one record and flushes it, so the buffer behind w
// holds every line written (add counts them).
func writeCSV(w *csv.Writer, rec []string) error {
	if err := w.Write(rec); err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// rows adds write i's rows to the import.
func (l *LMS) rows(r *importRows, i int, w lms.BulkWrite) error {
	switch w.Kind {
	case lms.BulkCreateCourse:
		acct, _ := l.courseAccountSIS()
		return r.add(i, csvCourses, w.Course.SISID, w.Course.Code, w.Course.Name, acct, "active")
	case lms.BulkCreateSection, lms.BulkUpdateSection:
		s := w.Section
		return r.add(i, csvSections, s.SISID, s.CourseSISID, s.Name, "active")
	case lms.BulkCreateGroup, lms.BulkUpdateGroup:
		g := w.Group
		if l.cfg.groups == GroupsAsSections {
			return r.add(i, csvSections, l.groupSectionSIS(g.SISID), g.CourseSISID, g.Name, "active")
		}
		// A category of its own, with the group's SIS ID, as categoryFor
		// makes it.
		if err := r.add(i, csvCategories, g.SISID, g.CourseSISID, l.categoryName(g.Name), "active"); err != nil {
			return err
		}
		return r.add(i, csvGroups, g.SISID, g.SISID, g.CourseSISID, g.Name, "available")
	case lms.BulkCreateUser, lms.BulkUpdateUser:
		u := w.User
		name, sortable := canvasNames(*u)
		return r.add(i, csvUsers, u.SISID, u.Login, name, sortable, name, u.Email, "active")
	case lms.BulkEnrol:
		e := w.Enrolment
		return r.add(i, csvEnrollments, e.CourseSISID, e.SectionSISID, e.UserSISID, string(e.Role), "active")
	case lms.BulkAddMember:
		m := w.Membership
		if l.cfg.groups == GroupsAsSections {
			return r.add(i, csvEnrollments, "", l.groupSectionSIS(m.GroupSISID), m.UserSISID, string(lms.RoleStudent), "active")
		}
		return r.add(i, csvMembers, m.GroupSISID, m.UserSISID, "accepted")
	}
	return fmt.Errorf("%w: %s cannot go in a SIS import", lms.ErrInvalid, w.Kind)
}

// BulkWrite sends the writes as one SIS import (a zip of users, courses,
// sections, enrollments, group categories, groups and group memberships
// CSVs, with override_sis_stickiness so the rows set what they say as the
// REST calls would), polls it every WithBulkPollInterval reporting its
// progress, and confirms each write whose rows Canvas imported without a
// message. Canvas imports the files in dependency order (users, courses,
// sections, enrollments, group categories, groups, memberships:
// doc/api/sis_csv.md).
//
// A write Canvas reported a problem with fails with an *lms.BulkRowError.
// The import's errors name a file and a row; a row is the CSV line the
// record starts on, header being line 1 (as canvastest reports it; how
// hosted Canvas numbers rows is UNCONFIRMED), so a message naming no row
// this import sent fails every write of its file rather than none. An
// import that does not end imported fails every write. Writes CanBulk
// refuses fail with lms.ErrInvalid and nothing of theirs is sent.
//
// If ctx ends while the import runs, BulkWrite returns ctx's error and
// leaves the import to finish: its rows are keyed by SIS ID, so the next
// run reads what it did and sends only the rest.
func (l *LMS) BulkWrite(ctx context.Context, writes []lms.BulkWrite, progress func(lms.BulkProgress)) ([]error, error) {
	const op = "BulkWrite"
	if err := begin(ctx); err != nil {
		return nil, err
	}
	out := make([]error, len(writes))
	r := newImportRows()
	for i, w := range writes {
		if !l.CanBulk(w) {
			out[i] = fail(op, string(w.Kind), w.Key(), lms.ErrInvalid, "does not fit a SIS import")
			continue
		}
		if err := l.rows(r, i, w); err != nil {
			out[i] = fail(op, string(w.Kind), w.Key(), lms.ErrInvalid, err.Error())
		}
	}
	if len(r.files) == 0 {
		return out, nil
	}
	files := make(map[string][]byte, len(r.bufs))
	for n, b := range r.bufs {
		files[n] = b.Bytes()
	}
	zip, err := canvas.ZipCSV(files)
	if err != nil {
		return nil, fmt.Errorf("canvaslms: %s: %w", op, err)
	}
	l.forgetBulk(writes)
	imp, err := l.c.SISImports.Create(ctx, canvas.Self, zip, canvas.SISImportOptions{OverrideSISStickiness: true})
	if err != nil {
		return nil, wrap(op, "", "", err)
	}
	l.log.Debug("canvaslms: SIS import sent", "import", imp.ID.String(), "writes", len(r.files))
	report := func(imp *canvas.SISImport) {
		if progress != nil {
			progress(lms.BulkProgress{Percent: imp.Progress, State: imp.WorkflowState})
		}
	}
	report(imp)
	if !imp.Done() {
		id := imp.ID
		if imp, err = l.c.SISImports.WaitProgress(ctx, canvas.Self, id, l.cfg.bulkPoll, report); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("canvaslms: %s: SIS import %s left unfinished: %w", op, id, err)
			}
			return nil, wrap(op, "SIS import", id.String(), err)
		}
	}
	if err := l.settleImport(ctx, op, imp, writes, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// settleImport fills out with each sent write's outcome.
func (l *LMS) settleImport(ctx context.Context, op string, imp *canvas.SISImport, writes []lms.BulkWrite, r *importRows, out []error) error {
	refuse := func(i int, file string, row int, msg string) {
		if out[i] == nil {
			out[i] = &lms.BulkRowError{Kind: writes[i].Kind, Key: writes[i].Key(), File: file, Row: row, Message: msg}
		}
	}
	if !imp.Succeeded() {
		msg := "SIS import " + imp.ID.String() + " ended " + imp.WorkflowState
		for _, e := range imp.ProcessingErrors {
			msg += "; " + strings.Join(e, ": ")
		}
		for i := range r.files {
			refuse(i, "", 0, msg)
		}
		return nil
	}
	if len(imp.ProcessingWarnings) == 0 && len(imp.ProcessingErrors) == 0 {
		return nil
	}
	for e, err := range l.c.SISImports.Errors(ctx, canvas.Self, imp.ID) {
		if err != nil {
			return wrap(op, "SIS import", imp.ID.String(), err)
		}
		rows, known := r.at[e.File]
		if e.Row != nil {
			if i, ok := rows[*e.Row]; ok {
				refuse(i, e.File, *e.Row, e.Message)
				continue
			}
		}
		// A message that names no row of ours: every write of its file
		// (or of the import) is unconfirmed.
		for i, fs := range r.files {
			for _, f := range fs {
				if !known || f == e.File {
					refuse(i, e.File, 0, e.Message)
				}
			}
		}
	}
	return nil
}

// forgetBulk drops what the caches hold of the courses and groups an
// import changes, before it is sent, so reads during and after it ask
// Canvas.
func (l *LMS) forgetBulk(writes []lms.BulkWrite) {
	for _, w := range writes {
		switch {
		case w.Course != nil:
			l.courses.forget(w.Course.SISID)
		case w.Group != nil:
			l.courses.touchGroups(w.Group.CourseSISID)
			l.catMu.Lock()
			if l.catsListed != nil {
				delete(l.catsListed, w.Group.CourseSISID)
			}
			l.catMu.Unlock()
		}
	}
}
