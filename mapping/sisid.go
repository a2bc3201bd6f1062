package mapping

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSISIDLength is the longest SIS ID the mapping emits, in characters.
// Canvas stores SIS IDs in 255-character string columns.
const MaxSISIDLength = 255

// ErrInvalidSISID matches every *SISIDError.
var ErrInvalidSISID = errors.New("mapping: invalid SIS ID")

// SISIDError says why an ID cannot be used as a SIS ID.
type SISIDError struct {
	ID     string
	Reason string
}

func (e *SISIDError) Error() string {
	id := e.ID
	if len(id) > 80 {
		id = id[:80] + "…"
	}
	return fmt.Sprintf("mapping: invalid SIS ID %q: %s", id, e.Reason)
}

// Is makes a SISIDError match ErrInvalidSISID.
func (e *SISIDError) Is(target error) bool { return target == ErrInvalidSISID }

// CheckSISID reports whether an LMS can hold id as a SIS ID: not empty, valid
// UTF-8, at most MaxSISIDLength characters, no control or invisible format
// characters, and no leading or trailing space (the LMS would strip it, and
// the stored ID would never equal ours again). U+FFFD is refused too: it
// is what a lossy decode leaves in place of bytes it could not read (a
// windows-1252 answer's undefined bytes, say), so different codes may have
// become this one ID and the record is diagnosed instead of merged.
func CheckSISID(id string) error {
	switch {
	case id == "":
		return &SISIDError{id, "empty"}
	case !utf8.ValidString(id):
		return &SISIDError{id, "not valid UTF-8"}
	case utf8.RuneCountInString(id) > MaxSISIDLength:
		return &SISIDError{id, fmt.Sprintf("longer than %d characters", MaxSISIDLength)}
	case strings.TrimSpace(id) != id:
		return &SISIDError{id, "leading or trailing space"}
	}
	for _, r := range id {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return &SISIDError{id, fmt.Sprintf("control character %U", r)}
		case r == utf8.RuneError:
			return &SISIDError{id, "replacement character U+FFFD: the code was decoded lossily, and different codes may share this ID"}
		}
	}
	return nil
}

// SISScheme derives the SIS ID of every LMS object from VETtrak identifiers
// (client codes, occurrence and programme IDs, unit codes, staff codes),
// never from names or emails, so an ID stays the same when a name or email
// changes.
//
// An ID is Prefix, a tag naming the kind of object, and the identifying
// parts, joined by Separator: with the defaults, client "00123" is user
// "vt-u-00123" and unit BSBLDR501 is course "vt-unit-BSBLDR501". A part that
// contains the separator or '%' has those characters percent-escaped, so two
// different VETtrak identifiers never give the same ID. Sections and groups
// extend their course's SIS ID, because the LMS requires them to be unique
// across courses.
//
// Changing a scheme in use changes every ID and orphans the LMS objects made
// under the old one: choose it once per provider.
type SISScheme struct {
	// Prefix starts every ID; it keeps this provider's objects apart from
	// other SIS sources in the same LMS. May be empty.
	Prefix string `json:"prefix"`
	// Separator joins the parts. Must not be empty.
	Separator string `json:"separator"`

	// Tags name each kind of object. Course tags must be distinct and not
	// empty, so courses of different workflows never collide.
	UserTag             string `json:"user_tag"`
	UnitCourseTag       string `json:"unit_course_tag"`
	SubjectCourseTag    string `json:"subject_course_tag"`
	ProgrammeCourseTag  string `json:"programme_course_tag"`
	OccurrenceCourseTag string `json:"occurrence_course_tag"`
	SectionTag          string `json:"section_tag"`
	TrainerSectionTag   string `json:"trainer_section_tag"`
	GroupTag            string `json:"group_tag"`

	// BareUserIDs makes a user's SIS ID the client code itself, with no
	// prefix or tag (the JR Plus "Party ID is the SIS ID" model), for LMSs
	// whose users already carry client codes.
	BareUserIDs bool `json:"bare_user_ids"`
}

