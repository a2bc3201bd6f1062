package canvas

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// SISImportsService uploads SIS import files and follows their progress.
type SISImportsService service

// SIS import workflow states.
const (
	SISImportInitializing         = "initializing"
	SISImportCreated              = "created"
	SISImportImporting            = "importing"
	SISImportCleanupBatch         = "cleanup_batch"
	SISImportImported             = "imported"
	SISImportImportedWithMessages = "imported_with_messages"
	SISImportAborted              = "aborted"
	SISImportFailed               = "failed"
	SISImportFailedWithMessages   = "failed_with_messages"
)

// SISImport is a SIS import and its progress.
type SISImport struct {
	ID            ID            `json:"id"`
	WorkflowState string        `json:"workflow_state"`
	Progress      int           `json:"progress"`
	CreatedAt     *time.Time    `json:"created_at"`
	UpdatedAt     *time.Time    `json:"updated_at"`
	EndedAt       *time.Time    `json:"ended_at"`
	Data          SISImportData `json:"data"`
	// ProcessingWarnings and ProcessingErrors are [file, message] pairs.
	ProcessingWarnings [][]string `json:"processing_warnings"`
	ProcessingErrors   [][]string `json:"processing_errors"`

	BatchMode                bool   `json:"batch_mode"`
	BatchModeTermID          ID     `json:"batch_mode_term_id"`
	SkipDeletes              bool   `json:"skip_deletes"`
	OverrideSISStickiness    bool   `json:"override_sis_stickiness"`
	DiffingDataSetIdentifier string `json:"diffing_data_set_identifier"`
	DiffingRemaster          bool   `json:"diffing_remaster"`
	DiffedAgainstImportID    ID     `json:"diffed_against_import_id"`
	DiffingThresholdExceeded bool   `json:"diffing_threshold_exceeded"`
	ChangeThreshold          *int   `json:"change_threshold"`
}

// Done reports whether the import reached a final state.
func (s SISImport) Done() bool {
	switch s.WorkflowState {
	case SISImportImported, SISImportImportedWithMessages, SISImportAborted,
		SISImportFailed, SISImportFailedWithMessages:
		return true
	}
	return false
}

// Succeeded reports whether the import finished and applied its data
// (possibly with per-row messages).
func (s SISImport) Succeeded() bool {
	return s.WorkflowState == SISImportImported || s.WorkflowState == SISImportImportedWithMessages
}

// SISImportData is the data block of a SIS import.
type SISImportData struct {
	ImportType      string         `json:"import_type"`
	SuppliedBatches []string       `json:"supplied_batches"`
	Counts          map[string]int `json:"counts"`
}

// SISImportOptions are the parameters of an upload. The zero value is a
// plain import of a zip file.
type SISImportOptions struct {
	// Extension is "zip" (default), "csv" or "xml".
	Extension string
	// BatchMode deletes SIS-created courses, sections and enrollments of
	// BatchModeTerm that the upload does not mention. BatchModeTerm is
	// required with it.
	BatchMode     bool
	BatchModeTerm TermRef
	// DiffingDataSetIdentifier makes Canvas apply only the difference from
	// the last import with the same identifier. Canvas accepts it with
	// batch mode, where batch mode wins (sis_imports_api_controller.rb
	// #create).
	DiffingDataSetIdentifier string
	DiffingRemaster          bool
	// DiffingDropStatus is what removed enrollments become: deleted
	// (default), completed, inactive or deleted_last_completed (deleted,
	// but the last one a user has in a course is concluded;
	// lib/sis/csv/diff_generator.rb).
	DiffingDropStatus string
	// ChangeThreshold (percent) stops batch or diffing deletes above it.
	ChangeThreshold       int
	SkipDeletes           bool
	OverrideSISStickiness bool
	AddSISStickiness      bool
	ClearSISStickiness    bool
}

func (o SISImportOptions) query() (url.Values, error) {
	q := url.Values{"import_type": {"instructure_csv"}}
	ext := o.Extension
	if ext == "" {
		ext = "zip"
	}
	q.Set("extension", ext)
	if o.BatchMode {
		if refString(o.BatchModeTerm) == "" {
			return nil, errors.New("batch mode needs a term")
		}
		q.Set("batch_mode", "true")
		setRef(q, "batch_mode_term_id", o.BatchModeTerm)
	}
	if len(o.DiffingDataSetIdentifier) > 128 {
		return nil, errors.New("diffing data set identifier longer than 128 bytes")
	}
	setNonEmpty(q, "diffing_data_set_identifier", o.DiffingDataSetIdentifier)
	setFlag(q, "diffing_remaster_data_set", o.DiffingRemaster)
	setNonEmpty(q, "diffing_drop_status", o.DiffingDropStatus)
	if o.ChangeThreshold > 0 {
		q.Set("change_threshold", strconv.Itoa(o.ChangeThreshold))
	}
	setFlag(q, "skip_deletes", o.SkipDeletes)
	setFlag(q, "override_sis_stickiness", o.OverrideSISStickiness)
	setFlag(q, "add_sis_stickiness", o.AddSISStickiness)
	setFlag(q, "clear_sis_stickiness", o.ClearSISStickiness)
	return q, nil
}

