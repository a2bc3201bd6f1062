package canvastest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

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

const maxUnzipped = 64 << 20

func (s *Server) createSISImport(x *rctx) {
	a := s.findAccount(x.params[0])
	if a == nil {
		x.notFound()
		return
	}
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
	page, ok := paginate(x, all, func(v *sisImport) int64 { return v.ID }, numberedNoLast)
	if !ok {
		return
	}
	out := make([]any, 0, len(page))
	for _, v := range page {
		out = append(out, x.renderImport(v))
	}
	x.json(http.StatusOK, map[string]any{"sis_imports": out})
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
	page, ok := paginate(x, idx, func(i int64) int64 { return i }, numberedNoLast)
	if !ok {
		return
	}
	out := make([]any, 0, len(page))
	for _, i := range page {
		e := imp.Errors[i]
		out = append(out, map[string]any{"sis_import_id": x.id(imp.ID), "file": e.File, "message": e.Message,
			"row_info": nil, "row": e.Row})
	}
	x.json(http.StatusOK, map[string]any{"sis_import_errors": out})
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

// csvFile is one parsed CSV of an upload.
type csvFile struct {
	name   string
	kind   string // users, courses, sections, enrollments
	header []string
	rows   []csvRow
}

type csvRow struct {
	line int
	v    map[string]string
	key  string
	text string
}

// errNotZip reports an upload that cannot be unpacked.
var errNotZip = errors.New("the upload is not a valid zip file")

// unpack returns the CSV files of an upload.
func unpack(data []byte, ext string) (map[string][]byte, error) {
	if ext == "csv" {
		return map[string][]byte{"upload.csv": data}, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errNotZip
	}
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errNotZip
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxUnzipped-total+1))
		_ = rc.Close()
		if err != nil {
			return nil, errNotZip
		}
		total += int64(len(b))
		if total > maxUnzipped || total > 100*int64(len(data))+1<<20 {
			return nil, errors.New("the zip file expands to more than the allowed size")
		}
		files[f.Name] = b
	}
	return files, nil
}

func parseCSV(name string, b []byte) (*csvFile, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the header row: %v", name, err)
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	f := &csvFile{name: name, header: header, kind: detectKind(header)}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: malformed CSV: %v", name, err)
		}
		line, _ := r.FieldPos(0)
		row := csvRow{line: line, v: map[string]string{}}
		for i, h := range header {
			if i < len(rec) {
				row.v[h] = strings.TrimSpace(rec[i])
			}
		}
		row.text = strings.Join(rec, ",")
		row.key = rowKey(f.kind, row.v)
		f.rows = append(f.rows, row)
	}
	return f, nil
}

func detectKind(h []string) string {
	has := func(c string) bool { return slices.Contains(h, c) }
	switch {
	case has("user_id") && has("login_id"):
		return "users"
	case has("course_id") && has("short_name"):
		return "courses"
	case has("section_id") && has("name"):
		return "sections"
	case (has("section_id") || has("course_id")) && (has("user_id") || has("user_integration_id")):
		return "enrollments"
	case has("group_category_id") && has("category_name"):
		return "group_categories"
	case has("group_id") && has("user_id"):
		return "group_memberships"
	case has("group_id") && has("name"):
		return "groups"
	}
	return ""
}

func rowKey(kind string, v map[string]string) string {
	switch kind {
	case "users":
		return v["user_id"]
	case "courses":
		return v["course_id"]
	case "sections":
		return v["section_id"]
	case "enrollments":
		return v["course_id"] + "\x00" + v["section_id"] + "\x00" + v["user_id"] + v["user_integration_id"] + "\x00" + orDefault(v["role"], "student")
	case "group_categories":
		return v["group_category_id"]
	case "groups":
		return v["group_id"]
	case "group_memberships":
		return v["group_id"] + "\x00" + v["user_id"]
	}
	return ""
}

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

func splitKey(kind, key string) map[string]string {
	switch kind {
	case "users":
		return map[string]string{"user_id": key}
	case "courses":
		return map[string]string{"course_id": key}
	case "sections":
		return map[string]string{"section_id": key}
	case "group_categories":
		return map[string]string{"group_category_id": key}
	case "groups":
		return map[string]string{"group_id": key}
	case "group_memberships":
		g, u, _ := strings.Cut(key, "\x00")
		return map[string]string{"group_id": g, "user_id": u}
	}
	p := strings.Split(key, "\x00")
	for len(p) < 4 {
		p = append(p, "")
	}
	return map[string]string{"course_id": p[0], "section_id": p[1], "user_id": p[2], "role": p[3]}
}