// DefaultSISScheme is "vt" + "-" with short tags: users vt-u-<client code>,
// courses vt-unit-<unit>, vt-subj-<unit>, vt-prog-<programme ID>,
// vt-occ-<occurrence ID>, sections <course>-sec-<occurrence ID> and
// <course>-trn-<staff code>, groups <course>-grp-<occurrence ID>.
func DefaultSISScheme() SISScheme {
	return SISScheme{
		Prefix:              "vt",
		Separator:           "-",
		UserTag:             "u",
		UnitCourseTag:       "unit",
		SubjectCourseTag:    "subj",
		ProgrammeCourseTag:  "prog",
		OccurrenceCourseTag: "occ",
		SectionTag:          "sec",
		TrainerSectionTag:   "trn",
		GroupTag:            "grp",
	}
}

// Validate reports a scheme that could produce colliding or unusable IDs.
func (s SISScheme) Validate() error {
	if s.Separator == "" {
		return configErr("SIS.Separator", "must not be empty")
	}
	if strings.Contains(s.Separator, "%") {
		return configErr("SIS.Separator", "must not contain '%' (the escape character)")
	}
	fields := []struct{ name, v string }{
		{"SIS.Prefix", s.Prefix}, {"SIS.Separator", s.Separator}, {"SIS.UserTag", s.UserTag},
		{"SIS.UnitCourseTag", s.UnitCourseTag}, {"SIS.SubjectCourseTag", s.SubjectCourseTag},
		{"SIS.ProgrammeCourseTag", s.ProgrammeCourseTag}, {"SIS.OccurrenceCourseTag", s.OccurrenceCourseTag},
		{"SIS.SectionTag", s.SectionTag}, {"SIS.TrainerSectionTag", s.TrainerSectionTag}, {"SIS.GroupTag", s.GroupTag},
	}
	for _, f := range fields {
		if f.v == "" {
			continue
		}
		if err := CheckSISID(f.v); err != nil {
			return configErr(f.name, err.Error())
		}
		if f.name != "SIS.Separator" && strings.Contains(f.v, s.Separator) {
			return configErr(f.name, "must not contain the separator")
		}
	}
	courseTags := map[string]string{}
	for _, f := range fields[3:7] {
		if f.v == "" {
			return configErr(f.name, "must not be empty")
		}
		if other, ok := courseTags[f.v]; ok {
			return configErr(f.name, "equals "+other+"; course IDs of two workflows would collide")
		}
		courseTags[f.v] = f.name
	}
	if s.SectionTag == "" || s.TrainerSectionTag == "" || s.SectionTag == s.TrainerSectionTag {
		return configErr("SIS.SectionTag", "SectionTag and TrainerSectionTag must be set and differ")
	}
	if s.GroupTag == "" {
		return configErr("SIS.GroupTag", "must not be empty")
	}
	if !s.BareUserIDs && s.Prefix == "" && s.UserTag == "" {
		return configErr("SIS.UserTag", "set a prefix or user tag, or BareUserIDs")
	}
	return nil
}

