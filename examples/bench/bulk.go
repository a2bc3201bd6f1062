package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/canvas"
	"github.com/vtsync/vtsync/lms"
	vtsync "github.com/vtsync/vtsync/sync"
)

// scBulk is the optional bulk first load: the Syncer plans as usual, and
// the creates go to Canvas as one SIS import of generated CSVs instead of
// one REST call each. It runs on a fresh world of the same size.
const scBulk = "initial-bulk"

// bulkPoll is how often the import's progress is read.
const bulkPoll = time.Second

// bulkFiles turns a plan's creates into Canvas SIS import CSVs (users,
// courses, sections, enrollments). Operations a SIS import cannot carry
// here (updates, groups, VETtrak writes) are counted in rest: they would
// go through the REST path after the import.
func bulkFiles(p *vtsync.Plan) (files map[string][]byte, rows, rest int, err error) {
	tables := map[string][][]string{
		"users.csv":       {{"user_id", "login_id", "first_name", "last_name", "email", "status"}},
		"courses.csv":     {{"course_id", "short_name", "long_name", "status", "start_date", "end_date"}},
		"sections.csv":    {{"section_id", "course_id", "name", "status"}},
		"enrollments.csv": {{"course_id", "user_id", "role", "section_id", "status"}},
	}
	add := func(file string, row ...string) {
		tables[file] = append(tables[file], row)
		rows++
	}
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, op := range p.Ops {
		switch {
		case op.Kind == vtsync.OpCreateUser && op.User != nil:
			u := op.User
			add("users.csv", u.SISID, u.Login, u.GivenName, u.FamilyName, u.Email, "active")
		case op.Kind == vtsync.OpCreateCourse && op.Course != nil:
			c := op.Course
			add("courses.csv", c.SISID, c.Code, c.Name, "active", date(c.Start), date(c.End))
		case op.Kind == vtsync.OpCreateSection && op.Section != nil:
			s := op.Section
			add("sections.csv", s.SISID, s.CourseSISID, s.Name, "active")
		case op.Kind == vtsync.OpEnrol && op.Enrolment != nil && op.Enrolment.Status == lms.StatusActive:
			e := op.Enrolment
			add("enrollments.csv", e.CourseSISID, e.UserSISID, string(e.Role), e.SectionSISID, "active")
		default:
			rest++
		}
	}
	files = map[string][]byte{}
	for name, t := range tables {
		if len(t) == 1 {
			continue
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.WriteAll(t); err != nil {
			return nil, 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		files[name] = b.Bytes()
	}
	return files, rows, rest, nil
}

// runBulk plans, uploads the creates as one SIS import and waits for it.
// The lower bound of its Canvas side is one upload and one poll beside the
// structure run's reads.
func runBulk(ctx context.Context, w *world) (*vtsync.Report, *bulkOutcome, error) {
	p, err := w.sync.Plan(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: %w", err)
	}
	files, rows, rest, err := bulkFiles(p)
	if err != nil {
		return nil, nil, err
	}
	out := &bulkOutcome{Rows: rows, Rest: rest}
	rep := &vtsync.Report{Planned: len(p.Ops)}
	if len(files) == 0 {
		return rep, out, nil
	}
	zip, err := canvas.ZipCSV(files)
	if err != nil {
		return nil, nil, err
	}
	out.ZipBytes = len(zip)
	imp, err := w.cc.SISImports.Create(ctx, canvas.Self, zip, canvas.SISImportOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("SIS import: %w", err)
	}
	imp, err = w.cc.SISImports.Wait(ctx, canvas.Self, imp.ID, bulkPoll)
	if err != nil {
		return nil, nil, fmt.Errorf("SIS import %d: %w", imp.ID, err)
	}
	out.State = imp.WorkflowState
	out.Counts = imp.Data.Counts
	if !imp.Succeeded() {
		return rep, out, fmt.Errorf("SIS import %d ended %s: %v", imp.ID, imp.WorkflowState, imp.ProcessingErrors)
	}
	return rep, out, nil
}

// bulkOutcome is what the SIS import did.
type bulkOutcome struct {
	Rows     int            `json:"rows"`
	Rest     int            `json:"rest"`
	ZipBytes int            `json:"zip_bytes"`
	State    string         `json:"state"`
	Counts   map[string]int `json:"counts,omitempty"`
	// Left is what a Plan right after the import still finds to do: zero
	// when the import made exactly what the REST path would have.
	Left int `json:"left_after_import"`
}