// importRow applies one row; false means it was rejected with a warning.
func (s *Server) importRow(imp *sisImport, f *csvFile, row csvRow) bool {
	v := row.v
	status := strings.ToLower(v["status"])
	bad := func(format string, args ...any) bool {
		imp.warn(f.name, row.line, fmt.Sprintf(format, args...))
		return false
	}
	switch f.kind {
	case "users":
		id, login := v["user_id"], v["login_id"]
		if id == "" {
			return bad("No user_id given for a user")
		}
		u, _ := s.userBySIS(id)
		if status != "deleted" && login == "" {
			return bad("No login_id given for user %s", id)
		}
		switch status {
		case "active", "deleted", "suspended":
		default:
			return bad("Improper status %q for user %s", v["status"], id)
		}
		if status == "deleted" {
			if u == nil {
				return bad("User %s cannot be deleted because it does not exist", id)
			}
			u.WorkflowState, u.SISImportID = "deleted", imp.ID
			for _, e := range s.enrollments {
				if e.UserID == u.ID {
					e.State = "deleted"
				}
			}
			return true
		}
		var except int64
		if u != nil {
			except = u.ID
		}
		if s.loginTaken(login, except) != nil {
			return bad("An existing Canvas user with the login id %s already exists (SIS ID %s)", login, id)
		}
		if u == nil {
			u = &User{ID: s.nextID(), LoginRecordID: s.nextID(), SISUserID: id}
			s.users[u.ID] = u
		}
		name := v["full_name"]
		if name == "" {
			name = strings.TrimSpace(v["first_name"] + " " + v["last_name"])
		}
		u.Name, u.LoginID, u.WorkflowState, u.SISImportID = name, login, "registered", imp.ID
		u.ShortName = orDefault(v["short_name"], name)
		u.SortableName = orDefault(v["sortable_name"], sortableName(name))
		if v["last_name"] != "" && v["sortable_name"] == "" {
			u.SortableName = strings.TrimSpace(v["last_name"] + ", " + v["first_name"])
		}
		if e := v["email"]; e != "" {
			u.Email = e
		}
		if i := v["integration_id"]; i != "" {
			u.IntegrationID = i
		}
		return true

	case "courses":
		id := v["course_id"]
		if id == "" {
			return bad("No course_id given for a course")
		}
		c := s.sisCourseTaken(id, 0)
		if status != "deleted" && (v["short_name"] == "" || v["long_name"] == "") {
			return bad("No short_name or long_name given for course %s", id)
		}
		var state string
		switch status {
		case "active":
			state = "unpublished"
			if c != nil && c.WorkflowState != "deleted" && c.WorkflowState != "completed" {
				state = c.WorkflowState
			}
		case "unpublished":
			state = "unpublished"
		case "published":
			// doc/api/sis_csv.md: courses.csv status accepts published.
			state = "available"
		case "completed", "deleted":
			state = status
		default:
			return bad("Improper status %q for course %s", v["status"], id)
		}
		if c == nil && status == "deleted" {
			return bad("Course %s cannot be deleted because it does not exist", id)
		}
		acct := int64(RootAccountID)
		if a := v["account_id"]; a != "" {
			found := s.findAccount("sis_account_id:" + a)
			if found == nil {
				return bad("Account not found %q for course %s", a, id)
			}
			acct = found.ID
		}
		var term int64
		if t := v["term_id"]; t != "" {
			tid, ok := s.findTerm("sis_term_id:" + t)
			if !ok {
				imp.warn(f.name, row.line, fmt.Sprintf("Term not found %q for course %s", t, id))
			}
			term = tid
		}
		if c == nil {
			c = &Course{ID: s.nextID(), SISCourseID: id, CreatedAt: s.now()}
			s.courses[c.ID] = c
		}
		if status != "deleted" {
			c.Name, c.CourseCode, c.AccountID = v["long_name"], v["short_name"], acct
			if term != 0 {
				c.TermID = term
			}
			for _, d := range []struct {
				col string
				dst **time.Time
			}{{"start_date", &c.StartAt}, {"end_date", &c.EndAt}} {
				if raw, ok := v[d.col]; ok && raw != "" {
					if t, ok := parseTime(raw); ok {
						*d.dst = t
					} else {
						imp.warn(f.name, row.line, fmt.Sprintf("Bad date format %q for course %s", raw, id))
					}
				}
			}
			if i := v["integration_id"]; i != "" {
				c.IntegrationID = i
			}
		}
		c.WorkflowState, c.SISImportID = state, imp.ID
		return true

	case "sections":
		id, cid := v["section_id"], v["course_id"]
		if id == "" {
			return bad("No section_id given for a section in course %s", cid)
		}
		sec := s.sisSectionTaken(id, 0)
		if status != "deleted" && (cid == "" || v["name"] == "") {
			return bad("No course_id or name given for section %s", id)
		}
		if status != "active" && status != "deleted" {
			return bad("Improper status %q for section %s", v["status"], id)
		}
		if status == "deleted" {
			if sec == nil {
				return bad("Section %s cannot be deleted because it does not exist", id)
			}
			sec.WorkflowState, sec.SISImportID = "deleted", imp.ID
			return true
		}
		c := s.findCourse("sis_course_id:"+cid, false)
		if c == nil {
			return bad("Section %s references course %s which doesn't exist", id, cid)
		}
		if sec == nil {
			sec = &Section{ID: s.nextID(), SISSectionID: id}
			s.sections[sec.ID] = sec
		}
		sec.CourseID, sec.Name, sec.WorkflowState, sec.SISImportID = c.ID, v["name"], "active", imp.ID
		if i := v["integration_id"]; i != "" {
			sec.IntegrationID = i
		}
		return true

	case "enrollments":
		cid, sid, uid := v["course_id"], v["section_id"], v["user_id"]
		role := strings.ToLower(orDefault(v["role"], "student"))
		typ := map[string]string{"student": "StudentEnrollment", "teacher": "TeacherEnrollment", "ta": "TaEnrollment",
			"observer": "ObserverEnrollment", "designer": "DesignerEnrollment"}[role]
		if typ == "" {
			return bad("Improper role %q for an enrollment", v["role"])
		}
		state := status
		switch status {
		case "active", "deleted", "completed", "inactive":
		default:
			return bad("Improper status %q for an enrollment", v["status"])
		}
		var u *User
		if uid != "" {
			u = s.findUser("sis_user_id:" + uid)
		} else if iid := v["user_integration_id"]; iid != "" {
			u = s.findUser("sis_integration_id:" + iid)
		}
		if u == nil {
			return bad("User not found for enrollment (User ID: %s, Course ID: %s, Section ID: %s, Role: %s)", uid, cid, sid, role)
		}
		var c *Course
		var sec *Section
		if sid != "" {
			sec = s.findSection("sis_section_id:" + sid)
		}
		if cid != "" {
			c = s.findCourse("sis_course_id:"+cid, false)
		}
		if sec == nil && c == nil {
			return bad("Neither course nor section existed for user enrollment (Course ID: %s, Section ID: %s, User ID: %s)", cid, sid, uid)
		}
		if sec != nil && c != nil && sec.CourseID != c.ID {
			return bad("An enrollment listed a section (%s) and a course (%s) that are unrelated for user (%s)", sid, cid, uid)
		}
		if sec == nil {
			sec = s.defaultSection(c)
		}
		c = s.courses[sec.CourseID]
		e := s.findEnrollment(u.ID, sec.ID, typ, nil)
		now := s.now()
		if e == nil {
			if status == "deleted" {
				return bad("Enrollment for user %s in %s cannot be deleted because it does not exist", uid, cid+sid)
			}
			e = &Enrollment{ID: s.nextID(), CourseID: c.ID, SectionID: sec.ID, UserID: u.ID, Type: typ, Role: typ, CreatedAt: now}
			s.putEnrollment(e)
		}
		e.State, e.UpdatedAt, e.SISImportID = state, now, imp.ID
		return true

	case "group_categories", "groups", "group_memberships":
		return s.importGroupRow(imp, f.kind, status, v, bad)
	}
	return false
}

