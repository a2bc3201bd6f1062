package canvastest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Reading an upload: unpacking the zip, parsing each CSV, telling its kind
// from its header and keying its rows (for diffing and batch mode).

// maxUnzipped caps the unpacked size of an upload.
const maxUnzipped = 64 << 20

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