// Create uploads a SIS import to a root account and returns at once; the
// import runs in the background (see Wait). data is the zip (or a single
// CSV with Extension "csv"); ZipCSV builds one.
func (s *SISImportsService) Create(ctx context.Context, account AccountRef, data []byte, opts SISImportOptions) (*SISImport, error) {
	if len(data) == 0 {
		return nil, refuse("POST accounts/{id}/sis_imports", errors.New("no data"))
	}
	p, err := path("accounts/{id}/sis_imports", account)
	if err != nil {
		return nil, err
	}
	q, err := opts.query()
	if err != nil {
		return nil, refuse("POST accounts/{id}/sis_imports", err)
	}
	ctype := "application/zip"
	if e := q.Get("extension"); e == "csv" {
		ctype = "text/csv"
	} else if e == "xml" {
		ctype = "text/xml"
	}
	var out SISImport
	// Not idempotent: a repeated upload is a second import.
	if err := s.client.do(ctx, call{method: "POST", path: p, query: q, raw: data, rawType: ctype}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns a SIS import's current state.
func (s *SISImportsService) Get(ctx context.Context, account AccountRef, id ID) (*SISImport, error) {
	p, err := path("accounts/{id}/sis_imports/{id}", account, id)
	if err != nil {
		return nil, err
	}
	var out SISImport
	if err := s.client.do(ctx, call{method: "GET", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// List returns an account's SIS imports, newest first.
func (s *SISImportsService) List(ctx context.Context, account AccountRef) iter.Seq2[SISImport, error] {
	p, err := path("accounts/{id}/sis_imports", account)
	if err != nil {
		return errSeq[SISImport](err)
	}
	return list[SISImport](s.client, ctx, call{method: "GET", path: p}, "sis_imports")
}

// Wait polls a SIS import every interval until it reaches a final state or
// ctx ends, and returns its last state. A final state is not an error:
// check Succeeded, and read Errors for per-row messages.
func (s *SISImportsService) Wait(ctx context.Context, account AccountRef, id ID, interval time.Duration) (*SISImport, error) {
	return s.WaitProgress(ctx, account, id, interval, nil)
}

// WaitProgress is Wait calling progress (when not nil) with every state
// the polls return, the final one included.
func (s *SISImportsService) WaitProgress(ctx context.Context, account AccountRef, id ID, interval time.Duration, progress func(*SISImport)) (*SISImport, error) {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	for {
		imp, err := s.Get(ctx, account, id)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(imp)
		}
		if imp.Done() {
			return imp, nil
		}
		if err := sleepCtx(ctx, interval); err != nil {
			return imp, refuse("GET accounts/{id}/sis_imports/{id}", fmt.Errorf("waiting for SIS import %d (%s): %w", id, imp.WorkflowState, err))
		}
	}
}

// Abort stops a SIS import that has not finished.
func (s *SISImportsService) Abort(ctx context.Context, account AccountRef, id ID) (*SISImport, error) {
	p, err := path("accounts/{id}/sis_imports/{id}/abort", account, id)
	if err != nil {
		return nil, err
	}
	var out SISImport
	if err := s.client.do(ctx, call{method: "PUT", path: p, idem: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SISImportError is one per-row problem of a SIS import.
type SISImportError struct {
	SISImportID ID     `json:"sis_import_id"`
	File        string `json:"file"`
	Message     string `json:"message"`
	RowInfo     string `json:"row_info"`
	Row         *int   `json:"row"`
}

// Errors returns the per-row errors and warnings of a SIS import (kept by
// Canvas for 30 days).
func (s *SISImportsService) Errors(ctx context.Context, account AccountRef, id ID) iter.Seq2[SISImportError, error] {
	p, err := path("accounts/{id}/sis_imports/{id}/errors", account, id)
	if err != nil {
		return errSeq[SISImportError](err)
	}
	return list[SISImportError](s.client, ctx, call{method: "GET", path: p}, "sis_import_errors")
}

// ZipCSV packs named CSV files (users.csv, courses.csv, sections.csv,
// enrollments.csv, ...) into a zip for Create. Files are stored in name
// order so the same input gives the same bytes.
func ZipCSV(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
		if err != nil {
			return nil, fmt.Errorf("canvas: zip %s: %w", n, err)
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, fmt.Errorf("canvas: zip %s: %w", n, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("canvas: zip: %w", err)
	}
	return buf.Bytes(), nil
}