// importGroupRow applies a row of group_categories.csv, groups.csv or
// group_memberships.csv (doc/api/sis_csv.md). Only course groups are
// imported (account-level rows are refused with a warning: the fake has
// no account groups). A membership saved here is exclusive in its
// category as any other (group_membership.rb). Whether the importer also
// requires an enrollment in the group's course, as the REST policy does
// (group.rb#can_join?), is UNCONFIRMED; the fake is strict and refuses
// such a row with a warning, so a sync that relies on the importer
// admitting unenrolled users fails here rather than in production. Rows
// are processed in Canvas's order, so enrollments of the same import
// count.
func (s *Server) importGroupRow(imp *sisImport, kind, status string, v map[string]string, bad func(string, ...any) bool) bool {
	switch kind {
	case "group_categories":
		id := v["group_category_id"]
		if id == "" || (status != "deleted" && v["category_name"] == "") {
			return bad("No group_category_id or category_name given for a group category")
		}
		if status != "active" && status != "deleted" {
			return bad("Improper status %q for group category %s", v["status"], id)
		}
		cat := s.findCategory("sis_group_category_id:" + id)
		if status == "deleted" {
			if cat == nil {
				return bad("Group category %s cannot be deleted because it does not exist", id)
			}
			for _, g := range s.groups {
				if g.CategoryID == cat.ID {
					g.WorkflowState = "deleted"
				}
			}
			delete(s.categories, cat.ID)
			return true
		}
		c := s.findCourse("sis_course_id:"+v["course_id"], false)
		if c == nil {
			return bad("Course with course_id %s didn't exist for group category %s", v["course_id"], id)
		}
		if cat == nil {
			cat = &GroupCategory{ID: s.nextID(), CourseID: c.ID, SISGroupCategoryID: id}
			s.categories[cat.ID] = cat
		}
		cat.Name = v["category_name"]
		return true
	case "groups":
		id := v["group_id"]
		if id == "" || (status != "deleted" && v["name"] == "") {
			return bad("No group_id or name given for a group")
		}
		if status != "available" && status != "deleted" {
			return bad("Improper status %q for group %s", v["status"], id)
		}
		g := s.findGroup("sis_group_id:" + id)
		if status == "deleted" {
			if g == nil {
				return bad("Group %s cannot be deleted because it does not exist", id)
			}
			g.WorkflowState = "deleted"
			return true
		}
		cat := s.findCategory("sis_group_category_id:" + v["group_category_id"])
		if cat == nil {
			return bad("Group category %s not found for group %s", v["group_category_id"], id)
		}
		if g == nil {
			g = &Group{ID: s.nextID(), SISGroupID: id, JoinLevel: "invitation_only"}
			s.groups[g.ID] = g
		}
		g.CategoryID, g.CourseID, g.Name, g.WorkflowState = cat.ID, cat.CourseID, v["name"], "available"
		return true
	default: // group_memberships
		gid, uid := v["group_id"], v["user_id"]
		if status != "accepted" && status != "deleted" {
			return bad("Improper status %q for a group membership", v["status"])
		}
		g := s.findGroup("sis_group_id:" + gid)
		u := s.findUser("sis_user_id:" + uid)
		if g == nil || u == nil {
			return bad("Group %s or user %s not found for a group membership", gid, uid)
		}
		var m *Membership
		for _, o := range s.memberships {
			if o.GroupID == g.ID && o.UserID == u.ID {
				m = o
			}
		}
		if status == "accepted" && !s.canJoin(g, u.ID) {
			return bad("User %s has no enrollment in the course of group %s (UNCONFIRMED for imports; the fake is strict)", uid, gid)
		}
		if m == nil {
			if status == "deleted" {
				return bad("Group membership of user %s in group %s cannot be deleted because it does not exist", uid, gid)
			}
			m = &Membership{ID: s.nextID(), GroupID: g.ID, UserID: u.ID}
			s.memberships[m.ID] = m
		}
		m.WorkflowState = status
		s.exclusiveMembership(m)
		return true
	}
}

func (s *Server) userBySIS(id string) (*User, bool) {
	for _, u := range s.users {
		if u.SISUserID == id {
			return u, true
		}
	}
	return nil, false
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
