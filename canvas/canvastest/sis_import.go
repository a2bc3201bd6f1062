package canvastest

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The SIS import endpoints (sis_imports_api_controller.rb) and an
// import's lifecycle, one step per status poll (see getSISImport). An
// upload is read in sis_csv.go, run in sis_run.go and applied row by row
// in sis_rows.go and sis_rows_groups.go.

// sisImport is the fake's record of an upload.
type sisImport struct {
	SISImport
	data     []byte
	ext      string
	polls    int
	dropStat string
	skipDel  bool
	remaster bool
	diffedID int64
	batches  []string
	warnings [][]string
	failures [][]string
	updated  time.Time
}

func (s *Server) createSISImport(x *rctx, a *Account) {
	if a.ID != RootAccountID {
		x.json(http.StatusBadRequest, map[string]any{"errors": []string{"SIS imports can only be executed on root accounts"}})
		return
	}
	if !x.manageSIS() {
		// sis_imports_api_controller.rb#create: authorized_action answers
		// 401 (403 with the auth-error flag).
		x.unauthorized()
		return
	}
	if t := x.param("import_type"); t != "" && t != "instructure_csv" {
		x.json(http.StatusBadRequest, map[string]any{"errors": []string{"Unknown import type " + t}})
		return
	}
	if len(x.raw) == 0 {
		x.json(http.StatusBadRequest, map[string]any{"errors": []string{"No file attached"}})
		return
	}
	imp := &sisImport{ext: x.param("extension"), data: x.raw}
	if imp.ext == "" {
		switch {
		case strings.Contains(x.rawType, "csv") || strings.HasSuffix(x.rawName, ".csv"):
			imp.ext = "csv"
		default:
			imp.ext = "zip"
		}
	}
	batch, _ := x.boolParam("batch_mode")
	diffID := x.param("diffing_data_set_identifier")
	if batch {
		term, ok := s.findTerm(x.param("batch_mode_term_id"))
		if !ok {
			x.message(http.StatusBadRequest, "Batch mode specified, but the given batch_mode_term_id cannot be found.")
			return
		}
		imp.BatchMode, imp.BatchTermID = true, term
		// Batch mode with diffing is accepted; batch mode wins and the
		// upload is not diffed (sis_batch.rb#generate_diff skips batch
		// imports).
		diffID = ""
	}
	if len(diffID) > 128 {
		x.message(http.StatusBadRequest, "diffing_data_set_identifier is too long")
		return
	}
	imp.DiffingID = diffID
	imp.remaster, _ = x.boolParam("diffing_remaster_data_set")
	imp.skipDel, _ = x.boolParam("skip_deletes")
	imp.dropStat = x.param("diffing_drop_status")
	// lib/sis/csv/diff_generator.rb: deleted_last_completed deletes
	// enrollments but concludes the last one a user has in a course; the
	// fake, which diffs rows, treats it as deleted.
	switch imp.dropStat {
	case "", "deleted", "completed", "inactive", "deleted_last_completed":
	default:
		x.message(http.StatusBadRequest, "Invalid diffing_drop_status")
		return
	}
	imp.ID = s.nextID()
	imp.WorkflowState = "created"
	imp.CreatedAt = s.now()
	imp.updated = imp.CreatedAt
	imp.Counts = map[string]int{}
	s.imports[imp.ID] = imp
	if s.opts.sisPolls == 0 {
		s.runImport(imp)
	}
	x.json(http.StatusOK, x.renderImport(imp))
}

