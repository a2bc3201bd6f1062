package canvastest

import (
	"maps"
	"slices"
	"strings"
)

// Running an import: the files in Canvas's order, diffing against the
// previous import of the data set, batch mode's deletions and the
// warnings rows leave.

// runImport applies an upload to the fake's data, the way Canvas's SIS
// importers do for the four files a VETtrak sync sends (users, courses,
// sections, enrollments), in Canvas's order whatever the file order.
// Problems with single rows become warnings (imported_with_messages);
// an unreadable upload fails the import (failed_with_messages).
func (s *Server) runImport(imp *sisImport) {
	now := s.now()
	defer func() {
		imp.EndedAt, imp.updated, imp.Progress = &now, now, 100
	}()
	files, err := unpack(imp.data, imp.ext)
	if err != nil {
		imp.failures = append(imp.failures, []string{"", err.Error()})
		imp.Counts["error_count"]++
		imp.WorkflowState = "failed_with_messages"
		return
	}
	byKind := map[string][]*csvFile{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f, err := parseCSV(name, files[name])
		if err != nil {
			imp.failures = append(imp.failures, []string{name, err.Error()})
			imp.Counts["error_count"]++
			continue
		}
		if f.kind == "" {
			imp.warn(name, 0, "Couldn't find Canvas CSV import headers")
			continue
		}
		byKind[f.kind] = append(byKind[f.kind], f)
	}
	if len(imp.failures) > 0 && len(byKind) == 0 {
		imp.WorkflowState = "failed_with_messages"
		return
	}
	if imp.DiffingID != "" {
		s.diff(imp, byKind)
	}
	seen := map[string]map[string]bool{}
	for _, kind := range []string{"users", "courses", "sections", "enrollments", "group_categories", "groups", "group_memberships"} {
		seen[kind] = map[string]bool{}
		for _, f := range byKind[kind] {
			imp.batches = append(imp.batches, batchName[kind])
			for _, row := range f.rows {
				if s.importRow(imp, f, row) {
					seen[kind][row.key] = true
					imp.Counts[kind]++
				}
			}
		}
	}
	if imp.BatchMode && !imp.skipDel {
		s.batchDelete(imp, seen)
	}
	imp.Counts["warning_count"] = len(imp.warnings)
	// sis_batch.rb#do_batch_end_work: errors (a file that could not be
	// read) fail the import; warnings alone leave it imported with
	// messages.
	switch {
	case len(imp.failures) > 0:
		imp.WorkflowState = "failed_with_messages"
	case len(imp.warnings) > 0:
		imp.WorkflowState = "imported_with_messages"
	default:
		imp.WorkflowState = "imported"
	}
}

// batchName is the supplied_batches name of each kind of file.
var batchName = map[string]string{"users": "user", "courses": "course", "sections": "section", "enrollments": "enrollment",
	"group_categories": "group_category", "groups": "group", "group_memberships": "group_membership"}

func (imp *sisImport) warn(file string, line int, msg string) {
	imp.warnings = append(imp.warnings, []string{file, msg})
	imp.Errors = append(imp.Errors, SISImportError{File: file, Row: line, Message: msg})
}

// diff drops rows unchanged since the last import with the same data set
// identifier and adds a removal row for each row that disappeared
// (diffing_drop_status for enrollments, "deleted" otherwise). Unconfirmed
// detail: Canvas diffs whole CSV files; the fake diffs rows by key.
func (s *Server) diff(imp *sisImport, byKind map[string][]*csvFile) {
	prev := s.diffSets[imp.DiffingID]
	cur := map[string]map[string]string{}
	for kind, files := range byKind {
		cur[kind] = map[string]string{}
		for _, f := range files {
			for _, r := range f.rows {
				cur[kind][r.key] = r.text
			}
		}
	}
	for _, o := range s.imports {
		if o.ID != imp.ID && o.DiffingID == imp.DiffingID && o.ID > imp.diffedID && strings.HasPrefix(o.WorkflowState, "imported") {
			imp.diffedID = o.ID
		}
	}
	s.diffSets[imp.DiffingID] = cur
	if prev == nil || imp.remaster {
		return
	}
	for kind, files := range byKind {
		for _, f := range files {
			kept := f.rows[:0]
			for _, r := range f.rows {
				if prev[kind][r.key] != r.text {
					kept = append(kept, r)
				}
			}
			f.rows = kept
		}
	}
	for kind, rows := range prev {
		for key, text := range rows {
			if _, ok := cur[kind][key]; ok {
				continue
			}
			v := splitKey(kind, key)
			v["status"] = "deleted"
			if kind == "enrollments" && imp.dropStat != "" {
				v["status"] = imp.dropStat
			}
			f := &csvFile{name: kind + ".csv (diff)", kind: kind}
			f.rows = []csvRow{{v: v, key: key, text: text}}
			byKind[kind] = append(byKind[kind], f)
		}
	}
}

// batchDelete removes SIS-created courses, sections and enrollments of the
// batch term that the upload did not mention.
func (s *Server) batchDelete(imp *sisImport, seen map[string]map[string]bool) {
	for _, c := range s.courses {
		if termOr(c.TermID) != imp.BatchTermID || c.SISImportID == 0 || c.WorkflowState == "deleted" {
			continue
		}
		if !seen["courses"][c.SISCourseID] {
			c.WorkflowState = "deleted"
			imp.Counts["batch_courses_deleted"]++
		}
		for _, sec := range s.sections {
			if sec.CourseID == c.ID && sec.SISImportID != 0 && sec.WorkflowState != "deleted" && !seen["sections"][sec.SISSectionID] {
				sec.WorkflowState = "deleted"
				imp.Counts["batch_sections_deleted"]++
			}
		}
		for _, e := range s.enrollments {
			if e.CourseID != c.ID || e.SISImportID == 0 || e.SISImportID == imp.ID || e.State == "deleted" {
				continue
			}
			e.State = "deleted"
			imp.Counts["batch_enrollments_deleted"]++
		}
	}
}