// escapePart percent-escapes '%', the separator's characters and every
// byte that is not part of valid UTF-8, so that a part can never be
// confused with the structure around it and two different parts never
// give one ID: the escaping is undone by percent-decoding. Ranging over
// the string instead would read each invalid byte as U+FFFD, and client
// codes "%\xae" and "%\xa8" would share an ID (issue 18 item 5).
func (s SISScheme) escapePart(p string) string {
	if !strings.Contains(p, "%") && !strings.ContainsAny(p, s.Separator) && utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r == '%' || (r == utf8.RuneError && size == 1) || strings.ContainsRune(s.Separator, r) {
			for _, c := range []byte(p[i : i+size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(p[i : i+size])
		}
		i += size
	}
	return b.String()
}

// join builds head + tag + parts. An empty part makes the whole ID empty,
// which CheckSISID rejects: an ID must never silently lose its key.
func (s SISScheme) join(head, tag string, parts ...string) string {
	var b strings.Builder
	sep := false
	write := func(v string) {
		if sep {
			b.WriteString(s.Separator)
		}
		b.WriteString(v)
		sep = true
	}
	if head != "" {
		write(head)
	}
	if tag != "" {
		write(tag)
	}
	for _, p := range parts {
		if p == "" {
			return ""
		}
		write(s.escapePart(p))
	}
	return b.String()
}

// User is the SIS ID of the person with this VETtrak client code (learners
// and staff alike: staff are clients).
func (s SISScheme) User(clientCode string) string {
	code := strings.TrimSpace(clientCode)
	if s.BareUserIDs {
		return code
	}
	return s.join(s.Prefix, s.UserTag, code)
}

// UnitCourse is the SIS ID of the course for a unit's national code (Unit
// and Occurrence-groups workflows). The code is normalised first, so
// "bsbldr 501" and "BSBLDR501" are the same course.
func (s SISScheme) UnitCourse(unitCode string) string {
	return s.join(s.Prefix, s.UnitCourseTag, NormalizeUnitCode(unitCode))
}

// SubjectCourse is the SIS ID of the course for a subject (Subject workflow).
func (s SISScheme) SubjectCourse(unitCode string) string {
	return s.join(s.Prefix, s.SubjectCourseTag, NormalizeUnitCode(unitCode))
}

// ProgrammeCourse is the SIS ID of the course for a programme (Module
// workflow). It uses the programme's ID, which never changes, not its code.
func (s SISScheme) ProgrammeCourse(programmeID int64) string {
	if programmeID == 0 {
		return ""
	}
	return s.join(s.Prefix, s.ProgrammeCourseTag, strconv.FormatInt(programmeID, 10))
}

// OccurrenceCourse is the SIS ID of the course for an occurrence (Course
// workflow).
func (s SISScheme) OccurrenceCourse(occurrenceID int64) string {
	if occurrenceID == 0 {
		return ""
	}
	return s.join(s.Prefix, s.OccurrenceCourseTag, strconv.FormatInt(occurrenceID, 10))
}

// OccurrenceSection is the SIS ID of an occurrence's section in a course.
func (s SISScheme) OccurrenceSection(courseSISID string, occurrenceID int64) string {
	if courseSISID == "" || occurrenceID == 0 {
		return ""
	}
	return s.join(courseSISID, s.SectionTag, strconv.FormatInt(occurrenceID, 10))
}

// TrainerSection is the SIS ID of a trainer's section in a course (Unit
// workflow with SectionPerTrainer).
func (s SISScheme) TrainerSection(courseSISID, staffCode string) string {
	if courseSISID == "" {
		return ""
	}
	return s.join(courseSISID, s.TrainerSectionTag, strings.TrimSpace(staffCode))
}

// OccurrenceGroup is the SIS ID of an occurrence's group in a course
// (Occurrence-groups workflow). A programme occurrence gets one group in
// each of its units' courses, each with its own ID, because an LMS group
// belongs to exactly one course.
func (s SISScheme) OccurrenceGroup(courseSISID string, occurrenceID int64) string {
	if courseSISID == "" || occurrenceID == 0 {
		return ""
	}
	return s.join(courseSISID, s.GroupTag, strconv.FormatInt(occurrenceID, 10))
}

// idRegistry tracks which record claimed each SIS ID, per kind of object,
// so that two different records deriving one ID are reported rather than
// silently merged.
type idRegistry struct {
	owners map[string]map[string]string // kind → ID → owner
}

func newIDRegistry() *idRegistry { return &idRegistry{owners: map[string]map[string]string{}} }

// claim records owner for id and returns the previous, different owner if
// there is one.
func (r *idRegistry) claim(kind, id, owner string) (prev string, ok bool) {
	m := r.owners[kind]
	if m == nil {
		m = map[string]string{}
		r.owners[kind] = m
	}
	if p, exists := m[id]; exists && p != owner {
		return p, false
	}
	m[id] = owner
	return "", true
}