func (x *rctx) renderImport(imp *sisImport) map[string]any {
	counts := map[string]int{}
	for _, k := range []string{"accounts", "terms", "abstract_courses", "courses", "sections", "xlists", "users",
		"enrollments", "groups", "group_memberships", "grade_publishing_results", "batch_courses_deleted",
		"batch_sections_deleted", "batch_enrollments_deleted", "error_count", "warning_count"} {
		counts[k] = imp.Counts[k]
	}
	warnings, failures := imp.warnings, imp.failures
	if warnings == nil {
		warnings = [][]string{}
	}
	var fails any
	if len(failures) > 0 {
		fails = failures
	}
	var warn any
	if len(warnings) > 0 {
		warn = warnings
	}
	return map[string]any{
		"id": x.id(imp.ID), "created_at": ts(imp.CreatedAt), "updated_at": ts(imp.updated),
		"ended_at": timeOrNull(imp.EndedAt), "workflow_state": imp.WorkflowState, "progress": imp.Progress,
		"data":       map[string]any{"import_type": "instructure_csv", "supplied_batches": orEmpty(imp.batches), "counts": counts},
		"statistics": map[string]any{}, "errors_attachment": nil, "user": nil,
		"processing_warnings": warn, "processing_errors": fails,
		"batch_mode": imp.BatchMode, "batch_mode_term_id": x.idOrNull(imp.BatchTermID), "multi_term_batch_mode": false,
		"skip_deletes": imp.skipDel, "override_sis_stickiness": false, "add_sis_stickiness": false,
		"clear_sis_stickiness": false, "diffing_data_set_identifier": strOrNull(imp.DiffingID),
		"diffing_remaster": imp.remaster, "diffed_against_import_id": x.idOrNull(imp.diffedID),
		"diffing_threshold_exceeded": false, "change_threshold": nil, "csv_attachments": []any{},
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) findImport(x *rctx) *sisImport {
	a := s.findAccount(x.params[0])
	r, ok := parseRef(x.params[1])
	if a == nil || a.ID != RootAccountID || !ok || r.field != "" {
		return nil
	}
	return s.imports[r.id]
}

// getSISImport advances the import one step per poll: created, then
// importing (for WithSISImportPolls polls), then processed to a final
// state. Canvas runs imports in a background job; the fake makes the
// progression deterministic.
func (s *Server) getSISImport(x *rctx) {
	imp := s.findImport(x)
	if imp == nil {
		x.notFound()
		return
	}
	s.advance(imp)
	x.json(http.StatusOK, x.renderImport(imp))
}

func (s *Server) advance(imp *sisImport) {
	switch imp.WorkflowState {
	case "created", "importing":
		imp.polls++
		if imp.polls > s.opts.sisPolls {
			s.runImport(imp)
			return
		}
		imp.WorkflowState = "importing"
		imp.Progress = min(90, imp.polls*100/(s.opts.sisPolls+1))
		imp.updated = s.now()
	}
}

// ProcessSISImports runs every pending SIS import to its final state now.
func (s *Server) ProcessSISImports() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, imp := range sorted(s.imports, func(v *sisImport) int64 { return v.ID }, nil) {
		if imp.WorkflowState == "created" || imp.WorkflowState == "importing" {
			s.runImport(imp)
		}
	}
}

// SISImports returns the state of every SIS import.
func (s *Server) SISImports() []SISImport {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SISImport
	for _, imp := range sorted(s.imports, func(v *sisImport) int64 { return v.ID }, nil) {
		c := imp.SISImport
		c.Counts = maps.Clone(imp.Counts)
		c.Errors = slices.Clone(imp.Errors)
		out = append(out, c)
	}
	return out
}

func (s *Server) listSISImports(x *rctx) {
	a := s.findAccount(x.params[0])
	if a == nil || a.ID != RootAccountID {
		x.notFound()
		return
	}
	all := sorted(s.imports, func(v *sisImport) int64 { return v.ID }, nil)
	slices.Reverse(all)
	if out, ok := renderPage(x, all, func(v *sisImport) int64 { return v.ID }, numberedNoLast, x.renderImport); ok {
		x.json(http.StatusOK, map[string]any{"sis_imports": out})
	}
}

func (s *Server) listSISImportErrors(x *rctx) {
	imp := s.findImport(x)
	if imp == nil {
		x.notFound()
		return
	}
	idx := make([]int64, len(imp.Errors))
	for i := range idx {
		idx[i] = int64(i)
	}
	out, ok := renderPage(x, idx, func(i int64) int64 { return i }, numberedNoLast, func(i int64) map[string]any {
		e := imp.Errors[i]
		return map[string]any{"sis_import_id": x.id(imp.ID), "file": e.File, "message": e.Message,
			"row_info": nil, "row": e.Row}
	})
	if ok {
		x.json(http.StatusOK, map[string]any{"sis_import_errors": out})
	}
}

func (s *Server) abortSISImport(x *rctx) {
	imp := s.findImport(x)
	if imp == nil {
		x.notFound()
		return
	}
	// sis_imports_api_controller.rb#abort looks the import up among those
	// not yet finished: a finished one is not found.
	if imp.WorkflowState != "created" && imp.WorkflowState != "importing" {
		x.notFound()
		return
	}
	imp.WorkflowState = "aborted"
	t := s.now()
	imp.EndedAt, imp.updated = &t, t
	x.json(http.StatusOK, x.renderImport(imp))
}
